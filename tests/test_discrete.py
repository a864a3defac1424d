"""Tests of dgm_utils.counting, joint_table and binary_densities against brute force, plain numpy and torch.distributions."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
from scipy import stats
from sklearn.exceptions import NotFittedError

import dgm_utils as du
from dgm_utils.binary_densities import BinaryMarkovChain, IndependentBernoulli, pixel_order
from dgm_utils.counting import (
    chain_rule_param_counts,
    num_params_independent,
    num_params_joint,
    num_params_markov_chain,
)
from dgm_utils.joint_table import JointTable

# ----------------------------------------------------------------------------------------
# Parameter counts
# ----------------------------------------------------------------------------------------


def _model_dimension(cards, structure, seed=0):
    """Rank of the Jacobian of the joint pmf w.r.t. an over-complete softmax parametrisation.

    Every factor gets one unconstrained logit per entry (more than its free parameters), so the
    rank at a generic point is the true dimension of the model: an independent check of the
    closed-form counts.
    """
    gen = torch.Generator().manual_seed(seed)
    n = len(cards)
    if structure == "joint":
        shapes = [tuple(cards)]
    elif structure == "independent":
        shapes = [(k,) for k in cards]
    else:  # markov chain: p(x_1), then p(x_i | x_{i-1}) as (k_{i-1}, k_i) tables
        shapes = [(cards[0],)] + [(cards[i - 1], cards[i]) for i in range(1, n)]
    sizes = [math.prod(s) for s in shapes]
    theta0 = torch.randn(sum(sizes), generator=gen, dtype=torch.float64)

    def joint(theta):
        parts = torch.split(theta, sizes)
        tables = [torch.softmax(p.reshape(s), dim=-1) for p, s in zip(parts, shapes, strict=True)]
        if structure == "joint":
            return torch.softmax(parts[0], dim=0)
        out = tables[0]
        for i in range(1, n):
            # out has one axis per variable so far; multiply in the next factor.
            if structure == "independent":
                out = out[..., None] * tables[i]
            else:
                out = out[..., None] * tables[i].reshape((1,) * (i - 1) + tables[i].shape)
        return out.reshape(-1)

    jac = torch.autograd.functional.jacobian(joint, theta0)
    return int(torch.linalg.matrix_rank(jac, atol=1e-9).item())


@pytest.mark.parametrize("cards", [[2], [2, 2], [2, 3], [3, 2, 2], [2, 2, 2, 2], [4, 1, 3]])
def test_counts_match_model_dimension(cards):
    assert num_params_joint(cards) == _model_dimension(cards, "joint")
    assert num_params_independent(cards) == _model_dimension(cards, "independent")
    assert num_params_markov_chain(cards) == _model_dimension(cards, "markov")


@pytest.mark.parametrize("cards", [[2, 3], [3, 2, 4], [2] * 5])
def test_joint_count_is_number_of_states_minus_one(cards):
    n_states = sum(1 for _ in itertools.product(*[range(k) for k in cards]))
    assert num_params_joint(cards) == n_states - 1


def test_counts_are_exact_python_ints():
    big = num_params_joint([2] * 784)
    assert type(big) is int
    assert big == 2**784 - 1
    assert len(str(big)) == 237
    assert num_params_joint([256] * 3) == 16_777_215
    assert num_params_independent([2] * 784) == 784
    assert num_params_markov_chain([2] * 784) == 2 * 784 - 1
    assert num_params_joint(np.array([2] * 100)) == 2**100 - 1


def test_binary_formulas():
    for n in range(1, 20):
        assert num_params_markov_chain([2] * n) == 2 * n - 1
        assert num_params_independent([2] * n) == n
        assert chain_rule_param_counts([2] * n) == [2**i for i in range(n)]


@pytest.mark.parametrize("cards", [[3, 4, 2], [2] * 30, [5], [2, 7, 1, 3]])
def test_chain_rule_counts_telescope_to_the_joint(cards):
    assert sum(chain_rule_param_counts(cards)) == num_params_joint(cards)


@pytest.mark.parametrize(
    "bad, exc, match",
    [
        ("222", TypeError, "sequence of ints"),
        (64, TypeError, "sequence of ints"),
        ([], ValueError, "empty"),
        ([2, 0], ValueError, r"cardinalities\[1\] must be at least 1"),
        ([2, 2.0], TypeError, r"cardinalities\[1\] must be an int"),
        ([True, 2], TypeError, "must be an int"),
    ],
)
def test_counts_reject_bad_cardinalities(bad, exc, match):
    for f in (num_params_joint, num_params_independent, num_params_markov_chain):
        with pytest.raises(exc, match=match):
            f(bad)


# ----------------------------------------------------------------------------------------
# JointTable
# ----------------------------------------------------------------------------------------


@pytest.fixture
def table():
    rng = np.random.default_rng(1)
    p = rng.random((2, 3, 2)) + 0.05
    return JointTable(p / p.sum(), ["A", "B", "C"], states={"B": ["lo", "mid", "hi"]})


def test_marginal_and_prob_against_numpy(table):
    p = table.probs
    np.testing.assert_allclose(table.marginal(["A"]).probs, p.sum(axis=(1, 2)))
    np.testing.assert_allclose(table.marginal(["C", "A"]).probs, p.sum(axis=1).T)
    assert table.prob({"A": 1, "B": 2, "C": 0}) == pytest.approx(p[1, 2, 0])
    assert table.prob({"B": "mid"}) == pytest.approx(p[:, 1, :].sum())
    assert table.prob({}) == pytest.approx(1.0)


def test_condition_and_conditional_against_numpy(table):
    p = table.probs
    cond = table.condition({"B": "hi"})
    assert cond.names == ("A", "C")
    np.testing.assert_allclose(cond.probs, p[:, 2, :] / p[:, 2, :].sum())
    # p(C | A, B): conditioning variables first, as in a CPT
    cpt = table.conditional(["C"], given=["A", "B"])
    np.testing.assert_allclose(cpt, p / p.sum(axis=2, keepdims=True))
    np.testing.assert_allclose(cpt.sum(axis=-1), 1.0)
    # p(A, C | B) with B first
    pac_b = table.conditional(["A", "C"], given=["B"])
    np.testing.assert_allclose(
        pac_b, np.transpose(p, (1, 0, 2)) / p.sum(axis=(0, 2))[:, None, None]
    )


@pytest.mark.parametrize("order", [None, ["C", "B", "A"], ["B", "A", "C"]])
def test_chain_rule_reproduces_the_joint(table, order):
    order = list(table.names) if order is None else order
    factors = table.chain_rule_factors(order)
    assert [f.shape for f in factors][0] == (table.cardinality[order[0]],)
    rebuilt = JointTable.from_factors(factors, order)
    perm = [order.index(n) for n in table.names]
    np.testing.assert_allclose(np.transpose(rebuilt.probs, perm), table.probs, atol=1e-15)
    # the same by hand with numpy: p(a) p(b|a) p(c|a,b) for the table's order
    if order == ["A", "B", "C"]:
        pa = table.probs.sum(axis=(1, 2))
        pab = table.probs.sum(axis=2)
        manual = (
            pa[:, None, None] * (pab / pa[:, None])[:, :, None] * (table.probs / pab[..., None])
        )
        np.testing.assert_allclose(manual, table.probs, atol=1e-15)


def test_bayes_rule(table):
    p = table.probs
    pa = p.sum(axis=(1, 2))
    pc = p.sum(axis=(0, 1))
    pc_given_a = p.sum(axis=1) / pa[:, None]
    posterior = table.conditional(["A"], given=["C"])  # p(A | C), shape (C, A)
    manual = (pc_given_a * pa[:, None]).T / pc[:, None]
    np.testing.assert_allclose(posterior, manual)


def test_independence_and_mutual_information():
    rng = np.random.default_rng(2)
    pz = np.array([0.3, 0.7])
    px_z = rng.dirichlet(np.ones(3), size=2)  # (z, x)
    py_z = rng.dirichlet(np.ones(2), size=2)  # (z, y)
    ci = JointTable(pz[:, None, None] * px_z[:, :, None] * py_z[:, None, :], ["Z", "X", "Y"])
    assert ci.is_independent(["X"], ["Y"], given=["Z"])
    assert ci.mutual_information(["X"], ["Y"], given=["Z"]) == pytest.approx(0.0, abs=1e-12)
    # marginally X and Y are dependent through Z
    assert not ci.is_independent(["X"], ["Y"])
    pxy = ci.marginal(["X", "Y"]).probs
    px, py = pxy.sum(1), pxy.sum(0)
    mi = np.sum(pxy * np.log(pxy / np.outer(px, py)))
    assert mi > 1e-4
    assert ci.mutual_information(["X"], ["Y"]) == pytest.approx(mi)
    # mutual information of a deterministic copy is the entropy
    copy = JointTable(np.diag([0.2, 0.3, 0.5]), ["U", "V"])
    h = -np.sum(np.array([0.2, 0.3, 0.5]) * np.log([0.2, 0.3, 0.5]))
    assert copy.mutual_information(["U"], ["V"]) == pytest.approx(h)
    assert not copy.is_independent(["U"], ["V"])


def test_from_samples_counts():
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.integers(0, 2, 500), rng.integers(0, 3, 500)])
    t = JointTable.from_samples(X, ["P", "Q"])
    counts = np.zeros((2, 3))
    for a, b in X:
        counts[a, b] += 1
    np.testing.assert_allclose(t.probs, counts / 500)
    smooth = JointTable.from_samples(X, ["P", "Q"], cardinalities=[2, 4], alpha=1.0)
    assert smooth.probs.shape == (2, 4)
    assert smooth.prob({"Q": 3}) == pytest.approx(2 / (500 + 8))


def test_repr(table):
    assert repr(table) == "JointTable(P(A, B, C); 2x3x2 states)"


@pytest.mark.parametrize(
    "probs, names, exc, match",
    [
        ([[0.5, 0.6], [0.0, -0.1]], ["A", "B"], ValueError, "negative entry"),
        ([[0.5, 0.6], [0.1, 0.1]], ["A", "B"], ValueError, "sums to 1.3"),
        ([[0.5, np.nan], [0.1, 0.1]], ["A", "B"], ValueError, "NaN"),
        ([0.5, 0.5], ["A", "B"], ValueError, "1 axes"),
        ([[0.25, 0.25], [0.25, 0.25]], ["A", "A"], ValueError, "repeated"),
        ([[0.25, 0.25], [0.25, 0.25]], "AB", TypeError, "list of variable names"),
        ("0.5", ["A"], TypeError, "array of probabilities"),
    ],
)
def test_joint_table_rejects_bad_tables(probs, names, exc, match):
    with pytest.raises(exc, match=match):
        JointTable(probs, names)


def test_joint_table_rejects_bad_queries(table):
    with pytest.raises(ValueError, match=r"Unknown variable 'D'.*\['A', 'B', 'C'\]"):
        table.marginal(["D"])
    with pytest.raises(ValueError, match=r"Unknown state 'top' of 'B'.*\['lo', 'mid', 'hi'\]"):
        table.prob({"B": "top"})
    with pytest.raises(ValueError, match="out of range"):
        table.condition({"A": 2})
    with pytest.raises(TypeError, match="dict variable -> state"):
        table.condition(["A"])
    with pytest.raises(ValueError, match="both in query and given"):
        table.conditional(["A"], given=["A"])
    with pytest.raises(ValueError, match="states"):
        JointTable(table.probs, table.names, states={"A": ["x", "y", "z"]})
    with pytest.raises(ValueError, match="missing"):
        table.chain_rule_factors(["A", "B"])
    with pytest.raises(ValueError, match="disjoint"):
        table.is_independent(["A"], ["B"], given=["A"])
    zero = JointTable([[0.5, 0.5], [0.0, 0.0]], ["A", "B"])
    with pytest.raises(ValueError, match="probability zero"):
        zero.condition({"A": 1})
    with pytest.raises(ValueError, match=r"p\(A=1\) = 0"):
        zero.conditional(["B"], given=["A"])


def test_from_factors_rejects_bad_factors():
    with pytest.raises(ValueError, match=r"must have shape \(2, k_B\)"):
        JointTable.from_factors([[0.5, 0.5], [[0.5, 0.5]]], ["A", "B"])
    with pytest.raises(ValueError, match=r"row \(1,\) sums to 0.9"):
        JointTable.from_factors([[0.5, 0.5], [[0.5, 0.5], [0.4, 0.5]]], ["A", "B"])
    with pytest.raises(ValueError, match="one factor per variable"):
        JointTable.from_factors([[0.5, 0.5]], ["A", "B"])


# ----------------------------------------------------------------------------------------
# IndependentBernoulli
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits():
    X_train, X_test, _, _ = du.load_binarized_digits()
    return X_train, X_test


@pytest.mark.parametrize("alpha", [0.0, 1.0, 2.5])
def test_independent_bernoulli_matches_scikit_learn(digits, alpha):
    """Independent pixels are naive Bayes with a single class: scikit-learn's BernoulliNB
    (its own additive smoothing) fitted with one label gives the same pixel probabilities;
    alpha = 0 is the maximum-likelihood estimate, the pixel means."""
    from sklearn.naive_bayes import BernoulliNB

    X_train, _ = digits
    model = IndependentBernoulli(alpha=alpha).fit(X_train)
    if alpha > 0:
        ref = BernoulliNB(alpha=alpha, force_alpha=True).fit(X_train, np.zeros(len(X_train)))
        np.testing.assert_allclose(model.probs_, np.exp(ref.feature_log_prob_[0]), rtol=1e-12)
    else:
        np.testing.assert_allclose(model.probs_, X_train.mean(axis=0), rtol=1e-12)
    assert model.num_params() == 64
    assert model.probs_.shape == (64,)


def test_independent_bernoulli_log_prob_against_torch(digits):
    X_train, X_test = digits
    model = IndependentBernoulli().fit(X_train)
    dist = torch.distributions.Independent(
        torch.distributions.Bernoulli(probs=torch.as_tensor(model.probs_)), 1
    )
    ref = dist.log_prob(torch.as_tensor(X_test, dtype=torch.float64)).numpy()
    lp = model.log_prob(X_test)
    assert lp.shape == (len(X_test),)
    np.testing.assert_allclose(lp, ref, rtol=1e-10)
    assert model.score(X_test) == pytest.approx(ref.mean())
    # logits_ agree with torch's parametrisation
    np.testing.assert_allclose(
        model.logits_, torch.distributions.Bernoulli(probs=torch.as_tensor(model.probs_)).logits
    )


def test_independent_bernoulli_sums_to_one_and_unseen_pixels():
    X = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0]])
    all_states = np.array(list(itertools.product([0, 1], repeat=3)))
    for alpha in (0.0, 1.0):
        model = IndependentBernoulli(alpha=alpha).fit(X)
        assert np.exp(model.log_prob(all_states)).sum() == pytest.approx(1.0)
    mle = IndependentBernoulli(alpha=0.0).fit(X)
    lp = mle.log_prob(np.array([[1, 1, 1], [1, 1, 0]]))
    assert lp[0] == -np.inf and np.isfinite(lp[1])  # never NaN
    assert np.isfinite(IndependentBernoulli(alpha=1.0).fit(X).log_prob([[1, 1, 1]])).all()


def test_independent_bernoulli_sampling_frequencies():
    probs = np.array([0.05, 0.5, 0.9])
    model = IndependentBernoulli(alpha=0.0).fit((np.arange(100)[:, None] < probs * 100).astype(int))
    np.testing.assert_allclose(model.probs_, probs)
    n = 20_000
    S = model.sample(n, np.random.default_rng(0))
    assert S.shape == (n, 3) and S.dtype == np.uint8
    se = np.sqrt(probs * (1 - probs) / n)
    assert np.all(np.abs(S.mean(0) - probs) < 5 * se)
    assert np.array_equal(S, model.sample(n, np.random.default_rng(0)))


# ----------------------------------------------------------------------------------------
# BinaryMarkovChain
# ----------------------------------------------------------------------------------------


def _brute_force_chain(X, order, alpha):
    """Counts and the joint pmf over all 2^n states by explicit loops."""
    n, d = X.shape
    p0 = (sum(X[k, order[0]] for k in range(n)) + alpha) / (n + 2 * alpha)
    trans = np.zeros((d - 1, 2))
    for i in range(d - 1):
        for a in (0, 1):
            rows = [k for k in range(n) if X[k, order[i]] == a]
            ones = sum(X[k, order[i + 1]] for k in rows)
            trans[i, a] = (ones + alpha) / (len(rows) + 2 * alpha)
    states = list(itertools.product([0, 1], repeat=d))
    pmf = {}
    for s in states:
        p = p0 if s[order[0]] else 1 - p0
        for i in range(d - 1):
            q = trans[i, s[order[i]]]
            p *= q if s[order[i + 1]] else 1 - q
        pmf[s] = p
    return p0, trans, pmf


@pytest.mark.parametrize("order", [None, [2, 0, 3, 1], [3, 2, 1, 0]])
def test_markov_chain_mle_and_pmf_against_brute_force(order):
    rng = np.random.default_rng(4)
    X = (rng.random((60, 4)) < [0.3, 0.6, 0.5, 0.2]).astype(np.uint8)
    X[:, 1] = np.where(rng.random(60) < 0.8, X[:, 0], X[:, 1])  # some dependence
    chain = BinaryMarkovChain(order=order, alpha=1.0).fit(X)
    ref_order = list(range(4)) if order is None else order
    p0, trans, pmf = _brute_force_chain(X, ref_order, 1.0)
    assert chain.initial_prob_ == pytest.approx(p0)
    np.testing.assert_allclose(chain.transition_probs_, trans)
    states = np.array(list(pmf))
    lp = chain.log_prob(states)
    np.testing.assert_allclose(np.exp(lp), list(pmf.values()), rtol=1e-12)
    assert np.exp(lp).sum() == pytest.approx(1.0)
    assert chain.num_params() == 7 == num_params_markov_chain([2] * 4)


def test_markov_chain_sums_to_one_for_several_sizes():
    rng = np.random.default_rng(5)
    for d in (1, 2, 5, 8):
        X = (rng.random((40, d)) < 0.4).astype(np.uint8)
        order = rng.permutation(d)
        chain = BinaryMarkovChain(order=order, alpha=0.5).fit(X)
        states = np.array(list(itertools.product([0, 1], repeat=d)))
        assert np.exp(chain.log_prob(states)).sum() == pytest.approx(1.0)
        assert chain.num_params() == 2 * d - 1


def test_markov_chain_sampling_matches_exact_probabilities():
    rng = np.random.default_rng(6)
    X = (rng.random((200, 3)) < 0.5).astype(np.uint8)
    X[:, 2] = np.where(rng.random(200) < 0.7, 1 - X[:, 0], X[:, 2])
    chain = BinaryMarkovChain(order=[0, 2, 1]).fit(X)
    n = 40_000
    S = chain.sample(n, np.random.default_rng(7))
    assert S.shape == (n, 3) and S.dtype == np.uint8
    states = np.array(list(itertools.product([0, 1], repeat=3)))
    expected = np.exp(chain.log_prob(states)) * n
    observed = np.array([np.sum(np.all(S == s, axis=1)) for s in states])
    # chi-square goodness of fit; a wrong ordering or transition indexing fails by far
    _, pvalue = stats.chisquare(observed, expected)
    assert pvalue > 1e-3


def test_markov_chain_order_places_pixels():
    X = np.tile([1, 0, 1, 1, 0], (5, 1))
    for order in (None, [4, 2, 0, 1, 3], [1, 3, 0, 4, 2]):
        chain = BinaryMarkovChain(order=order, alpha=0.0).fit(X)
        S = chain.sample(10, np.random.default_rng(0))
        assert np.array_equal(S, np.tile([1, 0, 1, 1, 0], (10, 1)))
        assert chain.log_prob(X[:1])[0] == pytest.approx(0.0)


def test_markov_chain_mle_likelihood_is_reversal_invariant(digits):
    # A Markov chain read backwards is a Markov chain: both MLEs fit the data equally well.
    X_train, _ = digits
    order = pixel_order("snake")
    fwd = BinaryMarkovChain(order=order, alpha=0.0).fit(X_train)
    bwd = BinaryMarkovChain(order=order[::-1], alpha=0.0).fit(X_train)
    assert fwd.score(X_train) == pytest.approx(bwd.score(X_train), rel=1e-10)
    # ... and at least as well as the independent model, by the mutual information gained
    ind = IndependentBernoulli(alpha=0.0).fit(X_train)
    gain = 0.0
    for a, b in zip(order[:-1], order[1:], strict=True):
        t = JointTable.from_samples(X_train[:, [a, b]], ["a", "b"], cardinalities=[2, 2])
        gain += t.mutual_information(["a"], ["b"])
    assert fwd.score(X_train) - ind.score(X_train) == pytest.approx(gain, rel=1e-9)


def test_markov_chain_held_out_likelihood_is_finite(digits):
    X_train, X_test = digits
    for kind in ("raster", "column", "snake"):
        chain = BinaryMarkovChain(order=pixel_order(kind)).fit(X_train)
        assert np.isfinite(chain.log_prob(X_test)).all()
        assert chain.score(X_test) > IndependentBernoulli().fit(X_train).score(X_test)


# ----------------------------------------------------------------------------------------
# Orderings and bad inputs
# ----------------------------------------------------------------------------------------


def test_pixel_orders():
    np.testing.assert_array_equal(pixel_order("raster", (2, 3)), [0, 1, 2, 3, 4, 5])
    np.testing.assert_array_equal(pixel_order("column", (2, 3)), [0, 3, 1, 4, 2, 5])
    np.testing.assert_array_equal(pixel_order("column-major", (2, 3)), [0, 3, 1, 4, 2, 5])
    np.testing.assert_array_equal(pixel_order("snake", (3, 2)), [0, 1, 3, 2, 4, 5])
    np.testing.assert_array_equal(pixel_order("snake-column", (2, 3)), [0, 3, 4, 1, 2, 5])
    for kind in du.binary_densities.PIXEL_ORDERS:
        order = pixel_order(kind, (8, 8))
        assert sorted(order) == list(range(64))
        if kind.startswith("snake"):
            r, c = np.divmod(order, 8)
            assert np.all(np.abs(np.diff(r)) + np.abs(np.diff(c)) == 1)  # always neighbours
    with pytest.raises(ValueError, match="must be one of"):
        pixel_order("hilbert")
    with pytest.raises(TypeError, match="pair"):
        pixel_order("raster", 64)
    with pytest.raises(ValueError, match="at least 1"):
        pixel_order("raster", (0, 8))


@pytest.mark.parametrize("Model", [IndependentBernoulli, BinaryMarkovChain])
def test_models_reject_bad_data(Model, digits):
    X_train, _ = digits
    with pytest.raises(ValueError, match="binary"):
        Model().fit(X_train * 3)
    with pytest.raises(ValueError, match="NaN"):
        Model().fit(np.where(X_train == 1, np.nan, 0.0))
    with pytest.raises(ValueError, match=r"shape \(n_samples, n_features\).*x\[None, :\]"):
        Model().fit(X_train[0])
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        Model(alpha=-1).fit(X_train)
    with pytest.raises(NotFittedError, match="not fitted yet; call fit"):
        Model().log_prob(X_train)
    with pytest.raises(ValueError, match="not fitted yet"):
        Model().sample(3, np.random.default_rng(0))
    model = Model().fit(X_train)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 64\), got \(2, 63\)"):
        model.log_prob(X_train[:2, :63])
    with pytest.raises(ValueError, match="binary"):
        model.score(X_train[:2] * 0.5)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        model.sample(3, rng="seed")
    with pytest.raises(ValueError, match="at least 0"):
        model.sample(-1, np.random.default_rng(0))


def test_markov_chain_rejects_bad_orders(digits):
    X_train, _ = digits
    with pytest.raises(ValueError, match="permutation of 0..3.*missing e.g. \\[2\\]"):
        BinaryMarkovChain(order=[0, 1, 1, 3]).fit(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="permutation"):
        BinaryMarkovChain(order=[0, 1, 2, 4]).fit(np.zeros((2, 4)))
    with pytest.raises(TypeError, match="integer pixel indices"):
        BinaryMarkovChain(order=[0.0, 1.0]).fit(np.zeros((2, 4)))
    with pytest.raises(TypeError, match="pixel_order\\('snake'"):
        BinaryMarkovChain(order="snake").fit(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="1-D"):
        BinaryMarkovChain(order=np.arange(64).reshape(8, 8)).fit(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="order has 16 entries but X has 64 features"):
        BinaryMarkovChain(order=pixel_order("raster", (4, 4))).fit(X_train)


def test_reprs():
    assert repr(IndependentBernoulli()) == "IndependentBernoulli(alpha=1.0)"
    assert repr(BinaryMarkovChain()) == "BinaryMarkovChain(order=raster, alpha=1.0)"


# ----------------------------------------------------------------------------------------
# The chapters' exercises: the stored answers agree with independent computations
# ----------------------------------------------------------------------------------------


def test_chapter_2_exercise_answers(digits):
    from dgm_utils.exercises import is_correct

    assert is_correct("ch02-rgb-independent", num_params_independent([256] * 3))
    assert is_correct("ch02-labelled-joint", num_params_joint([2] * 64 + [10]))
    n = next(n for n in range(1, 10_000) if math.sqrt(0.25 / n) <= 0.01)
    assert is_correct("ch02-lln-n", n)
    X_train, _ = digits
    model = IndependentBernoulli(alpha=1.0).fit(X_train)
    # brute force over each pixel's two values: independence lets us maximise factor by factor
    mode = np.array([[int(np.argmax([1 - p, p])) for p in model.probs_]])
    assert is_correct("ch02-mode-logprob", float(model.log_prob(mode)[0]))
    assert not is_correct("ch02-mode-logprob", float(model.log_prob(np.zeros((1, 64)))[0]))


def test_chapter_3_exercise_answers(digits):
    from dgm_utils.exercises import is_correct

    assert is_correct("ch03-fourth-factor", chain_rule_param_counts([3] * 4)[-1])
    # second-order chain: factor i has min(i, 2) binary parents
    assert is_correct("ch03-second-order", sum(2 ** min(i, 2) for i in range(64)))
    joint = JointTable.from_factors([[0.99, 0.01], [[0.95, 0.05], [0.1, 0.9]]], ["D", "T"])
    assert is_correct("ch03-bayes-test", joint.condition({"T": 1}).prob({"D": 1}))
    X_train, _ = digits
    order = pixel_order("column")
    fwd = BinaryMarkovChain(order, alpha=0.0).fit(X_train).score(X_train)
    bwd = BinaryMarkovChain(order[::-1], alpha=0.0).fit(X_train).score(X_train)
    answer = "same" if np.isclose(fwd, bwd, rtol=1e-12) else ("higher" if bwd > fwd else "lower")
    assert is_correct("ch03-reversed-order", answer)


# ----------------------------------------------------------------------------------------
# Plotting helpers of chapters 2 and 3
# ----------------------------------------------------------------------------------------


def test_plotting_helpers_draw_the_data():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from dgm_utils import plotting

    ax = Figure().subplots()
    assert plotting.plot_pmf([0.2, 0.8], [0.25, 0.75], ax=ax) is ax
    heights = sorted(round(p.get_height(), 6) for p in ax.patches)
    assert heights == [0.2, 0.25, 0.75, 0.8]
    with pytest.raises(ValueError, match="shape of probs"):
        plotting.plot_pmf([0.2, 0.8], [1.0], ax=ax)

    x = (np.random.default_rng(0).random(5000) < 0.3).astype(int)
    ax = Figure().subplots()
    plotting.plot_running_frequency(x, 0.3, ax=ax)
    line = ax.get_lines()[0]
    n, freq = line.get_data()
    np.testing.assert_allclose(freq, np.cumsum(x)[n - 1] / n)
    assert n[0] == 1 and n[-1] == 5000

    ax = Figure().subplots()
    order = pixel_order("snake", (3, 4))
    plotting.plot_pixel_order(order, (3, 4), ax=ax)
    cols, rows = ax.get_lines()[0].get_data()
    np.testing.assert_array_equal(rows * 4 + cols, order)
    with pytest.raises(ValueError, match=r"shape \(12,\)"):
        plotting.plot_pixel_order(order[:5], (3, 4), ax=ax)
