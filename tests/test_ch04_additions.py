"""Chapter 4 additions: the readable sampling and enumeration functions agree with the package."""

import itertools

import numpy as np
import pytest

import dgm_utils as du
from dgm_utils.bayesnet import ancestral_sample, enumerate_query


def _brute_force(net, variables, evidence):
    """p(variables | evidence) from the full joint table built with numpy (independent)."""
    idx = {v: i for i, v in enumerate(net.nodes)}
    shape = [net.cardinality[v] for v in net.nodes]
    joint = np.ones(shape)
    for v in net.nodes:
        axes = [idx[u] for u in (*net.parents[v], v)]
        expand = [slice(None) if a in axes else None for a in range(len(shape))]
        order = np.argsort(axes)
        joint = joint * np.transpose(net.cpts[v], order)[tuple(expand)]
    sl = tuple(evidence.get(v, slice(None)) for v in net.nodes)
    kept = [v for v in net.nodes if v not in evidence]
    table = joint[sl]
    sum_axes = tuple(i for i, v in enumerate(kept) if v not in variables)
    table = table.sum(axis=sum_axes)
    remaining = [v for v in kept if v in variables]
    table = np.transpose(table, [remaining.index(v) for v in variables])
    return table / table.sum()


@pytest.mark.parametrize("seed", range(5))
def test_enumerate_query_matches_brute_force_and_query(seed):
    rng = np.random.default_rng(seed)
    net = du.random_network(7, 10, (2, 3), rng)
    names = list(rng.permutation(net.nodes))
    variables = names[:2]
    evidence = {v: int(rng.integers(net.cardinality[v])) for v in names[2:4]}
    ours = enumerate_query(net, variables, evidence)
    np.testing.assert_allclose(ours, _brute_force(net, variables, evidence), atol=1e-12)
    np.testing.assert_allclose(ours, net.query(variables, evidence), atol=1e-12)


def test_enumerate_query_student_all_single_queries():
    student = du.student_network()
    for q in student.nodes:
        others = [v for v in student.nodes if v != q]
        for a, b in itertools.combinations(others, 2):
            for sa, sb in itertools.product(
                range(student.cardinality[a]), range(student.cardinality[b])
            ):
                ev = {a: sa, b: sb}
                np.testing.assert_allclose(
                    enumerate_query(student, q, ev), _brute_force(student, [q], ev), atol=1e-12
                )


@pytest.mark.parametrize("seed", range(3))
def test_ancestral_sample_equals_sample(seed):
    net = du.random_network(9, 12, (2, 4), np.random.default_rng(seed))
    a = ancestral_sample(net, 5000, np.random.default_rng(10 + seed))
    b = net.sample(5000, np.random.default_rng(10 + seed))
    np.testing.assert_array_equal(a, b)


def test_ancestral_sample_frequencies_match_joint():
    student = du.student_network()
    x = ancestral_sample(student, 200_000, np.random.default_rng(0))
    freq = np.bincount(np.ravel_multi_index(x.T, (2, 2, 3, 2, 2)), minlength=48) / len(x)
    exact = _brute_force(student, student.nodes, {}).ravel()
    assert np.abs(freq - exact).max() < 5 * np.sqrt(exact.max() / len(x))
