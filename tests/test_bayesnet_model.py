"""BayesianNetwork (dgm_utils.bayesnet.model, graph, cpt, networks): structure, parameters,
probabilities of full assignments, and the errors for malformed graphs, CPTs and values."""

import math

import networkx as nx
import numpy as np
import pytest
from bayesnet_reference import (
    STUDENT,
    as_digraph,
    brute_joint,
    small_networks,
    student_cpts,
    two_nodes,
)

from dgm_utils import exercises
from dgm_utils.bayesnet import BayesianNetwork, random_network


def test_student_network_structure_and_repr():
    assert repr(STUDENT) == "BayesianNetwork(5 nodes: D, I, G(D, I), S(I), L(G))"
    assert STUDENT.nodes == ["D", "I", "G", "S", "L"]
    assert STUDENT.cardinality == {"D": 2, "I": 2, "G": 3, "S": 2, "L": 2}
    assert STUDENT.factorization() == "P(D) P(I) P(G | D, I) P(S | I) P(L | G)"
    assert STUDENT.states["G"] == ["A", "B", "C"]
    assert STUDENT.describe_cpt("G").splitlines()[2].split() == [
        "D=easy,",
        "I=high",
        "0.900",
        "0.080",
        "0.020",
    ]


@pytest.mark.parametrize("seed", range(5))
def test_topological_order_puts_parents_first(seed):
    net = random_network(20, 35, (2, 3), np.random.default_rng(seed), max_parents=None)
    order = net.topological_order()
    assert sorted(order) == sorted(net.nodes)
    position = {v: i for i, v in enumerate(order)}
    for v, pa in net.parents.items():
        assert all(position[p] < position[v] for p in pa)
    assert net.nodes != order  # names X0, X1, ... are not in topological order


def test_random_network_has_requested_size():
    net = random_network(37, 46, (2, 4), np.random.default_rng(0))
    assert len(net.nodes) == 37
    assert sum(len(pa) for pa in net.parents.values()) == 46
    assert max(len(pa) for pa in net.parents.values()) <= 4
    assert set(net.cardinality.values()) <= {2, 3, 4}
    assert nx.is_directed_acyclic_graph(as_digraph(net))


def test_num_params_student():
    # 1 (D) + 1 (I) + 2*4 (G) + 1*2 (S) + 1*3 (L); the full joint has 2*2*3*2*2 - 1.
    assert STUDENT.num_params() == 15
    assert math.prod(STUDENT.cardinality.values()) - 1 == 47


def _model_dimension(net: BayesianNetwork, seed: int = 0) -> int:
    """Rank of the Jacobian of the joint pmf w.r.t. one unconstrained logit per CPT entry.

    That parametrisation is over-complete (each CPT row has one logit too many), so the rank
    at a generic point is the dimension of the set of joints the graph can express: an
    independent check of ``num_params``, which never looks at the CPT formula.
    """
    import torch

    nodes = list(net.parents)
    letter = {v: chr(ord("a") + i) for i, v in enumerate(nodes)}
    shapes = [
        tuple(net.cardinality[p] for p in net.parents[v]) + (net.cardinality[v],) for v in nodes
    ]
    sizes = [math.prod(s) for s in shapes]
    spec = ",".join("".join(letter[u] for u in [*net.parents[v], v]) for v in nodes)
    spec += "->" + "".join(letter[v] for v in nodes)
    theta0 = torch.randn(
        sum(sizes), generator=torch.Generator().manual_seed(seed), dtype=torch.float64
    )

    def joint(theta):
        parts = torch.split(theta, sizes)
        tables = [torch.softmax(p.reshape(s), dim=-1) for p, s in zip(parts, shapes, strict=True)]
        return torch.einsum(spec, *tables).reshape(-1)

    jac = torch.autograd.functional.jacobian(joint, theta0)
    return int(torch.linalg.matrix_rank(jac, atol=1e-9).item())


@pytest.mark.parametrize("seed", range(4))
def test_num_params_is_the_dimension_of_the_model(seed):
    net = random_network(6, 8, (2, 3), np.random.default_rng(seed), max_parents=None)
    assert type(net.num_params()) is int
    assert net.num_params() == _model_dimension(net)


def test_complete_dag_needs_as_many_parameters_as_the_chain_rule():
    """With every earlier node as a parent the network is the chain rule: prod(card) - 1."""
    rng = np.random.default_rng(0)
    card = [2, 3, 2, 4, 3]
    names = [f"V{i}" for i in range(5)]
    parents = {names[i]: names[:i] for i in range(5)}
    cpts = {names[i]: rng.dirichlet(np.ones(card[i]), size=card[:i]) for i in range(5)}
    net = BayesianNetwork(parents, cpts)
    assert net.num_params() == math.prod(card) - 1


def test_joint_prob_is_product_of_cpd_entries():
    # Koller & Friedman (2009), p. 55: p(i1, d0, g2, s1, l0) = 0.3 * 0.6 * 0.08 * 0.8 * 0.4
    p = STUDENT.joint_prob({"D": "easy", "I": "high", "G": "B", "S": "high", "L": "weak"})
    assert p == pytest.approx(0.3 * 0.6 * 0.08 * 0.8 * 0.4, rel=1e-12)
    assert STUDENT.joint_prob({"D": 0, "I": 1, "G": 1, "S": 1, "L": 0}) == pytest.approx(p)


@pytest.mark.parametrize("net", small_networks(), ids=repr)
def test_log_prob_matches_brute_force_joint(net):
    joint = brute_joint(net)
    assert joint.sum() == pytest.approx(1.0, abs=1e-12)
    X = np.indices(joint.shape).reshape(len(net.nodes), -1).T
    np.testing.assert_allclose(np.exp(net.log_prob(X)), joint.ravel(), rtol=1e-10, atol=0)
    np.testing.assert_allclose(net.query(net.nodes), joint, atol=1e-12)


def test_log_prob_of_zero_probability_is_minus_inf():
    net = BayesianNetwork({"A": [], "B": ["A"]}, {"A": [0.5, 0.5], "B": [[1.0, 0.0], [0.3, 0.7]]})
    assert net.log_prob([[0, 1]])[0] == -np.inf
    assert net.log_prob([[1, 1]])[0] == pytest.approx(np.log(0.35))


def test_cycle_is_named():
    with pytest.raises(ValueError, match=r"The graph has a directed cycle: A -> B -> A\."):
        two_nodes(parents={"A": ["B"], "B": ["A"]})
    with pytest.raises(ValueError, match=r"directed cycle: A -> A"):
        two_nodes(parents={"A": ["A"], "B": ["A"]})
    with pytest.raises(ValueError, match=r"directed cycle: B -> C -> D -> B"):
        BayesianNetwork(
            {"A": [], "B": ["A", "D"], "C": ["B"], "D": ["C"]},
            {v: [0.5, 0.5] for v in "ABCD"},
        )


def test_add_edge_that_closes_a_cycle_is_rejected():
    with pytest.raises(
        ValueError, match=r"^Adding the edge G -> I would create the cycle I -> G -> I\.$"
    ):
        STUDENT.add_edge("G", "I", np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match=r"cycle D -> G -> L -> D"):
        STUDENT.add_edge("L", "D", np.full((2, 2), 0.5))
    with pytest.raises(ValueError, match="already"):
        STUDENT.add_edge("D", "G", np.full((2, 2, 2, 3), 1 / 3))
    bigger = STUDENT.add_edge("D", "S", np.full((2, 2, 2), 0.5))
    assert bigger.parents["S"] == ["I", "D"]
    assert bigger.num_params() == STUDENT.num_params() + 2


def test_unknown_parent():
    with pytest.raises(
        ValueError, match=r"Unknown parent 'Z' of 'B'; known variables: \['A', 'B'\]"
    ):
        two_nodes(parents={"A": [], "B": ["Z"]})


@pytest.mark.parametrize(
    ("parents", "error", "match"),
    [
        ([("A", [])], TypeError, "parents must be a dict"),
        ({"A": [], "B": "A"}, TypeError, r"For a single parent write \['A'\]"),
        ({"A": [], 2: ["A"]}, TypeError, "Node names must be strings"),
        ({"A": [], "B": ["A", "A"]}, ValueError, "names a parent twice"),
        ({}, ValueError, "at least one node"),
    ],
)
def test_bad_graphs(parents, error, match):
    with pytest.raises(error, match=match):
        BayesianNetwork(parents, {})


def test_cpt_of_wrong_shape_says_the_expected_shape():
    bad = student_cpts(G=np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"CPT for 'G' has shape \(2, 3\); expected \(2, 2, 3\)"):
        BayesianNetwork(STUDENT.parents, bad, STUDENT.states)


def test_cpt_with_negative_entry():
    cpt = np.array([[0.1, 0.9], [1.2, -0.2]])
    with pytest.raises(ValueError, match=r"CPT for 'B' has a negative entry -0.2 at \(A=1, B=1\)"):
        two_nodes(cpts={"A": [0.4, 0.6], "B": cpt})


def test_cpt_row_not_summing_to_one_names_the_row():
    g = np.array(STUDENT.cpts["G"])
    g[1, 0] = [0.05, 0.25, 0.6]
    with pytest.raises(
        ValueError,
        match=r"CPT for 'G' is not normalised: the row for \(D=1, I=0\) sums to 0\.90, expected 1\.",
    ):
        BayesianNetwork(STUDENT.parents, student_cpts(G=g))
    with pytest.raises(ValueError, match=r"the row for \(D=hard, I=low\) sums to 0\.90"):
        BayesianNetwork(STUDENT.parents, student_cpts(G=g), STUDENT.states)
    with pytest.raises(
        ValueError, match=r"CPT for 'A' is not normalised: its only row sums to 1\.1"
    ):
        two_nodes(cpts={"A": [0.5, 0.6], "B": [[0.1, 0.9], [0.7, 0.3]]})


@pytest.mark.parametrize(
    ("cpts", "states", "error", "match"),
    [
        ({"A": [0.4, 0.6]}, None, ValueError, r"No CPT for 'B'"),
        (
            {"A": [0.4, 0.6], "B": [[1, 0], [0, 1]], "C": [1.0]},
            None,
            ValueError,
            "unknown variable 'C'",
        ),
        ({"A": [0.4, np.nan], "B": [[1, 0], [0, 1]]}, None, ValueError, "NaN"),
        ({"A": ["x", "y"], "B": [[1, 0], [0, 1]]}, None, TypeError, "array of numbers"),
        (
            {"A": [0.4, 0.6], "B": [[1, 0], [0, 1]]},
            {"A": ["a", "b", "c"]},
            ValueError,
            "lists 3 states",
        ),
        (
            {"A": [0.4, 0.6], "B": [[1, 0], [0, 1]]},
            {"Q": ["a", "b"]},
            ValueError,
            "unknown variable 'Q'",
        ),
        ({"A": [0.4, 0.6], "B": [[1, 0], [0, 1]]}, {"A": ["a", "a"]}, ValueError, "repeated"),
        ([0.4, 0.6], None, TypeError, "cpts must be a dict"),
    ],
)
def test_bad_cpts_and_states(cpts, states, error, match):
    with pytest.raises(error, match=match):
        BayesianNetwork({"A": [], "B": ["A"]}, cpts, states)


def test_bad_assignments():
    with pytest.raises(ValueError, match=r"missing \['S', 'L'\]"):
        STUDENT.joint_prob({"D": 0, "I": 0, "G": 0})
    with pytest.raises(ValueError, match=r"Expected X of shape \(n, 5\).*x\[None, :\]"):
        STUDENT.log_prob(np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match=r"X\[:, 2\] \(variable 'G'\) has state 3"):
        STUDENT.log_prob([[0, 0, 3, 0, 0]])
    with pytest.raises(ValueError, match="whole-number"):
        STUDENT.log_prob([[0, 0, 0.5, 0, 0]])
    with pytest.raises(TypeError, match="state indices"):
        STUDENT.log_prob([["a", "b", "c", "d", "e"]])


def test_cpts_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        STUDENT.cpts["D"][0] = 1.0


def test_exercise_answers_are_accepted():
    diamond = BayesianNetwork(
        {"X1": [], "X2": ["X1"], "X3": ["X1"], "X4": ["X2", "X3"], "X5": ["X4"]},
        {
            "X1": [0.5, 0.5],
            "X2": np.full((2, 2), 0.5),
            "X3": np.full((2, 2), 0.5),
            "X4": np.full((2, 2, 2), 0.5),
            "X5": np.full((2, 2), 0.5),
        },
    )
    assert exercises.is_correct("ch04-diamond-params", diamond.num_params())
    assert not exercises.is_correct("ch04-diamond-params", 31)
    assert exercises.is_correct("ch04-sat-marginal", float(STUDENT.query("S")[1]))
    separated = {v for v in ["I", "S", "L"] if STUDENT.is_d_separated("D", v, given="G")}
    assert exercises.is_correct("ch04-dsep-given-grade", separated)
    assert not exercises.is_correct("ch04-dsep-given-grade", {"I", "L"})
    post = STUDENT.query("I", {"G": "C", "D": "easy"})[1]
    assert exercises.is_correct("ch04-explaining-away", float(post))
    closing = []
    for edge in ["L -> D", "S -> L", "D -> S"]:
        parent, child = edge.split(" -> ")
        shape = (
            *STUDENT.cpts[child].shape[:-1],
            STUDENT.cardinality[parent],
            STUDENT.cardinality[child],
        )
        try:
            STUDENT.add_edge(parent, child, np.full(shape, 1 / shape[-1]))
        except ValueError:
            closing.append(edge)
    assert closing == ["L -> D"]
    assert exercises.is_correct("ch04-cycle-edge", closing[0])


def test_bad_random_network_arguments():
    with pytest.raises(ValueError, match="Cannot place 10 edges"):
        random_network(4, 10, (2, 2), np.random.default_rng(0))
    with pytest.raises(TypeError, match="pair"):
        random_network(4, 2, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"n_nodes=20,000 is above the 3,000 nodes"):
        random_network(20_000, 30_000, (2, 2), np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"CPTs would hold [\d,]+ entries in total"):
        random_network(40, 400, (6, 6), np.random.default_rng(0), max_parents=None)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        random_network(4, 2, (2, 2), None)


def test_parents_given_as_a_set_are_refused():
    """A set's iteration order varies with PYTHONHASHSEED, and it would fix the CPT's axes."""
    cpts = {"A": [0.5, 0.5], "B": [0.5, 0.5], "C": np.full((2, 2, 2), 0.5)}
    with pytest.raises(TypeError, match=r"parents\['C'\] must be a list or tuple .*a set"):
        BayesianNetwork({"A": [], "B": [], "C": {"A", "B"}}, cpts)
    net = BayesianNetwork({"A": [], "B": [], "C": ("A", "B")}, cpts)
    assert net.parents["C"] == ["A", "B"]
