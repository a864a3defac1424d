"""Ancestral sampling (dgm_utils.bayesnet.sampling), against the exact joint."""

import math

import numpy as np
import pytest
from bayesnet_reference import (
    STUDENT,
    STUDENT_JOINT,
)
from scipy import stats

from dgm_utils.bayesnet import BayesianNetwork, ancestral_sample, random_network


def test_sample_shape_dtype_and_reproducibility():
    X = STUDENT.sample(1000, np.random.default_rng(1))
    assert X.shape == (1000, 5)
    assert np.issubdtype(X.dtype, np.integer)
    assert X.min() >= 0 and (X.max(axis=0) < [2, 2, 3, 2, 2]).all()
    np.testing.assert_array_equal(X, STUDENT.sample(1000, np.random.default_rng(1)))
    assert STUDENT.sample(0, np.random.default_rng(0)).shape == (0, 5)


def test_student_sample_frequencies_match_the_joint_chi_square():
    n = 200_000
    X = STUDENT.sample(n, np.random.default_rng(0))
    counts = np.bincount(np.ravel_multi_index(X.T, STUDENT_JOINT.shape), minlength=48)
    result = stats.chisquare(counts, n * STUDENT_JOINT.ravel())
    assert result.pvalue > 1e-4


def test_sampling_nodes_with_many_parents_five_sigma():
    """A node with five 3-state parents has 243 CPT rows (row indices overflow small ints):
    every family count passes an exact binomial test (Bonferroni over the cells, level 1e-4),
    and cells with large expected counts lie within 5 standard deviations."""
    rng = np.random.default_rng(5)
    parents = {f"P{i}": [] for i in range(5)} | {"C": [f"P{i}" for i in range(5)], "L": ["C"]}
    cpts = {f"P{i}": rng.dirichlet(np.ones(3)) for i in range(5)}
    cpts["C"] = rng.dirichlet(np.full(4, 0.5), size=(3, 3, 3, 3, 3))
    cpts["L"] = rng.dirichlet(np.ones(3), size=4)
    net = BayesianNetwork(parents, cpts)
    n = 400_000
    X = net.sample(n, rng)
    family = ["P0", "P1", "P2", "P3", "P4", "C"]
    exact = net.query(family).ravel()
    cols = [net.nodes.index(v) for v in family]
    shape = [3] * 5 + [4]
    counts = np.bincount(np.ravel_multi_index(X[:, cols].T, shape), minlength=math.prod(shape))
    p_low = stats.binom.cdf(counts, n, exact)
    p_high = stats.binom.sf(counts - 1, n, exact)
    assert (2 * np.minimum(p_low, p_high) > 1e-4 / counts.size).all()
    large = n * exact > 100
    sigma = np.sqrt(n * exact * (1 - exact))
    assert (np.abs(counts - n * exact)[large] <= 5 * sigma[large]).all()
    freq_l = np.bincount(X[:, net.nodes.index("L")], minlength=3) / n
    np.testing.assert_allclose(freq_l, net.query("L"), atol=5 * np.sqrt(0.25 / n))


def test_zero_probability_states_are_never_sampled():
    net = BayesianNetwork(
        {"A": [], "B": ["A"]}, {"A": [0.5, 0.0, 0.5], "B": [[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]}
    )
    X = net.sample(50_000, np.random.default_rng(0))
    assert not (X[:, 0] == 1).any()
    assert np.isfinite(net.log_prob(X)).all()


def test_bad_sampling_arguments():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        STUDENT.sample(10, rng="seed")
    with pytest.raises(ValueError, match="n must be at least 0"):
        STUDENT.sample(-1, np.random.default_rng(0))
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator .*got NoneType"):
        ancestral_sample(STUDENT, 10, rng=None)
    with pytest.raises(ValueError, match="n must be at least 0"):
        ancestral_sample(STUDENT, -1, np.random.default_rng(0))


# ------------------------------------------------------------- the readable version


@pytest.mark.parametrize("seed", range(3))
def test_ancestral_sample_equals_sample(seed):
    net = random_network(9, 12, (2, 4), np.random.default_rng(seed))
    a = ancestral_sample(net, 5000, np.random.default_rng(10 + seed))
    b = net.sample(5000, np.random.default_rng(10 + seed))
    np.testing.assert_array_equal(a, b)


def test_ancestral_sample_frequencies_match_joint():
    x = ancestral_sample(STUDENT, 200_000, np.random.default_rng(0))
    freq = np.bincount(np.ravel_multi_index(x.T, (2, 2, 3, 2, 2)), minlength=48) / len(x)
    exact = STUDENT_JOINT.ravel()
    # Five standard errors of the largest cell's frequency.
    assert np.abs(freq - exact).max() < 5 * np.sqrt(exact.max() / len(x))
