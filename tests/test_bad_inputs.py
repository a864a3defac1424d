"""Malformed inputs across the package: each gets a ValueError or TypeError that names the
argument, says what was expected and what arrived (never numpy's or torch's own error, a
ZeroDivisionError, a MemoryError or a silent NaN)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import dgm_utils as du  # noqa: E402
from dgm_utils import classifiers as clf  # noqa: E402
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
        clf.calibration_curve(y, p)


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
