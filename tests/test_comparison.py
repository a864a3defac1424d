"""Paired differences of two models on the same test points (chapters 6 and 7)."""

import numpy as np
import pytest
from scipy import stats

import dgm_utils as du


def test_paired_difference_matches_scipys_paired_t_statistic():
    rng = np.random.default_rng(0)
    a = rng.normal(18.0, 3.0, 450)
    b = a - 0.2 + rng.normal(0.0, 1.0, 450)
    d = du.paired_difference(a, b)
    t = stats.ttest_rel(a, b).statistic
    assert d.n == 450
    assert d.mean == pytest.approx(np.mean(a) - np.mean(b), abs=1e-12)
    assert d.mean / d.se == pytest.approx(t, rel=1e-12)
    assert d.se == pytest.approx(stats.sem(a - b), rel=1e-12)


def test_clear_means_more_than_n_se_standard_errors_from_zero():
    d = du.PairedDifference(mean=-0.21, se=0.1, n=100)
    assert d.clear() and not d.clear(n_se=2.5)
    assert not du.PairedDifference(mean=0.13, se=0.14, n=450).clear()


def test_ranking_orders_by_mean_and_marks_only_clear_steps():
    rng = np.random.default_rng(1)
    base = rng.normal(20.0, 3.0, 400)
    scores = {
        "worst": base + 5.0 + rng.normal(0, 0.5, 400),
        "tied_a": base + rng.normal(0, 0.5, 400),
        "best": base - 1.0 + rng.normal(0, 0.5, 400),
        "tied_b": base + 0.01 + rng.normal(0, 0.5, 400),
    }
    ranking = du.rank_by_paired_differences(scores)
    assert ranking.startswith("best < ") and ranking.endswith(" < worst")
    assert ranking.split(" ")[2:5] in (["tied_a", "≈", "tied_b"], ["tied_b", "≈", "tied_a"])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda: du.paired_difference([1.0, 2.0], [1.0, 2.0, 3.0]),
            ValueError,
            "got 2 and 3 scores",
        ),
        (lambda: du.paired_difference([1.0], [1.0]), ValueError, "Expected a of shape"),
        (lambda: du.paired_difference("ab", [1.0, 2.0]), TypeError, "a must be an array"),
        (lambda: du.rank_by_paired_differences([1.0, 2.0]), TypeError, "scores must be a mapping"),
        (
            lambda: du.rank_by_paired_differences({"x": [1.0, np.inf], "y": [1.0, 2.0]}),
            ValueError,
            r"scores\['x'\] must be",
        ),
    ],
)
def test_bad_inputs_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()
