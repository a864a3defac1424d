"""Tests of dgm_utils.autoregressive against brute force: enumeration of all 2^n states,
explicit per-pixel loops, exact-probability sampling tests and scikit-learn's logistic
regression (each FVSBN conditional is one)."""

import itertools

import numpy as np
import pytest
import torch
from scipy.stats import chisquare
from sklearn.linear_model import LogisticRegression

from dgm_utils import exercises
from dgm_utils.autoregressive import FVSBN, NADE
from dgm_utils.datasets import load_binarized_digits, split_validation
from dgm_utils.experiments import fit_digit_models
from dgm_utils.training import train


def all_states(n: int) -> torch.Tensor:
    """Every binary vector of length n, shape (2**n, n), float64."""
    return torch.tensor(list(itertools.product([0.0, 1.0], repeat=n)), dtype=torch.float64)


def random_fvsbn(n: int, seed: int = 0, scale: float = 1.5) -> FVSBN:
    g = torch.Generator().manual_seed(seed)
    model = FVSBN(n).double()
    with torch.no_grad():
        model.weight.copy_(scale * torch.randn(n, n, generator=g, dtype=torch.float64))
        model.bias.copy_(scale * torch.randn(n, generator=g, dtype=torch.float64))
    return model


def random_nade(n: int, hidden: int, seed: int = 0, scale: float = 1.5) -> NADE:
    g = torch.Generator().manual_seed(seed)
    model = NADE(n, hidden, generator=g).double()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(scale * torch.randn(p.shape, generator=g, dtype=torch.float64))
    return model


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def fvsbn_log_prob_loop(model: FVSBN, x: np.ndarray) -> np.ndarray:
    """Chain rule pixel by pixel: log sigma(b_i + sum_{j<i} W_ij x_j) or its complement."""
    W, b = model.weight.detach().numpy(), model.bias.detach().numpy()
    out = np.zeros(x.shape[0])
    for i in range(x.shape[1]):
        p = sigmoid(b[i] + x[:, :i] @ W[i, :i])
        out += np.where(x[:, i] == 1, np.log(p), np.log1p(-p))
    return out


def nade_log_prob_naive(model: NADE, x: np.ndarray) -> np.ndarray:
    """The O(n^2 h) definition: recompute h_i = sigma(c + W[:, :i] x_<i) for every i."""
    W, c, V, b = (t.detach().numpy() for t in (model.W, model.c, model.V, model.b))
    out = np.zeros(x.shape[0])
    for i in range(x.shape[1]):
        h = sigmoid(c + x[:, :i] @ W[:, :i].T)
        p = sigmoid(b[i] + h @ V[i])
        out += np.where(x[:, i] == 1, np.log(p), np.log1p(-p))
    return out


MODELS = {
    "fvsbn": lambda n: random_fvsbn(n),
    "nade": lambda n: random_nade(n, hidden=5),
}


# ----------------------------------------------------------------------------- exactness
@pytest.mark.parametrize("kind", sorted(MODELS))
@pytest.mark.parametrize("n", [1, 2, 7, 12])
def test_probabilities_sum_to_one_over_all_states(kind, n):
    model = MODELS[kind](n)
    with torch.no_grad():
        total = torch.logsumexp(model.log_prob(all_states(n)), dim=0).exp().item()
    assert total == pytest.approx(1.0, abs=1e-10)


def test_log_prob_matches_per_pixel_loops():
    x = all_states(8).numpy()
    fvsbn, nade = random_fvsbn(8, seed=1), random_nade(8, hidden=6, seed=2)
    with torch.no_grad():
        got_f = fvsbn.log_prob(torch.as_tensor(x)).numpy()
        got_n = nade.log_prob(torch.as_tensor(x)).numpy()
    np.testing.assert_allclose(got_f, fvsbn_log_prob_loop(fvsbn, x), atol=1e-10)
    np.testing.assert_allclose(got_n, nade_log_prob_naive(nade, x), atol=1e-10)


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_conditionals_agree_with_the_joint(kind):
    """p(x_i = 1 | x_<i) from the model equals the ratio of sums of the joint table."""
    n = 6
    model = MODELS[kind](n)
    states = all_states(n)
    with torch.no_grad():
        joint = model.log_prob(states).exp().numpy()
        probs = model.conditionals(states).base_dist.probs.numpy()
    s = states.numpy()
    for i in range(n):
        for row in range(0, 2**n, 7):
            prefix = (s[:, :i] == s[row, :i]).all(axis=1)
            expected = joint[prefix & (s[:, i] == 1)].sum() / joint[prefix].sum()
            assert probs[row, i] == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_logit_i_depends_only_on_previous_pixels(kind):
    n = 9
    model = MODELS[kind](n)
    x = torch.full((n,), 0.5, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda v: model.logits(v[None, :])[0], x)
    assert torch.all(torch.triu(jac) == 0)  # d logit_i / d x_j = 0 for j >= i
    below = torch.ones(n, n, dtype=torch.bool).tril(-1)
    assert torch.all(jac[below] != 0)  # and every earlier pixel matters


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_conditionals_is_a_torch_distribution(kind):
    model = MODELS[kind](5)
    x = all_states(5)[:7]
    dist = model.conditionals(x)
    assert isinstance(dist, torch.distributions.Independent)
    assert isinstance(dist.base_dist, torch.distributions.Bernoulli)
    assert dist.batch_shape == (7,) and dist.event_shape == (5,)
    torch.testing.assert_close(dist.log_prob(x), model.log_prob(x))


# ------------------------------------------------------------------------------ sampling
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_sample_frequencies_match_exact_probabilities(kind):
    n, draws = 4, 40_000
    model = MODELS[kind](n)
    samples = model.sample(draws, generator=torch.Generator().manual_seed(3))
    assert samples.shape == (draws, n)
    assert set(samples.unique().tolist()) <= {0.0, 1.0}
    index = (samples.numpy() @ (2 ** np.arange(n - 1, -1, -1))).astype(int)
    observed = np.bincount(index, minlength=2**n)
    with torch.no_grad():
        expected = model.log_prob(all_states(n)).exp().numpy() * draws
    assert chisquare(observed, expected).pvalue > 1e-3
    assert np.abs(observed - expected).max() < 5 * np.sqrt(expected.max())


def test_sample_is_reproducible_with_a_generator():
    model = random_nade(10, hidden=4)
    a = model.sample(50, generator=torch.Generator().manual_seed(7))
    b = model.sample(50, generator=torch.Generator().manual_seed(7))
    c = model.sample(50, generator=torch.Generator().manual_seed(8))
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert model.sample(0).shape == (0, 10)


# ------------------------------------------------------------------------ parameter counts
@pytest.mark.parametrize("n", [1, 2, 10, 64])
def test_fvsbn_num_params(n):
    assert FVSBN(n).num_params() == n * (n + 1) // 2


@pytest.mark.parametrize(("n", "h"), [(1, 1), (5, 3), (64, 32)])
def test_nade_num_params(n, h):
    model = NADE(n, h)
    assert model.num_params() == 2 * n * h + n
    assert model.num_params() == sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_num_params_counts_exactly_the_parameters_that_get_gradients(kind):
    model = MODELS[kind](7)
    x = torch.bernoulli(torch.full((200, 7), 0.5, dtype=torch.float64))
    model.log_prob(x).sum().backward()
    used = sum(int((p.grad != 0).sum()) for p in model.parameters())
    assert used == model.num_params()


def test_repr_shows_size():
    assert "n_features=64, 2080 parameters" in repr(FVSBN(64))
    assert "hidden=3" in repr(NADE(4, 3))


# ------------------------------------------------------------------------------ learning
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_a_gradient_step_lowers_the_loss_on_a_fixed_batch(kind):
    model = MODELS[kind](8)
    x = torch.bernoulli(
        torch.full((64, 8), 0.3, dtype=torch.float64), generator=torch.Generator().manual_seed(0)
    )
    loss_before = -model.log_prob(x).mean()
    loss_before.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= 1e-3 * p.grad
        loss_after = -model.log_prob(x).mean()
    assert loss_after < loss_before - 1e-6


def test_trained_fvsbn_matches_sklearn_logistic_regressions():
    """The FVSBN log-likelihood is a sum of n logistic regressions, each fitted exactly by
    scikit-learn; training FVSBN by Adam must reach the same total."""
    rng = np.random.default_rng(0)
    n, m = 4, 600
    z = rng.random(m) < 0.5
    X = np.column_stack([rng.random(m) < np.where(z, 0.8, 0.2) for _ in range(n)]).astype(
        np.float64
    )
    nll_ref = -np.mean(np.log(np.where(X[:, 0] == 1, X[:, 0].mean(), 1 - X[:, 0].mean())))
    for i in range(1, n):
        clf = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(X[:, :i], X[:, i])
        p = clf.predict_proba(X[:, :i])[np.arange(m), X[:, i].astype(int)]
        nll_ref -= np.mean(np.log(p))
    model = FVSBN(n)
    train(model, X, epochs=400, batch_size=m, lr=0.05, progress=False)
    with torch.no_grad():
        nll = -model.log_prob(torch.as_tensor(X, dtype=torch.float32)).mean().item()
    assert nll == pytest.approx(nll_ref, abs=2e-4)


# ---------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("model", [FVSBN(4), NADE(4, 2)], ids=["fvsbn", "nade"])
@pytest.mark.parametrize(
    ("x", "error", "match"),
    [
        (
            np.zeros((2, 4)),
            TypeError,
            r"torch.Tensor.*got array of shape \(2, 4\).*torch.as_tensor",
        ),
        ([[0, 1, 0, 1]], TypeError, "torch.Tensor"),
        (torch.zeros(2, 4, dtype=torch.int64), TypeError, r"floating-point.*int64.*x.float\(\)"),
        (torch.zeros(2, 4, dtype=torch.bool), TypeError, "floating-point"),
        (torch.zeros(2, 5), ValueError, r"shape \(batch, 4\).*got \(2, 5\)"),
        (torch.zeros(4), ValueError, r"got \(4,\)\. For one image use x\[None, :\]"),
        (torch.zeros(2, 2, 4), ValueError, r"shape \(batch, 4\)"),
        (torch.tensor([[0.0, 0.5, 1.0, 1.0]]), ValueError, r"binary.*0\.5"),
        (torch.tensor([[0.0, float("nan"), 1.0, 1.0]]), ValueError, r"NaN.*first at \[0, 1\]"),
    ],
)
def test_bad_x_raises_a_helpful_error(model, x, error, match):
    with pytest.raises(error, match=match):
        model.log_prob(x)


def test_input_is_converted_to_the_model_dtype():
    x32, x64 = torch.zeros(3, 4, dtype=torch.float32), torch.zeros(3, 4, dtype=torch.float64)
    assert FVSBN(4).log_prob(x64).dtype == torch.get_default_dtype()  # torch's default
    assert FVSBN(4, dtype=torch.float32).log_prob(x64).dtype == torch.float32
    assert FVSBN(4, dtype=torch.float64).log_prob(x32).dtype == torch.float64


@pytest.mark.parametrize("dtype", [torch.float16, torch.int64, "float64"])
def test_dtype_must_be_float32_or_float64(dtype):
    with pytest.raises(ValueError, match="dtype must be torch.float64"):
        NADE(4, hidden=2, dtype=dtype)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: FVSBN(0), ValueError, "n_features must be at least 1"),
        (lambda: FVSBN(2.5), TypeError, "n_features must be an integer"),
        (lambda: NADE(4, 0), ValueError, "hidden must be at least 1"),
        (lambda: NADE(4, hidden=None), TypeError, "hidden must be an integer"),
        (lambda: NADE(4, 2, rng=np.random.default_rng(0)), TypeError, "torch.Generator"),
        (lambda: FVSBN(10**6), ValueError, "FVSBN.*memory"),
        (lambda: NADE(10**6, 10**6), ValueError, "NADE.*memory"),
        (lambda: FVSBN(3).sample(-1), ValueError, "n must be at least 0"),
        (lambda: FVSBN(3).sample(2, rng=0), TypeError, "torch.Generator"),
    ],
)
def test_bad_construction_and_sampling_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


# -------------------------------------------------------- chapter 6's split and five models
def test_split_validation_is_a_seeded_partition_of_the_rows():
    X = np.arange(40, dtype=np.uint8).reshape(20, 2)  # row r holds 2r and 2r + 1
    X_fit, X_val = split_validation(X, n_val=6, rng=3)
    perm = np.random.default_rng(3).permutation(20)
    assert X_fit.dtype == np.uint8 and X_fit.shape == (14, 2) and X_val.shape == (6, 2)
    np.testing.assert_array_equal(X_val[:, 0] // 2, perm[:6])
    np.testing.assert_array_equal(X_fit[:, 0] // 2, perm[6:])
    assert sorted(np.concatenate([X_fit, X_val])[:, 0] // 2) == list(range(20))
    X_fit_g, _ = split_validation(X, n_val=6, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(X_fit_g, X_fit)
    X_train = load_binarized_digits()[0]
    assert [a.shape for a in split_validation(X_train)] == [(1077, 64), (270, 64)]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_val": 0}, ValueError, "n_val must be at least 1"),
        ({"n_val": 5}, ValueError, r"at least one row for fitting: X has 5 rows.*n_val <= 4"),
        ({"n_val": 2.0}, TypeError, "n_val must be an integer"),
        ({"n_val": 2, "rng": "0"}, TypeError, "numpy.random.Generator"),
    ],
)
def test_split_validation_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        split_validation(np.zeros((5, 3)), **kwargs)


def test_fit_digit_models_fits_what_it_reports():
    """Properties of the five fits, each checked against a reference outside the recipe
    (closed-form counts, the validation NLL the recipe claims to minimise, early stopping's
    promise), instead of copying the recipe's settings line by line."""
    X_fit, X_val = split_validation(load_binarized_digits()[0][:200], n_val=50)
    X_test = load_binarized_digits()[1][:100]
    fits = fit_digit_models(X_fit, X_val, components=(2, 5), epochs=4, rng=np.random.default_rng(0))
    assert list(fits) == ["independent", "markov_chain", "mixture", "fvsbn", "nade"]

    # Independent pixels with one pseudo-count per outcome: (ones + 1) / (n + 2) per pixel.
    np.testing.assert_allclose(
        fits["independent"].model.probs_, (X_fit.sum(axis=0) + 1) / (len(X_fit) + 2)
    )
    # The mixture's K is the candidate with the lowest validation NLL, and that NLL is the
    # one the chosen model gives the validation images.
    val_nll = fits["mixture"].validation_nll
    best_k = min(val_nll, key=val_nll.get)
    assert set(val_nll) == {2, 5} and fits["mixture"].model.n_components == best_k
    assert fits["mixture"].label == f"mixture of {best_k} Bernoullis"
    assert val_nll[best_k] == pytest.approx(fits["mixture"].nll(X_val).mean(), rel=1e-12)
    # Early stopping restores the best epoch: the model scores its best validation loss.
    for key in ("fvsbn", "nade"):
        history = fits[key].history
        assert history.epochs == 4 and len(history.val_loss) == 4
        # the same numbers summed in another order: a few units in the last place
        rel = 100 * torch.finfo(next(fits[key].model.parameters()).dtype).eps
        assert fits[key].nll(X_val).mean() == pytest.approx(min(history.val_loss), rel=rel)
    # Free parameters of each factorisation of 64 binary pixels (lecture formulas).
    expected_params = {
        "independent": 64,
        "markov_chain": 2 * 64 - 1,
        "mixture": best_k * 64 + best_k - 1,
        "fvsbn": 64 * 65 // 2,
        "nade": 2 * 64 * 64 + 64,
    }
    for key, fit in fits.items():
        assert fit.model.num_params() == expected_params[key]
        assert fit.seconds >= 0 and (fit.history is None) == (key not in ("fvsbn", "nade"))
        nll = fit.nll(X_test)
        assert nll.shape == (100,) and np.isfinite(nll).all() and (nll > 0).all(), key
    # EM with K components fits the images better than independent pixels (K = 1).
    assert fits["mixture"].nll(X_fit).mean() < fits["independent"].nll(X_fit).mean()
    # The rng fixes everything: the same call gives the same NADE; the old seed= warns.
    again = fit_digit_models(X_fit, X_val, components=(2,), epochs=2, rng=np.random.default_rng(1))
    with pytest.warns(FutureWarning, match="seed= is renamed rng="):
        twice = fit_digit_models(X_fit, X_val, components=(2,), epochs=2, seed=1)
    np.testing.assert_array_equal(again["nade"].nll(X_test), twice["nade"].nll(X_test))


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((np.full((4, 3), 0.5), np.zeros((2, 3))), {}, ValueError, r"X_fit must be binary"),
        ((np.zeros((4, 3)), np.zeros((2, 4))), {}, ValueError, r"X_val of shape \(n_samples, 3\)"),
        ((np.zeros((4, 3)), np.zeros((2, 3))), {"components": 5}, TypeError, "sequence of int"),
        ((np.zeros((4, 3)), np.zeros((2, 3))), {"components": ()}, ValueError, "empty"),
        ((np.zeros((4, 3)), np.zeros((2, 3))), {"components": (0,)}, ValueError, "at least 1"),
        ((np.zeros((4, 3)), np.zeros((2, 3))), {"epochs": 0}, ValueError, "epochs must be"),
        ((np.zeros((4, 3)), np.zeros((2, 3))), {"rng": "0"}, TypeError, "numpy.random.Generator"),
    ],
)
def test_fit_digit_models_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        fit_digit_models(*args, **kwargs)


# ----------------------------------------------------------------------------- exercises
def test_exercise_reference_answers():
    uniform = FVSBN(64)
    with torch.no_grad():
        for p in uniform.parameters():
            p.zero_()
        nll = -uniform.log_prob(torch.zeros(1, 64, dtype=torch.float64)).item()
    assert exercises.is_correct("ch06-uniform-fvsbn", nll)
    assert exercises.is_correct("ch06-early-stopping", 4)
    assert not exercises.is_correct("ch06-early-stopping", 7)
    n, h = 784, 500
    naive = sum((i - 1) * h for i in range(1, n + 1))  # W[:, :i-1] x_<i for every i
    cumulative = (n - 1) * h  # one column added per pixel
    assert exercises.is_correct("ch06-nade-speedup", naive // cumulative)
    assert naive % cumulative == 0


def test_exercise_valid_conditionals():
    """(b) a conditional that sees the next pixel and (e) scaled conditionals break
    normalisation."""
    n = 6
    states = all_states(n)
    leaky = random_fvsbn(n, seed=4)
    leaky.mask = torch.ones(n, n, dtype=torch.float64).tril(1) - torch.eye(n, dtype=torch.float64)
    with torch.no_grad():
        total_b = leaky.log_prob(states).exp().sum().item()
        model = random_fvsbn(n, seed=4)
        total_e = (model.log_prob(states) + n * np.log(1.1)).exp().sum().item()
    assert abs(total_b - 1) > 1e-3 and total_e == pytest.approx(1.1**n)
    assert exercises.is_correct("ch06-valid-conditionals", {"a", "c", "d"})
