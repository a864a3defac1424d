"""``mean_difference`` against scipy's paired and Welch t statistics."""

import numpy as np
import pytest
from scipy import stats

from dgm_utils.evaluation import mean_difference


@pytest.mark.parametrize("paired", [True, False])
def test_difference_over_standard_error_is_scipys_t_statistic(paired):
    rng = np.random.default_rng(0)
    a = rng.normal(1.0, 2.0, size=40)
    b = a * 0.5 + rng.normal(0.3, 1.0, size=40) if paired else rng.normal(0.0, 3.0, 25)
    diff, se = mean_difference(a, b, paired=paired)
    ref = stats.ttest_rel(a, b) if paired else stats.ttest_ind(a, b, equal_var=False)
    assert diff == pytest.approx(a.mean() - b.mean(), rel=1e-12)
    assert diff / se == pytest.approx(ref.statistic, rel=1e-10)


def test_pairing_removes_what_the_items_share():
    rng = np.random.default_rng(1)
    shared = rng.normal(0, 10, size=100)  # item difficulty, common to both models
    a, b = shared + rng.normal(0.2, 0.1, 100), shared
    assert mean_difference(a, b, paired=True)[1] < mean_difference(a, b, paired=False)[1] / 20


@pytest.mark.parametrize(
    ("a", "b", "paired", "error", "match"),
    [
        ([1.0, 2.0], [1.0, 2.0, 3.0], True, ValueError, "paired=True needs one score"),
        ([1.0], [1.0, 2.0], False, ValueError, "Expected a of shape"),
        ([1.0, 2.0], [[1.0, 2.0]], False, ValueError, "Expected b of shape"),
        ([1.0, np.nan], [1.0, 2.0], True, ValueError, "a must be finite"),
        ("1 2", [1.0, 2.0], True, TypeError, "a must be an array"),
        ([1.0, 2.0], [1.0, 2.0], 1, TypeError, "paired must be True or False"),
    ],
)
def test_bad_input_names_the_argument(a, b, paired, error, match):
    with pytest.raises(error, match=match):
        mean_difference(a, b, paired=paired)
