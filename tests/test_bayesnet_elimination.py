"""Exact inference by variable elimination (dgm_utils.bayesnet.elimination), against
brute-force enumeration of the joint, closed forms and pgmpy."""

import itertools

import numpy as np
import pytest
from bayesnet_reference import (
    STUDENT,
    brute_joint,
    brute_query,
    small_networks,
    two_nodes,
)

from dgm_utils.bayesnet import BayesianNetwork, random_network


def test_student_queries_match_koller_friedman():
    """The numbers of Koller & Friedman (2009), section 3.2.1.2."""
    q = STUDENT.query
    assert q("L")[1] == pytest.approx(0.502, abs=5e-4)
    assert q("L", {"I": "low"})[1] == pytest.approx(0.389, abs=5e-4)
    assert q("L", {"I": "low", "D": "easy"})[1] == pytest.approx(0.513, abs=5e-4)
    assert q("I", {"L": "weak"})[1] == pytest.approx(0.140, abs=5e-4)
    assert q("I", {"G": "C"})[1] == pytest.approx(0.079, abs=5e-4)
    assert q("I", {"G": "C", "D": "hard"})[1] == pytest.approx(0.109, abs=5e-4)
    assert q("I", {"G": "C", "S": "high"})[1] == pytest.approx(0.578, abs=5e-4)


@pytest.mark.parametrize("method", ["variable_elimination", "enumeration"])
@pytest.mark.parametrize("net", small_networks(), ids=repr)
def test_query_matches_brute_force(net, method):
    joint = brute_joint(net)
    rng = np.random.default_rng(len(net.nodes))
    nodes = net.nodes
    for _ in range(12):
        k = rng.integers(1, 4)
        chosen = list(rng.permutation(nodes)[: k + rng.integers(0, 3)])
        variables, observed = chosen[:k], chosen[k:]
        evidence = {v: int(rng.integers(net.cardinality[v])) for v in observed}
        expected = brute_query(net, joint, variables, evidence)
        got = net.query(variables, evidence, method=method)
        assert got.shape == tuple(net.cardinality[v] for v in variables)
        np.testing.assert_allclose(got, expected, atol=1e-12)


def test_query_single_name_and_state_names():
    a = STUDENT.query("G", {"I": "high"})
    b = STUDENT.query(["G"], {"I": 1})
    assert a.shape == (3,)
    np.testing.assert_array_equal(a, b)


def test_query_on_network_wider_than_einsum_labels():
    """A naive Bayes with 80 observed children (more than einsum's 52 labels and 32 operands)
    and tiny likelihoods whose product underflows float64: compare with log-space Bayes."""
    rng = np.random.default_rng(0)
    n = 80
    prior = np.array([0.2, 0.5, 0.3])
    lik = rng.uniform(1e-6, 1e-4, size=(n, 3, 2))
    lik[:, :, 1] = 1 - lik[:, :, 0]
    parents = {"Y": [], **{f"X{i}": ["Y"] for i in range(n)}}
    cpts = {"Y": prior, **{f"X{i}": lik[i] for i in range(n)}}
    net = BayesianNetwork(parents, cpts)
    x = rng.integers(0, 2, n) * 0  # every child in its rare state: products near 1e-400
    log_post = np.log(prior) + np.log(lik[np.arange(n), :, x]).sum(axis=0)
    expected = np.exp(log_post - np.logaddexp.reduce(log_post))
    got = net.query("Y", {f"X{i}": int(x[i]) for i in range(n)})
    np.testing.assert_allclose(got, expected, rtol=1e-9)


def test_long_chain_query_matches_matrix_products():
    rng = np.random.default_rng(1)
    n = 120
    mats = rng.dirichlet(np.ones(3), size=(n - 1, 3))
    parents = {"C0": [], **{f"C{i}": [f"C{i - 1}"] for i in range(1, n)}}
    cpts = {"C0": np.array([0.5, 0.25, 0.25]), **{f"C{i}": mats[i - 1] for i in range(1, n)}}
    net = BayesianNetwork(parents, cpts)
    # p(C0 | C_{n-1} = 2) by Bayes: prior * (product of transition matrices)[:, 2]
    product = np.linalg.multi_dot(list(mats))
    expected = cpts["C0"] * product[:, 2]
    np.testing.assert_allclose(net.query("C0", {f"C{n - 1}": 2}), expected / expected.sum())


def test_evidence_made_impossible_by_a_pruned_node_is_still_detected():
    # B is observed with both parents observed: its factor is a constant, pruned from the plan.
    net = BayesianNetwork(
        {"A": [], "C": [], "B": ["A", "C"], "Q": ["A"]},
        {
            "A": [0.5, 0.5],
            "C": [0.5, 0.5],
            "B": [[[1.0, 0.0], [0.5, 0.5]], [[0.5, 0.5], [0.5, 0.5]]],
            "Q": [[0.9, 0.1], [0.2, 0.8]],
        },
    )
    with pytest.raises(ValueError, match="probability zero"):
        net.query("Q", {"A": 0, "C": 0, "B": 1})
    np.testing.assert_allclose(net.query("Q", {"A": 0, "C": 0, "B": 0}), [0.9, 0.1])


def test_intractable_query_is_refused_while_planning_with_the_factor_size(monkeypatch):
    """60 binary roots, 120 observed children of 4 random roots each: eliminating the roots
    needs a factor over nearly all of them (2**59 entries). Refused before any contraction:
    np.einsum, patched to fail, is never reached."""
    rng = np.random.default_rng(0)
    roots = [f"R{i}" for i in range(60)]
    parents = {r: [] for r in roots}
    cpts = {r: [0.5, 0.5] for r in roots}
    for j in range(120):
        parents[f"C{j}"] = [str(r) for r in rng.choice(roots, size=4, replace=False)]
        cpts[f"C{j}"] = rng.dirichlet([1.0, 1.0], size=(2, 2, 2, 2))
    net = BayesianNetwork(parents, cpts)

    def no_contraction(*args, **kwargs):
        raise AssertionError("einsum called before the query was refused")

    monkeypatch.setattr(np, "einsum", no_contraction)
    with pytest.raises(
        ValueError,
        match=r"factor over \d+ variables .* entries, .* as float64, "
        r"above the memory budget .*treewidth",
    ):
        net.query("R0", {f"C{j}": 0 for j in range(120)})


def test_memory_budget_is_checked_against_the_largest_factor(monkeypatch):
    from dgm_utils.bayesnet import elimination

    # A chain A -> B -> C with 30 states each: eliminating B given nothing builds p(A, C)'s
    # 900 entries when A and C are queried together (7,200 bytes).
    parents = {"A": [], "B": ["A"], "C": ["B"]}
    rng = np.random.default_rng(1)
    cpts = {
        "A": rng.dirichlet(np.ones(30)),
        "B": rng.dirichlet(np.ones(30), size=30),
        "C": rng.dirichlet(np.ones(30), size=30),
    }
    net = BayesianNetwork(parents, cpts)
    monkeypatch.setattr(elimination, "MAX_FACTOR_BYTES", 7_199)
    with pytest.raises(ValueError, match=r"900 entries, 7.0 KiB as float64"):
        net.query(["A", "C"])
    monkeypatch.setattr(elimination, "MAX_FACTOR_BYTES", 7_200)
    expected = np.einsum("a,ab,bc->ac", *(cpts[v] for v in "ABC"))
    np.testing.assert_allclose(net.query(["A", "C"]), expected)


def test_unknown_variable_and_state_in_queries():
    with pytest.raises(
        ValueError, match=r"Unknown variable 'g'; known variables: \['D', 'I', 'G', 'S', 'L'\]\."
    ):
        STUDENT.query("g")
    with pytest.raises(ValueError, match=r"Unknown variable 'X'"):
        STUDENT.query("G", {"X": 0})
    with pytest.raises(
        ValueError, match=r"Unknown state 'Z' for 'G'; known states: \['A', 'B', 'C'\]"
    ):
        STUDENT.query("D", {"G": "Z"})
    with pytest.raises(ValueError, match=r"Unknown state 3 for 'G'"):
        STUDENT.query("D", {"G": 3})
    with pytest.raises(TypeError, match="evidence must be a dict"):
        STUDENT.query("D", [("G", 0)])
    with pytest.raises(TypeError, match="variable name"):
        STUDENT.query(3)


def test_variable_both_queried_and_observed():
    with pytest.raises(ValueError, match=r"'G' is both queried and observed \(evidence G=C\)"):
        STUDENT.query(["D", "G"], {"G": "C"})


@pytest.mark.parametrize("method", ["variable_elimination", "enumeration"])
def test_evidence_of_probability_zero(method):
    net = two_nodes(cpts={"A": [1.0, 0.0], "B": [[1.0, 0.0], [0.7, 0.3]]})
    with pytest.raises(ValueError, match=r"evidence \(B=1\) has probability zero"):
        net.query("A", {"B": 1}, method=method)[0]
    net3 = BayesianNetwork(
        {"A": [], "B": ["A"], "C": ["B"]},
        {"A": [1.0, 0.0], "B": [[1.0, 0.0], [0.5, 0.5]], "C": [[0.5, 0.5], [0.5, 0.5]]},
    )
    with pytest.raises(ValueError, match="probability zero"):
        net3.query("C", {"A": 0, "B": 1}, method=method)
    np.testing.assert_allclose(net.query("B", {"A": 0}, method=method), [1.0, 0.0])


def test_other_bad_query_arguments():
    with pytest.raises(ValueError, match="method must be one of"):
        STUDENT.query("D", method="magic")
    with pytest.raises(ValueError, match="variables is empty"):
        STUDENT.query([])
    with pytest.raises(ValueError, match="names a variable twice"):
        STUDENT.query(["D", "D"])
    big = random_network(30, 40, (3, 4), np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"visit [\d,]+ joint assignments .*variable elimination"):
        big.query("X0", method="enumeration")


def test_queries_match_pgmpy_when_installed():
    pgmpy = pytest.importorskip("pgmpy")
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.inference import VariableElimination

    try:
        from pgmpy.models import DiscreteBayesianNetwork as PgmpyNetwork
    except ImportError:  # older pgmpy
        from pgmpy.models import BayesianNetwork as PgmpyNetwork
    net = random_network(12, 18, (2, 4), np.random.default_rng(11))
    model = PgmpyNetwork([(p, v) for v, pa in net.parents.items() for p in pa])
    model.add_nodes_from(net.nodes)
    card = net.cardinality
    for v, pa in net.parents.items():
        values = net.cpts[v].reshape(-1, card[v]).T
        model.add_cpds(
            TabularCPD(
                v, card[v], values, evidence=pa or None, evidence_card=[card[p] for p in pa] or None
            )
        )
    engine = VariableElimination(model)
    evidence = {"X3": 1, "X7": 0}
    factor = engine.query(["X0", "X5"], evidence=evidence, joint=True, show_progress=False)
    ours = net.query(list(factor.variables), evidence)
    np.testing.assert_allclose(factor.values, ours, atol=1e-10, err_msg=pgmpy.__version__)


@pytest.mark.parametrize("method", ["variable_elimination", "enumeration"])
def test_impossible_evidence_in_a_part_d_separated_from_the_query(method):
    """Q is independent of the rest; E1 = 1 needs X = 0 and E2 = 1 needs X = 1, so the
    evidence is impossible although each CPT alone allows it. The part {X, E1, E2} is
    d-separated from Q: variable elimination must not drop it silently."""
    net = BayesianNetwork(
        {"Q": [], "X": [], "E1": ["X"], "E2": ["X"]},
        {
            "Q": [0.3, 0.7],
            "X": [0.5, 0.5],
            "E1": [[0.5, 0.5], [1.0, 0.0]],
            "E2": [[1.0, 0.0], [0.5, 0.5]],
        },
    )
    assert net.is_d_separated("Q", ["X", "E1", "E2"])
    with pytest.raises(ValueError, match=r"evidence \(E1=1, E2=1\) has probability zero"):
        net.query("Q", {"E1": 1, "E2": 1}, method=method)
    np.testing.assert_allclose(net.query("Q", {"E1": 1, "E2": 0}, method=method), [0.3, 0.7])


@pytest.mark.parametrize("seed", range(4))
def test_impossible_evidence_is_refused_by_both_methods_alike(seed):
    """Sparse CPTs (many zeros): every query either has an answer from both methods, equal,
    or is refused by both."""
    rng = np.random.default_rng(seed)
    dense = random_network(9, 11, (2, 3), rng)
    cpts = {}
    for v, cpt in dense.cpts.items():  # zero every entry below 0.25 (the row maximum stays)
        sparse = np.where(cpt < 0.25, 0.0, cpt)
        cpts[v] = sparse / sparse.sum(axis=-1, keepdims=True)
    net = BayesianNetwork(dense.parents, cpts)
    refused = 0
    for _ in range(40):
        chosen = [str(v) for v in rng.permutation(net.nodes)[:4]]
        evidence = {v: int(rng.integers(net.cardinality[v])) for v in chosen[1:]}
        answers = []
        for method in ("variable_elimination", "enumeration"):
            try:
                answers.append(net.query(chosen[0], evidence, method=method))
            except ValueError as error:
                assert "probability zero" in str(error)
                answers.append(None)
        if answers[0] is None or answers[1] is None:
            assert answers == [None, None]
            refused += 1
        else:
            np.testing.assert_allclose(answers[0], answers[1], atol=1e-12)
    assert 0 < refused < 40


def test_query_over_a_set_is_refused():
    with pytest.raises(TypeError, match=r"list or tuple .*order fixes the axes"):
        STUDENT.query({"D", "I"})


def test_engine_without_plan_cache_agrees_with_the_cached_one():
    from dgm_utils.bayesnet import VariableElimination

    net = random_network(37, 46, (2, 4), np.random.default_rng(3))
    fresh = VariableElimination(net, cache_plans=False)
    for values in itertools.product(range(2), range(2)):
        evidence = dict(zip(["X5", "X9"], values, strict=True))
        np.testing.assert_allclose(
            fresh.query(["X1", "X2"], evidence), net.query(["X1", "X2"], evidence), atol=1e-14
        )
