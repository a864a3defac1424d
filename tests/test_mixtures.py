"""Mixtures against independent references: brute-force products and enumeration for the
Bernoulli mixture, scipy / torch.distributions / scikit-learn for the Gaussian mixture."""

import itertools
import warnings

import numpy as np
import pytest
import scipy.stats
import torch
from sklearn.mixture import GaussianMixture as SkGaussianMixture

import dgm_utils as du
from dgm_utils.mixtures import BernoulliMixture, GaussianMixture


# ----------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def digits():
    return du.load_binarized_digits()


@pytest.fixture(scope="module")
def small_bmm():
    """A 3-component mixture on 6 binary pixels, fitted to data drawn from a known mixture."""
    rng = np.random.default_rng(0)
    probs = np.array(
        [
            [0.9, 0.9, 0.8, 0.1, 0.1, 0.2],
            [0.1, 0.2, 0.1, 0.9, 0.8, 0.9],
            [0.5, 0.1, 0.9, 0.1, 0.9, 0.5],
        ]
    )
    z = rng.choice(3, size=400, p=[0.5, 0.3, 0.2])
    X = (rng.random((400, 6)) < probs[z]).astype(np.uint8)
    return BernoulliMixture(3, alpha=0.5, tol=1e-12, max_iter=5000).fit(X), X


def brute_log_joint(model, X):
    """log p(x, z=k) from the explicit product over pixels, one sample and component at a time."""
    out = np.empty((len(X), model.n_components))
    for n, x in enumerate(X):
        for k in range(model.n_components):
            p = model.weights_[k]
            for d, xd in enumerate(x):
                if not np.isnan(xd):
                    p *= model.means_[k, d] if xd == 1 else 1 - model.means_[k, d]
            out[n, k] = np.log(p)
    return out


def assert_frequencies(freq, prob, n):
    """Empirical frequencies within 4 binomial standard deviations (plus a little slack)."""
    tol = 4 * np.sqrt(prob * (1 - prob) / n) + 1e-4
    worst = np.argmax(np.abs(freq - prob) / tol)
    assert (np.abs(freq - prob) <= tol).all(), f"entry {worst}: {freq[worst]} vs {prob[worst]}"


def all_binary(d):
    return np.array(list(itertools.product([0, 1], repeat=d)), dtype=np.float64)


# ------------------------------------------------------------------ Bernoulli mixture
def test_bernoulli_log_prob_and_posterior_match_brute_force(small_bmm):
    model, X = small_bmm
    joint = brute_log_joint(model, X[:50].astype(float))
    np.testing.assert_allclose(model.log_prob(X[:50]), np.log(np.exp(joint).sum(1)), rtol=1e-10)
    post = np.exp(joint) / np.exp(joint).sum(1, keepdims=True)
    np.testing.assert_allclose(model.predict_proba(X[:50]), post, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(model.predict(X[:50]), post.argmax(1))
    assert model.score(X) == pytest.approx(model.log_prob(X).mean())


def test_bernoulli_distribution_sums_to_one(small_bmm):
    model, _ = small_bmm
    assert np.exp(model.log_prob(all_binary(6))).sum() == pytest.approx(1.0, abs=1e-12)


def test_bernoulli_nan_marginalises_exactly(small_bmm):
    model, X = small_bmm
    grid = all_binary(6)
    hidden = np.array([False, True, False, True, True, False])
    x = X[7].astype(float)
    completions = grid[(grid[:, ~hidden] == x[~hidden]).all(1)]  # the 8 completions of x
    x_nan = np.where(hidden, np.nan, x)[None]
    expected = np.log(np.exp(model.log_prob(completions)).sum())
    assert model.log_prob(x_nan)[0] == pytest.approx(expected, rel=1e-12)
    # p(z | x_visible) by brute force over the hidden pixels
    joint = np.exp(brute_log_joint(model, completions)).sum(0)
    np.testing.assert_allclose(model.predict_proba(x_nan)[0], joint / joint.sum(), rtol=1e-10)


def test_conditional_mean_and_samples_match_enumeration(small_bmm):
    model, X = small_bmm
    grid = all_binary(6)
    hidden = np.array([True, False, False, True, False, True])
    x = X[3].astype(float)
    completions = grid[(grid[:, ~hidden] == x[~hidden]).all(1)]
    cond = np.exp(model.log_prob(completions))
    cond /= cond.sum()  # p(x_hidden | x_visible), enumerated
    mean = model.conditional_mean(x[None], hidden)[0]
    np.testing.assert_allclose(mean[hidden], cond @ completions[:, hidden], rtol=1e-10)
    np.testing.assert_array_equal(mean[~hidden], x[~hidden])
    # the hidden values given are ignored; NaN-as-hidden gives the same answer
    flipped = x.copy()
    flipped[hidden] = 1 - flipped[hidden]
    np.testing.assert_allclose(model.conditional_mean(flipped[None], hidden)[0], mean)
    np.testing.assert_allclose(model.conditional_mean(np.where(hidden, np.nan, x)[None])[0], mean)

    n = 40_000
    draws = model.sample_conditional(x[None], hidden, n_samples=n, rng=np.random.default_rng(1))[0]
    assert draws.shape == (n, 6) and draws.dtype == np.uint8
    assert (draws[:, ~hidden] == x[~hidden]).all()
    freq = np.array([(draws == c).all(1).mean() for c in completions])
    assert_frequencies(freq, cond, n)


def test_sample_frequencies_match_probabilities(small_bmm):
    model, _ = small_bmm
    n = 60_000
    X, z = model.sample(n, np.random.default_rng(2), return_latents=True)
    assert X.shape == (n, 6) and z.shape == (n,) and X.dtype == np.uint8
    w = model.weights_
    assert_frequencies(np.bincount(z, minlength=3) / n, w, n)
    grid = all_binary(6)
    p = np.exp(model.log_prob(grid))
    codes = X @ (2 ** np.arange(5, -1, -1))
    freq = np.bincount(codes, minlength=64) / n
    assert_frequencies(freq, p, n)


def test_single_component_is_the_smoothed_pixel_frequency():
    rng = np.random.default_rng(3)
    X = (rng.random((50, 5)) < [0.1, 0.3, 0.5, 0.7, 1.0]).astype(np.uint8)
    ml = BernoulliMixture(1, alpha=0.0).fit(X)
    np.testing.assert_allclose(ml.means_[0], X.mean(0), rtol=1e-12)
    smoothed = BernoulliMixture(1, alpha=2.0).fit(X)
    np.testing.assert_allclose(smoothed.means_[0], (X.sum(0) + 2) / (50 + 4), rtol=1e-12)
    assert ml.num_params() == 5 and smoothed.weights_ == pytest.approx([1.0])


def test_em_never_decreases_on_digits(digits):
    X_train = digits[0]
    for seed in (0, 1):
        smoothed = BernoulliMixture(8, alpha=0.01, random_state=seed, max_iter=60).fit(X_train)
        assert np.diff(smoothed.objective_).min() >= -1e-12
        assert len(smoothed.log_likelihood_) == smoothed.n_iter_ + 1
        ml = BernoulliMixture(8, alpha=0.0, random_state=seed, max_iter=60).fit(X_train)
        assert np.diff(ml.log_likelihood_).min() >= -1e-12
        assert ml.log_likelihood_[-1] > ml.log_likelihood_[0] + 1.0  # EM did real work
        assert ml.score(X_train) == pytest.approx(ml.log_likelihood_[-1], rel=1e-12)


def test_fitted_parameters_are_a_fixed_point_of_em(small_bmm):
    model, X = small_bmm
    resp = model.predict_proba(X)
    counts = resp.sum(0)
    np.testing.assert_allclose(model.weights_, counts / len(X), atol=1e-4)
    np.testing.assert_allclose(
        model.means_, (resp.T @ X + 0.5) / (counts[:, None] + 1.0), atol=1e-3
    )


def test_more_restarts_never_worse(digits):
    X_train = digits[0][:400]
    one = BernoulliMixture(5, n_init=1, random_state=4, max_iter=40).fit(X_train)
    three = BernoulliMixture(5, n_init=3, random_state=4, max_iter=40).fit(X_train)
    assert three.objective_[-1] >= one.objective_[-1] - 1e-12


def test_fit_returns_self_and_repr(small_bmm):
    model = BernoulliMixture(2, max_iter=50, tol=1e-3, random_state=3)
    assert model.fit(small_bmm[1]) is model
    # scikit-learn's repr: every hyperparameter that differs from its default
    assert repr(model) == "BernoulliMixture(max_iter=50, n_components=2, random_state=3, tol=0.001)"
    assert model.num_params() == 2 * 6 + 1


# ------------------------------------------------------------------- Gaussian mixture
@pytest.fixture(scope="module")
def blobs():
    rng = np.random.default_rng(5)
    centres = np.array([[0.0, 0.0, 0.0], [6.0, 0.0, 1.0], [0.0, 7.0, -2.0], [5.0, 6.0, 5.0]])
    covs = []
    X = []
    for i, c in enumerate(centres):
        A = rng.normal(size=(3, 3)) * (0.4 + 0.2 * i)
        covs.append(A @ A.T + 0.3 * np.eye(3))
        X.append(rng.multivariate_normal(c, covs[-1], size=150 + 50 * i))
    return np.concatenate(X), centres


def test_gaussian_log_prob_matches_scipy_and_torch(blobs):
    X, centres = blobs
    gmm = GaussianMixture(4, means_init=centres + 0.5).fit(X)
    comps = np.stack(
        [
            scipy.stats.multivariate_normal(gmm.means_[k], gmm.covariances_[k]).logpdf(X)
            for k in range(4)
        ],
        axis=1,
    )
    expected = scipy.special.logsumexp(comps + np.log(gmm.weights_), axis=1)
    np.testing.assert_allclose(gmm.log_prob(X), expected, rtol=1e-10)
    mix = torch.distributions.MixtureSameFamily(
        torch.distributions.Categorical(probs=torch.tensor(gmm.weights_)),
        torch.distributions.MultivariateNormal(
            torch.tensor(gmm.means_), covariance_matrix=torch.tensor(gmm.covariances_)
        ),
    )
    np.testing.assert_allclose(gmm.log_prob(X), mix.log_prob(torch.tensor(X)).numpy(), rtol=1e-10)
    post = np.exp(comps + np.log(gmm.weights_) - expected[:, None])
    np.testing.assert_allclose(gmm.predict_proba(X), post, atol=1e-10)


def test_gaussian_matches_sklearn_from_same_means_init(blobs):
    X, centres = blobs
    means_init = centres + np.array([0.8, -0.6, 0.4])
    ours = GaussianMixture(4, means_init=means_init, tol=1e-10, max_iter=2000).fit(X)
    ref = SkGaussianMixture(
        4, covariance_type="full", means_init=means_init, tol=1e-10, max_iter=2000, reg_covar=1e-6
    ).fit(X)
    assert ours.converged_ and ref.converged_
    assert ours.score(X) == pytest.approx(ref.score(X), rel=1e-6)
    order = np.argsort(ours.means_[:, 0])
    ref_order = np.argsort(ref.means_[:, 0])
    np.testing.assert_allclose(ours.means_[order], ref.means_[ref_order], atol=1e-4)


def test_gaussian_follows_sklearn_step_by_step(blobs):
    """From identical weights, means and covariances, every EM iterate is sklearn's."""
    X, centres = blobs
    start = GaussianMixture(4, means_init=centres - 1.0, max_iter=0).fit(X)
    assert len(start.log_likelihood_) == 1 and start.n_iter_ == 0
    kwargs = {"means_init": centres - 1.0, "weights_init": start.weights_}
    ours = GaussianMixture(4, covariances_init=start.covariances_, tol=0.0, max_iter=15, **kwargs)
    ref = SkGaussianMixture(
        4, precisions_init=np.linalg.inv(start.covariances_), tol=0.0, max_iter=15, **kwargs
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns that 15 iterations did not converge
        ref.fit(X)
    ours.fit(X)
    np.testing.assert_allclose(ours.log_likelihood_[:15], ref.lower_bounds_, rtol=1e-10)
    assert ours.score(X) == pytest.approx(ref.score(X), rel=1e-10)
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, rtol=1e-7, atol=1e-10)


def test_gaussian_em_monotone_and_single_component_mle(blobs):
    X, _ = blobs
    gmm = GaussianMixture(4, random_state=0, max_iter=300).fit(X)
    ll = np.array(gmm.log_likelihood_)
    assert np.diff(ll).min() >= -1e-12 * abs(ll[-1])
    one = GaussianMixture(1, reg_covar=0.0).fit(X)
    np.testing.assert_allclose(one.means_[0], X.mean(0))
    np.testing.assert_allclose(one.covariances_[0], np.cov(X.T, bias=True))
    assert one.num_params() == 3 + 6
    ref = SkGaussianMixture(4, covariance_type="full")
    ref.means_ = gmm.means_
    assert gmm.num_params() == ref._n_parameters()  # scikit-learn's count, used by its BIC


def test_gaussian_sampling_moments(blobs):
    X, centres = blobs
    gmm = GaussianMixture(4, means_init=centres).fit(X)
    n = 80_000
    S, z = gmm.sample(n, np.random.default_rng(6), return_latents=True)
    assert S.shape == (n, 3) and z.shape == (n,)
    np.testing.assert_allclose(np.bincount(z, minlength=4) / n, gmm.weights_, atol=0.01)
    k = int(np.argmax(gmm.weights_))
    np.testing.assert_allclose(S[z == k].mean(0), gmm.means_[k], atol=0.05)
    np.testing.assert_allclose(np.cov(S[z == k].T), gmm.covariances_[k], atol=0.1)


def test_collapsing_and_empty_components_stay_finite():
    rng = np.random.default_rng(7)
    X = np.concatenate([np.tile([[1.0, 2.0]], (20, 1)), rng.normal(size=(60, 2))])
    # one component sits on the 20 identical points: its covariance would be singular
    gmm = GaussianMixture(3, means_init=[[1.0, 2.0], [0.0, 0.0], [0.5, -0.5]]).fit(X)
    assert np.isfinite(gmm.log_likelihood_).all() and np.isfinite(gmm.log_prob(X)).all()
    assert np.linalg.eigvalsh(gmm.covariances_).min() >= 1e-6 * (1 - 1e-9)
    # a component far from every point receives no responsibility at all
    far = GaussianMixture(2, means_init=[[0.0, 0.0], [1e4, 1e4]]).fit(X)
    assert far.weights_[1] < 1e-12
    assert np.isfinite(far.means_).all() and np.isfinite(far.log_prob(X)).all()
    assert np.allclose(far.predict_proba(X).sum(1), 1)


# ------------------------------------------------------------------------- bad inputs
def test_bad_hyperparameters_are_refused_by_fit():
    """Stored as given (scikit-learn's contract), checked when fit runs."""
    with pytest.raises(TypeError, match="n_components must be an integer, got float 2.5"):
        BernoulliMixture(2.5).fit(np.eye(3))
    with pytest.raises(TypeError, match="n_components must be an integer"):
        GaussianMixture("3").fit(np.eye(3))
    with pytest.raises(TypeError, match="n_components must be an integer"):
        BernoulliMixture(True).fit(np.eye(3))
    with pytest.raises(ValueError, match="n_components must be at least 1, got 0"):
        GaussianMixture(0).fit(np.eye(3))
    with pytest.raises(ValueError, match="alpha must be >= 0.0, got -1.0"):
        BernoulliMixture(2, alpha=-1.0).fit(np.eye(3))
    with pytest.raises(ValueError, match="reg_covar must be >= 0.0"):
        GaussianMixture(2, reg_covar=-1e-3).fit(np.eye(3))
    with pytest.raises(TypeError, match="random_state must be a numpy.random.Generator"):
        BernoulliMixture(2, random_state="seed").fit(np.eye(3))
    with pytest.raises(ValueError, match=r"means_init of shape \(2, n_features\).*got \(3, 2\)"):
        GaussianMixture(2, means_init=np.zeros((3, 2))).fit(np.eye(3))
    with pytest.raises(ValueError, match="positive definite"):
        GaussianMixture(1, covariances_init=-np.eye(2)[None]).fit(np.eye(3))
    with pytest.raises(ValueError, match="covariances_init is for 3 features but means_init for 2"):
        GaussianMixture(1, means_init=[[0.0, 0.0]], covariances_init=np.eye(3)[None]).fit(np.eye(3))
    with pytest.raises(ValueError, match="weights_init must sum to 1"):
        GaussianMixture(2, weights_init=[0.5, 0.6]).fit(np.eye(3))


def test_bad_training_data():
    with pytest.raises(
        ValueError, match=r"Expected X of shape \(n_samples, n_features\), got \(64,\)"
    ):
        BernoulliMixture(2).fit(np.zeros(64))
    with pytest.raises(
        ValueError, match=r"must be binary \(0/1 values\), got values such as \[2.0\]"
    ):
        BernoulliMixture(2).fit(np.array([[0, 1], [2, 1]]))
    with pytest.raises(ValueError, match=r"X contains NaN or .* first at \[1, 0\].*fit needs"):
        BernoulliMixture(2).fit(np.array([[0, 1], [np.nan, 1]]))
    with pytest.raises(ValueError, match=r"X contains NaN or infinite values"):
        GaussianMixture(1).fit(np.array([[0.0, 1.0], [np.inf, 1.0]]))
    with pytest.raises(
        ValueError, match=r"n_components=5 is larger than the number of samples \(3\)"
    ):
        GaussianMixture(5).fit(np.zeros((3, 2)))
    with pytest.raises(
        ValueError, match=r"n_components=4 is larger than the number of samples \(2\)"
    ):
        BernoulliMixture(4).fit(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="X must hold numbers"):
        GaussianMixture(1).fit(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match=r"Expected X of shape \(n_samples, 2\), got \(4, 3\)"):
        GaussianMixture(1, means_init=[[0.0, 0.0]]).fit(np.zeros((4, 3)))


def test_unfitted_and_mismatched_use(small_bmm):
    for model in (BernoulliMixture(2), GaussianMixture(2)):
        name = type(model).__name__
        msg = f"This {name} instance is not fitted yet; call fit\\(X\\) first."
        for call in (
            lambda m=model: m.predict(np.zeros((1, 2))),
            lambda m=model: m.log_prob(np.zeros((1, 2))),
            lambda m=model: m.sample(3, np.random.default_rng(0)),
            lambda m=model: m.num_params(),
        ):
            with pytest.raises(ValueError, match=msg):
                call()
    model, _ = small_bmm
    with pytest.raises(ValueError, match=r"Expected X of shape \(n_samples, 6\), got \(1, 64\)"):
        model.log_prob(np.zeros((1, 64)))
    with pytest.raises(ValueError, match=r"got \(6,\). For one image use x\[None, :\]"):
        model.predict_proba(np.zeros(6))
    with pytest.raises(ValueError, match="must be binary"):
        model.log_prob(np.full((1, 6), 0.5))
    with pytest.raises(TypeError, match="hidden_mask must be boolean"):
        model.conditional_mean(np.zeros((1, 6)), hidden=np.array([1, 0, 0, 0, 0, 0]))
    with pytest.raises(ValueError, match=r"Expected hidden_mask of shape \(6,\) or \(1, 6\)"):
        model.conditional_mean(np.zeros((1, 6)), hidden=np.zeros(5, dtype=bool))
    with pytest.raises(TypeError, match="needs rng"):
        model.sample_conditional(np.zeros((1, 6)), np.ones(6, dtype=bool))
    with pytest.raises(ValueError, match="n must be at least 0, got -1"):
        model.sample(-1, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        model.sample(2, rng=None)


# ------------------------------------------------------- chapter 1 exercises (checkers)
def test_chapter1_exercise_answers_are_accepted(digits):
    from sklearn.metrics import roc_auc_score

    is_correct = du.exercises.is_correct
    X_train, X_test, _, _ = digits
    # the two-pixel mixture of the exercises, with its parameters set by hand
    tiny = BernoulliMixture(2)
    tiny.weights_, tiny.means_ = np.array([0.5, 0.5]), np.array([[0.9, 0.9], [0.1, 0.5]])
    assert is_correct("ch01-posterior-by-hand", tiny.predict_proba(np.array([[1, 0]]))[0, 0])
    filled = tiny.conditional_mean(np.array([[1, 0]]), hidden=np.array([False, True]))
    assert is_correct("ch01-conditional-by-hand", filled[0, 1])
    assert not is_correct("ch01-conditional-by-hand", 0.7)  # the marginal p(x_2 = 1)
    model = BernoulliMixture(30, random_state=0).fit(X_train)
    images = X_test.reshape(-1, 8, 8)
    left = np.zeros_like(images)
    left[:, :, :-1] = images[:, :, 1:]
    labels = np.r_[np.ones(len(X_test)), np.zeros(len(X_test))]
    scores = np.r_[model.log_prob(X_test), model.log_prob(left.reshape(-1, 64))]
    assert is_correct("ch01-shift-left-auc", roc_auc_score(labels, scores))


def test_hidden_is_the_former_name_of_hidden_mask(small_bmm):
    """Chapter 1's solution writes conditional_mean(x, hidden=...): the old keyword gives the
    same completions as hidden_mask (hidden now always counts hidden units elsewhere)."""
    model, _ = small_bmm
    x = np.zeros((2, model.means_.shape[1]))
    mask = np.zeros(x.shape[1], dtype=bool)
    mask[::2] = True
    np.testing.assert_array_equal(
        model.conditional_mean(x, hidden=mask), model.conditional_mean(x, hidden_mask=mask)
    )
    a = model.sample_conditional(x, hidden=mask, n_samples=3, rng=np.random.default_rng(0))
    b = model.sample_conditional(x, mask, n_samples=3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="not both"):
        model.conditional_mean(x, mask, hidden=mask)
