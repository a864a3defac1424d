"""Malformed inputs across the package: each gets a ValueError or TypeError that names the
argument, says what was expected and what arrived (never numpy's or torch's own error, a
ZeroDivisionError, a MemoryError or a silent NaN)."""

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import dgm_utils as du  # noqa: E402
from dgm_utils.training import train  # noqa: E402

X4 = np.array([[0, 1], [1, 0], [1, 1], [0, 0]])
CLASSIFIERS = [du.BernoulliNaiveBayes, du.GaussianNaiveBayes, du.LogisticRegression]


# ------------------------------------------------------------------ plotting


@pytest.mark.parametrize("images", ["abc", None, [["a", "b"]]])
def test_show_images_refuses_non_numbers(images):
    with pytest.raises(TypeError, match=r"images must be an array .*got (str|NoneType|list)"):
        du.show_images(images)


# ------------------------------------------------------------------ training


@pytest.mark.parametrize("which", ["X_train", "X_val"])
def test_train_refuses_empty_data(which):
    data = {"X_train": np.zeros((4, 8)), "X_val": np.zeros((2, 8))}
    data[which] = np.zeros((0, 8))
    with pytest.raises(ValueError, match=rf"{which} has 0 samples \(shape \(0, 8\)\)"):
        train(du.FVSBN(8), data["X_train"], data["X_val"], epochs=1, progress=False)


@pytest.mark.parametrize(
    "device, error, match",
    [
        ("tpu", ValueError, r"device must be one of 'cpu', 'cuda'.*got 'tpu'"),
        ("gpu:0", ValueError, r"device must be one of .*got 'gpu:0'"),
        (3, TypeError, r"device must be a string .* or a torch.device, got int 3"),
        (None if torch.cuda.is_available() else "cuda", ValueError, "CUDA, which is not avail"),
    ],
)
def test_train_validates_device(device, error, match):
    if device is None:
        pytest.skip("CUDA is available here")
    with pytest.raises(error, match=match):
        train(du.FVSBN(4), np.zeros((4, 4)), epochs=1, device=device, progress=False)


# ------------------------------------------------------------------ mixtures


def test_gaussian_mixture_nan_covariances_init_is_named_as_such():
    with pytest.raises(
        ValueError, match=r"covariances_init must be finite, got nan at \[0, 0, 0\]"
    ):
        du.GaussianMixture(1, covariances_init=[[[np.nan, 0], [0, 1]]]).fit(np.eye(2))


def test_gaussian_mixture_refuses_values_whose_squares_overflow():
    X = [[1e200, 0], [0, 1], [1, 0], [2, 2]]
    with pytest.raises(ValueError, match=r"X has values too large .* feature 0 reaches 1e\+200"):
        du.GaussianMixture(2).fit(X)
    # Large but representable: fitted, finite.
    model = du.GaussianMixture(2).fit(np.array(X) / 1e200 * 1e100)
    assert np.isfinite(model.log_prob(np.array(X) * 1e-100)).all()


@pytest.mark.parametrize(
    "make", [lambda: du.GaussianMixture(1), lambda: du.BernoulliMixture(1)], ids=["gmm", "bmm"]
)
def test_mixtures_refuse_zero_features(make):
    with pytest.raises(ValueError, match=r"X has 0 feature\(s\) \(shape=\(4, 0\)\)"):
        make().fit(np.zeros((4, 0)))


# ------------------------------------------------------------------ classifiers


@pytest.mark.parametrize("make", CLASSIFIERS)
@pytest.mark.parametrize(
    "y, match",
    [
        ([0, "a", 0, "a"], "y must hold labels of one kind .* got numbers and strings"),
        (np.array([0, None, 1, 1], dtype=object), r"y contains None \(first at \[1\]\)"),
        (np.array([0, "a", 1, 1], dtype=object), "got numbers and strings"),
    ],
)
def test_classifiers_refuse_mixed_or_missing_labels(make, y, match):
    with pytest.raises(TypeError, match=match):
        make().fit(X4, y)


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_classifiers_refuse_zero_features(make):
    with pytest.raises(ValueError, match=r"X has 0 feature\(s\) \(shape=\(4, 0\)\)"):
        make().fit(np.zeros((4, 0)), [0, 1, 0, 1])


@pytest.mark.parametrize("alpha", [1e300, 1e308])
def test_huge_alpha_gives_the_limit_not_nan(alpha):
    """theta = (N + alpha) / (N + 2 alpha) -> 1/2: every posterior is the class prior."""
    y = [0, 1, 1, 1]
    nb = du.BernoulliNaiveBayes(alpha=alpha).fit(X4, y)
    np.testing.assert_allclose(np.exp(nb.feature_log_prob_), 0.5)
    np.testing.assert_allclose(nb.predict_proba(X4), np.tile([0.25, 0.75], (4, 1)))
    np.testing.assert_allclose(du.IndependentBernoulli(alpha=alpha).fit(X4).probs_, 0.5)
    chain = du.BinaryMarkovChain(alpha=alpha).fit(X4)
    np.testing.assert_allclose(chain.transition_probs_, 0.5)
    assert chain.initial_prob_ == pytest.approx(0.5)


@pytest.mark.parametrize(
    "y, p, error, match",
    [
        ([0, 1], [np.nan, 0.5], ValueError, r"prob contains NaN, first at \[0\]"),
        ([0, 2], [0.1, 0.5], ValueError, r"y_true must hold 0/1 labels.*such as \[2\]"),
        ([0, 1], [0.1, 1.5], ValueError, r"prob must hold probabilities in \[0, 1\], got 1.5"),
        ([0, 1], [[0.1, 0.9], [0.5, 0.5]], ValueError, r"Expected prob of shape \(n_samples,\)"),
        ([0, 1], "ab", TypeError, "prob must be an array of probabilities, got str"),
    ],
)
def test_calibration_curve_bad_inputs(y, p, error, match):
    with pytest.raises(error, match=match):
        du.calibration_curve(y, p)


# ------------------------------------------------------------------ sampling too much


def _fitted_samplers():
    X = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]])
    rng = np.random.default_rng(0)
    return {
        "IndependentBernoulli": lambda n: du.IndependentBernoulli().fit(X).sample(n, rng),
        "BinaryMarkovChain": lambda n: du.BinaryMarkovChain().fit(X).sample(n, rng),
        "BernoulliMixture": lambda n: du.BernoulliMixture(2).fit(X).sample(n, rng),
        "GaussianMixture": lambda n: du.GaussianMixture(1).fit(X + 0.1 * X.T).sample(n, rng),
        "BayesianNetwork": lambda n: du.student_network().sample(n, rng),
        "FVSBN": lambda n: du.FVSBN(3).sample(n),
        "NADE": lambda n: du.NADE(3, hidden=4).sample(n),
        "VAE": lambda n: du.VAE(n_features=3, z_dim=2, hidden=(4,)).sample(n),
    }


@pytest.mark.parametrize("name", list(_fitted_samplers()))
def test_sampling_more_than_memory_is_refused_up_front(name):
    sample = _fitted_samplers()[name]
    with pytest.raises(
        ValueError, match=r"n(_samples)?=10,000,000,000,000 samples would need about"
    ):
        sample(10**13)
    assert len(sample(5)) == 5 or len(sample(5)[0]) == 5  # ordinary sizes still work


# ------------------------------------------------------------------ issue 20's cases


def _vae():
    torch.manual_seed(0)
    return du.VAE(64, 2, 8)


ISSUE_20_CASES = [
    (lambda: du.FVSBN(4).log_prob(np.zeros((2, 4)) + 0j), TypeError, "x must be"),
    (lambda: du.GaussianNaiveBayes().fit(np.ones((4, 2)) + 1j, [0, 1, 0, 1]), ValueError, "real"),
    (lambda: train(du.FVSBN(4), np.zeros((8, 4)) + 0j, progress=False), TypeError, "X_train"),
    (
        lambda: du.gaussian_m_step(np.zeros((2, 1)), np.array([[1.5, -0.5], [0.5, 0.5]])),
        ValueError,
        "resp .* negative",
    ),
    (
        lambda: du.gaussian_m_step(np.zeros((2, 1)), np.array([[np.nan, 1.0], [0.5, 0.5]])),
        ValueError,
        "resp contains NaN",
    ),
    (
        lambda: du.gaussian_m_step(np.zeros((2, 1)), np.eye(2), reg_covar=-1.0),
        ValueError,
        "reg_covar must be >= 0",
    ),
    (lambda: _vae().sample(2, return_latents="yes"), TypeError, "return_latents must be True"),
    (lambda: du.calibration_curve([], []), ValueError, "at least one prediction"),
    (lambda: _vae().iwae_bound(torch.zeros(2, 64), 10**12), ValueError, "k=.*memory"),
    (lambda: _vae().elbo(torch.zeros(2, 64), n_samples=10**9), ValueError, "n_samples=.*memory"),
    (lambda: du.FVSBN(10**6), ValueError, "FVSBN.*memory"),
    (
        lambda: du.learning_curves(
            [du.GaussianNaiveBayes], X4, [0, 1, 0, 1], X4, [0, 1, 0, 1], [2], 1, rng=0
        ),
        TypeError,
        "models must be a non-empty dict",
    ),
    (lambda: train(du.FVSBN(2), X4, grad_step=1e30, progress=False), ValueError, "grad_step"),
]


@pytest.mark.parametrize(("make", "error", "match"), ISSUE_20_CASES)
def test_issue_20_malformed_inputs_get_named_errors_quickly(make, error, match):
    import time

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # grad_step is also deprecated
        with pytest.raises(error, match=match):
            make()
    assert time.perf_counter() - start < 1.0  # refused before any work


def test_fuzz_public_api_gets_a_named_error_or_a_finite_result():
    """Random malformed arrays (shapes, dtypes, values) thrown at every model's main
    method: each call either returns finite numbers or raises ValueError/TypeError whose
    message names the argument."""
    rng = np.random.default_rng(20)
    X = (rng.random((40, 4)) < 0.5).astype(float)
    y = np.arange(40) % 2
    fitted = {
        "BernoulliNaiveBayes.predict_proba": du.BernoulliNaiveBayes().fit(X, y).predict_proba,
        "GaussianNaiveBayes.predict_proba": du.GaussianNaiveBayes().fit(X, y).predict_proba,
        "LogisticRegression.predict_proba": du.LogisticRegression().fit(X, y).predict_proba,
        "BernoulliMixture.log_prob": du.BernoulliMixture(2, random_state=0).fit(X).log_prob,
        "GaussianMixture.log_prob": du.GaussianMixture(2, random_state=0).fit(X).log_prob,
        "IndependentBernoulli.log_prob": du.IndependentBernoulli().fit(X).log_prob,
        "BinaryMarkovChain.log_prob": du.BinaryMarkovChain().fit(X).log_prob,
        "FVSBN.log_prob": du.FVSBN(4).log_prob,
        "NADE.log_prob": du.NADE(4, 3, rng=torch.Generator().manual_seed(0)).log_prob,
        "VAE.elbo": du.VAE(4, 1, 3).elbo,
    }
    candidates = [
        lambda: rng.random((3, 4)),  # not binary
        lambda: (rng.random((3, 4)) < 0.5).astype(float),  # fine
        lambda: rng.random((3, 5)),  # wrong width
        lambda: rng.random(4),  # 1-D
        lambda: rng.random((3, 4)) + 1j,  # complex
        lambda: np.full((3, 4), np.inf),
        lambda: np.full((3, 4), "a"),
        lambda: None,
        lambda: np.zeros((0, 4)),
        lambda: (rng.random((3, 4)) < 0.5).astype(np.uint8),
        lambda: torch.zeros(3, 4),
        lambda: [[0, 1, 1, 0]],
        lambda: rng.normal(0, 1e200, (3, 4)),
    ]
    for name, method in fitted.items():
        for make in candidates:
            data = make()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", RuntimeWarning)  # no silent overflow/NaN
                    out = method(data)
            except (ValueError, TypeError) as exc:
                message = str(exc)
                assert re.search(r"\b(X|x)\b", message), (name, type(data), message)
                continue
            out = out.detach().numpy() if isinstance(out, torch.Tensor) else np.asarray(out)
            # a log-density of a point 1e200 away underflows to -inf: the float answer
            assert not np.isnan(out).any() and not (out == np.inf).any(), (name, out)


@pytest.mark.parametrize(
    "make",
    [
        du.IndependentBernoulli,
        du.BinaryMarkovChain,
        lambda: du.BernoulliMixture(2, random_state=0),
        lambda: du.GaussianMixture(1),
        du.BernoulliNaiveBayes,
        du.GaussianNaiveBayes,
        du.LogisticRegression,
    ],
)
def test_dataframe_columns_are_read_by_name_not_position(make):
    pd = pytest.importorskip("pandas")
    X = np.array([[0, 1, 1], [1, 0, 1], [1, 1, 0], [0, 0, 1]] * 3)
    df = pd.DataFrame(X, columns=["a", "b", "c"])
    model = make()
    model.fit(df, np.arange(12) % 2) if hasattr(model, "predict_proba") and not hasattr(
        model, "log_prob"
    ) else model.fit(df)
    assert list(model.feature_names_in_) == ["a", "b", "c"]
    method = getattr(model, "log_prob", None) or model.predict_proba
    with pytest.raises(ValueError, match="feature names should match"):
        method(df[["c", "b", "a"]])
