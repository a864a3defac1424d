"""Exact inference by enumeration (dgm_utils.bayesnet.enumeration): the readable
enumerate_query against a joint built with numpy broadcasting, and its refusals."""

import itertools

import numpy as np
import pytest
from bayesnet_reference import STUDENT, two_nodes

from dgm_utils.bayesnet import enumerate_query, random_network


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
    net = random_network(7, 10, (2, 3), rng)
    names = list(rng.permutation(net.nodes))
    variables = names[:2]
    evidence = {v: int(rng.integers(net.cardinality[v])) for v in names[2:4]}
    ours = enumerate_query(net, variables, evidence)
    np.testing.assert_allclose(ours, _brute_force(net, variables, evidence), atol=1e-12)
    np.testing.assert_allclose(ours, net.query(variables, evidence), atol=1e-12)


def test_enumerate_query_student_all_single_queries():
    for q in STUDENT.nodes:
        others = [v for v in STUDENT.nodes if v != q]
        for a, b in itertools.combinations(others, 2):
            for sa, sb in itertools.product(
                range(STUDENT.cardinality[a]), range(STUDENT.cardinality[b])
            ):
                ev = {a: sa, b: sb}
                np.testing.assert_allclose(
                    enumerate_query(STUDENT, q, ev), _brute_force(STUDENT, [q], ev), atol=1e-12
                )


def test_enumerate_query_refuses_a_sum_too_long_before_summing():
    net = random_network(40, 0, (2, 2), np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"visit 1,099,511,627,776 joint assignments of the 40"):
        enumerate_query(net, "X0")


def test_enumerate_query_bad_queries():
    with pytest.raises(ValueError, match=r"Unknown variable 'Q'; known variables"):
        enumerate_query(STUDENT, "Q")
    with pytest.raises(ValueError, match=r"Unknown variable 'Q'"):
        enumerate_query(STUDENT, "G", {"Q": 0})
    with pytest.raises(ValueError, match=r"'G' is both queried and observed"):
        enumerate_query(STUDENT, ["D", "G"], {"G": "A"})
    with pytest.raises(TypeError, match="list or tuple"):
        enumerate_query(STUDENT, {"D", "G"})
    net = two_nodes(cpts={"A": [1.0, 0.0], "B": [[1.0, 0.0], [0.7, 0.3]]})
    with pytest.raises(ValueError, match=r"evidence \(B=1\) has probability zero"):
        enumerate_query(net, "A", {"B": 1})
