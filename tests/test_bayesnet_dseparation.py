"""d-separation, local independencies and mutual information, against networkx and the joint."""

import itertools

import networkx as nx
import numpy as np
import pytest
from bayesnet_reference import (
    STUDENT,
    STUDENT_JOINT,
    as_digraph,
    brute_joint,
    independence_gap,
    small_networks,
)


def test_student_local_independencies():
    assert STUDENT.local_independencies() == [
        ("D", ["I", "S"], []),
        ("I", ["D"], []),
        ("G", ["S"], ["D", "I"]),
        ("S", ["D", "G", "L"], ["I"]),
        ("L", ["D", "I", "S"], ["G"]),
    ]
    # The three statements of the lecture.
    assert STUDENT.is_d_separated("D", "I")
    assert STUDENT.is_d_separated("S", ["D", "G"], given="I")
    assert STUDENT.is_d_separated("L", ["I", "D", "S"], given=["G"])
    # Explaining away: a collider, observed or through a descendant, connects its parents.
    assert not STUDENT.is_d_separated("D", "I", given="G")
    assert not STUDENT.is_d_separated("D", "I", given="L")


def test_every_student_dseparation_holds_numerically_and_only_those():
    """All pairs and all conditioning sets: d-separated <=> independent in the joint (these
    CPTs are generic, so no independence holds that the graph does not imply)."""
    nodes = STUDENT.nodes
    n_separated = 0
    for x, y in itertools.combinations(nodes, 2):
        rest = [v for v in nodes if v not in (x, y)]
        for r in range(len(rest) + 1):
            for given in itertools.combinations(rest, r):
                gap = independence_gap(STUDENT, STUDENT_JOINT, x, y, list(given))
                if STUDENT.is_d_separated(x, y, given):
                    n_separated += 1
                    assert gap < 1e-14, (x, y, given)
                else:
                    assert gap > 1e-4, (x, y, given)
    assert n_separated == 25


@pytest.mark.parametrize("net", small_networks()[1:], ids=repr)
def test_dseparation_agrees_with_networkx_and_implies_independence(net):
    joint = brute_joint(net)
    graph = as_digraph(net)
    nodes = net.nodes
    rng = np.random.default_rng(7)
    for x, y in itertools.combinations(nodes, 2):
        rest = [v for v in nodes if v not in (x, y)]
        for _ in range(6):
            given = [v for v in rest if rng.random() < 0.4]
            separated = net.is_d_separated(x, y, given)
            assert separated == nx.is_d_separator(graph, {x}, {y}, set(given))
            if separated:
                assert independence_gap(net, joint, x, y, given) < 1e-14
                assert net.mutual_information(x, y, given) < 1e-12


def test_mutual_information_matches_brute_force():
    p = STUDENT_JOINT.sum(axis=(3, 4))  # p(D, I, G)
    p_g = p.sum(axis=(0, 1))
    p_dg, p_ig = p.sum(axis=1), p.sum(axis=0)
    expected = sum(
        p[d, i, g] * np.log(p[d, i, g] * p_g[g] / (p_dg[d, g] * p_ig[i, g]))
        for d, i, g in itertools.product(range(2), range(2), range(3))
    )
    assert STUDENT.mutual_information("D", "I", "G") == pytest.approx(expected, rel=1e-10)
    assert STUDENT.mutual_information("D", "I") == pytest.approx(0.0, abs=1e-14)  # roots


def test_bad_sets():
    with pytest.raises(ValueError, match=r"\['D'\] appear in both xs and given"):
        STUDENT.is_d_separated("D", "I", given=["D"])
    with pytest.raises(ValueError, match=r"\['D'\] appear in both xs and ys"):
        STUDENT.is_d_separated("D", ["D", "I"])
    with pytest.raises(ValueError, match="at least one variable"):
        STUDENT.mutual_information([], "I")
