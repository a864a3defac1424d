"""Tests of dgm_utils.bayesnet against brute-force enumeration, networkx and scipy."""

import itertools
import math
import time

import networkx as nx
import numpy as np
import pytest
from scipy import stats

from dgm_utils import exercises
from dgm_utils.bayesnet import BayesianNetwork, random_network, student_network

# ---------------------------------------------------------------------- independent references


def brute_joint(net: BayesianNetwork) -> np.ndarray:
    """The joint table (one axis per node, in net.nodes order) by multiplying CPT entries
    in an explicit loop over every assignment: no log space, no vectorisation."""
    nodes, parents, cpts, card = net.nodes, net.parents, net.cpts, net.cardinality
    joint = np.zeros([card[v] for v in nodes])
    for x in itertools.product(*(range(card[v]) for v in nodes)):
        value = dict(zip(nodes, x, strict=True))
        p = 1.0
        for v in nodes:
            p *= cpts[v][tuple(value[u] for u in parents[v]) + (value[v],)]
        joint[x] = p
    return joint


def brute_query(net, joint, variables, evidence):
    """p(variables | evidence) from the full joint table: slice, sum, normalise."""
    nodes = net.nodes
    index = tuple(evidence.get(v, slice(None)) for v in nodes)
    sliced = joint[index]
    kept = [v for v in nodes if v not in evidence]
    summed = sliced.sum(axis=tuple(i for i, v in enumerate(kept) if v not in variables))
    remaining = [v for v in kept if v in variables]
    table = np.transpose(summed, [remaining.index(v) for v in variables])
    return table / table.sum()


def independence_gap(net, joint, x, y, given):
    """max |p(x, y, z) p(z) - p(x, z) p(y, z)| over all states, from the joint table."""
    nodes = net.nodes
    keep = [x, y, *given]
    axes = tuple(i for i, v in enumerate(nodes) if v not in keep)
    p = np.transpose(joint.sum(axis=axes), [[v for v in nodes if v in keep].index(v) for v in keep])
    p_z = p.sum(axis=(0, 1), keepdims=True)
    return np.abs(p * p_z - p.sum(axis=1, keepdims=True) * p.sum(axis=0, keepdims=True)).max()


def as_digraph(net) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(net.nodes)
    g.add_edges_from((p, v) for v, pa in net.parents.items() for p in pa)
    return g


def small_networks():
    rng = np.random.default_rng(2024)
    nets = [student_network()]
    for n_nodes, n_edges in [(5, 6), (6, 8), (7, 9), (7, 12), (8, 10)]:
        nets.append(random_network(n_nodes, n_edges, (2, 3), rng, max_parents=None))
    return nets


STUDENT = student_network()
STUDENT_JOINT = brute_joint(STUDENT)

# ---------------------------------------------------------------------- structure


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


# ---------------------------------------------------------------------- parameter counts


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


# ---------------------------------------------------------------------- probabilities


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


# ---------------------------------------------------------------------- inference


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


def test_query_plans_are_cached_and_reused_for_other_evidence_values():
    net = random_network(37, 46, (2, 4), np.random.default_rng(3))
    a = net.query(["X1", "X2"], {"X5": 0, "X9": 1})
    b = net.query(["X1", "X2"], {"X5": 1, "X9": 0})
    assert len(net._plans) == 1
    assert not np.allclose(a, b)
    for table in (a, b):
        assert table.sum() == pytest.approx(1.0)


def test_pruned_plans_use_exactly_the_nodes_not_d_separated_from_the_query():
    """The plan keeps the CPT of an unobserved node iff it is an ancestor of the query or the
    evidence and not d-separated from the query given the evidence (networkx decides), and
    answers still agree with brute-force enumeration of the whole joint."""
    rng = np.random.default_rng(5)
    n_pruned = 0
    for k in range(12):
        net = random_network(9, 11, (2, 3), np.random.default_rng(50 + k), max_parents=3)
        joint, graph = brute_joint(net), as_digraph(net)
        for _ in range(8):
            chosen = [str(v) for v in rng.permutation(net.nodes)[: 2 + rng.integers(0, 4)]]
            variables, observed = chosen[:1], chosen[1:]
            evidence = {v: int(rng.integers(net.cardinality[v])) for v in observed}
            np.testing.assert_allclose(
                net.query(variables, evidence),
                brute_query(net, joint, variables, evidence),
                atol=1e-12,
            )
            ancestral = set(variables) | set(observed)
            for v in list(ancestral):
                ancestral |= nx.ancestors(graph, v)
            expected = {
                v
                for v in ancestral - set(observed)
                if v in variables
                or not nx.is_d_separator(graph, {v}, set(variables), set(evidence))
            }
            plan = net._plans[(tuple(variables), frozenset(evidence))]
            assert {v for v in plan.nodes if v not in evidence} == expected
            n_pruned += len(ancestral - set(observed) - expected)
    assert n_pruned > 20  # the d-separated case does occur in these networks


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


def reference_min_weight_order(scopes, hidden, card):
    """The greedy min-weight order recomputed from scratch at every step, by multiplying out
    the factors symbolically (the non-incremental algorithm)."""
    live, hidden, order = [set(s) for s in scopes], list(hidden), []
    while hidden:

        def weight(v, live=live):
            union = set().union(*(s for s in live if v in s)) - {v}
            return math.prod(card[u] for u in union)

        v = min(hidden, key=weight)  # the first of the minimal ones
        hidden.remove(v)
        order.append(v)
        union = set().union(*(s for s in live if v in s))
        live = [s for s in live if v not in s] + [union - {v}]
    return order


def test_incremental_min_weight_order_matches_recomputing_every_weight():
    from dgm_utils.bayesnet import _min_weight_order

    for seed in range(30):
        net = random_network(25, 40, (2, 4), np.random.default_rng(seed))
        rng = np.random.default_rng(seed)
        observed = set(rng.choice(net.nodes, size=5, replace=False))
        scopes = [tuple(u for u in (*pa, v) if u not in observed) for v, pa in net.parents.items()]
        hidden = [v for v in net.topological_order() if v not in observed][1:]
        got = _min_weight_order(scopes, hidden, net.cardinality)
        assert got == reference_min_weight_order(scopes, hidden, net.cardinality)


def test_intractable_query_is_refused_quickly_with_the_factor_size():
    """60 binary roots, 120 observed children of 4 random roots each: eliminating the roots
    needs a factor over nearly all of them (2**59 entries). Refused before any contraction."""
    rng = np.random.default_rng(0)
    roots = [f"R{i}" for i in range(60)]
    parents = {r: [] for r in roots}
    cpts = {r: [0.5, 0.5] for r in roots}
    for j in range(120):
        parents[f"C{j}"] = [str(r) for r in rng.choice(roots, size=4, replace=False)]
        cpts[f"C{j}"] = rng.dirichlet([1.0, 1.0], size=(2, 2, 2, 2))
    net = BayesianNetwork(parents, cpts)
    start = time.perf_counter()
    with pytest.raises(
        ValueError,
        match=r"factor over \d+ variables .* entries, .* as float64, "
        r"above the memory budget .*treewidth",
    ):
        net.query("R0", {f"C{j}": 0 for j in range(120)})
    assert time.perf_counter() - start < 2.0


def test_memory_budget_is_checked_against_the_largest_factor(monkeypatch):
    from dgm_utils import bayesnet

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
    monkeypatch.setattr(bayesnet, "MAX_FACTOR_BYTES", 7_199)
    with pytest.raises(ValueError, match=r"900 entries, 7.0 KiB as float64"):
        net.query(["A", "C"])
    monkeypatch.setattr(bayesnet, "MAX_FACTOR_BYTES", 7_200)
    expected = np.einsum("a,ab,bc->ac", *(cpts[v] for v in "ABC"))
    np.testing.assert_allclose(net.query(["A", "C"]), expected)


# ---------------------------------------------------------------------- independence


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
    assert STUDENT.mutual_information("D", "I") == 0.0


# ---------------------------------------------------------------------- sampling


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


# ---------------------------------------------------------------------- bad inputs


def two_nodes(**overrides):
    spec = {
        "parents": {"A": [], "B": ["A"]},
        "cpts": {"A": [0.4, 0.6], "B": [[0.1, 0.9], [0.7, 0.3]]},
    }
    spec.update(overrides)
    return BayesianNetwork(**spec)


def student_cpts(**changes):
    cpts = {v: np.array(c) for v, c in STUDENT.cpts.items()}
    cpts.update(changes)
    return cpts


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
    with pytest.raises(ValueError, match="use method='variable_elimination'"):
        big.query("X0", method="enumeration")


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


def test_bad_sets_and_sampling_arguments():
    with pytest.raises(ValueError, match=r"xs and given must be disjoint; both contain \['D'\]"):
        STUDENT.is_d_separated("D", "I", given=["D"])
    with pytest.raises(ValueError, match="xs and ys must be disjoint"):
        STUDENT.is_d_separated("D", ["D", "I"])
    with pytest.raises(ValueError, match="at least one variable"):
        STUDENT.mutual_information([], "I")
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        STUDENT.sample(10, rng="seed")
    with pytest.raises(ValueError, match="n must be at least 0"):
        STUDENT.sample(-1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="Cannot place 10 edges"):
        random_network(4, 10, (2, 2), np.random.default_rng(0))
    with pytest.raises(TypeError, match="pair"):
        random_network(4, 2, 3, np.random.default_rng(0))


def test_cpts_are_read_only():
    with pytest.raises(ValueError, match="read-only"):
        STUDENT.cpts["D"][0] = 1.0


# ---------------------------------------------------------------------- pgmpy (optional)


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


# ---------------------------------------------------------------------- exercises


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
