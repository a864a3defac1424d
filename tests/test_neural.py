"""Tests of dgm_utils.neural: the zero-hidden-layer network against scikit-learn's logistic
regression, parameter counts against the lecture's formulas, XOR, and bad inputs."""

import numpy as np
import pytest
import torch
from scipy.stats import norm
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

from dgm_utils import exercises
from dgm_utils.neural import NeuralClassifier, make_xor

X4, Y4 = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]), [0, 1, 1, 0]


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_make_xor_labels_and_reproducibility():
    X, y = make_xor(400, noise=0.0, rng=np.random.default_rng(0))
    assert X.shape == (400, 2) and y.shape == (400,) and y.dtype == np.int64
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))  # exact XOR
    assert y.mean() == 0.5
    X1, _ = make_xor(50, rng=np.random.default_rng(3))
    X2, _ = make_xor(50, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(X1, X2)


def test_make_xor_label_noise_matches_the_bayes_error():
    """A point keeps its blob's quadrant-label iff both coordinates keep or both flip sign."""
    noise = 0.5
    X, y = make_xor(40_000, noise=noise, rng=np.random.default_rng(1))
    bayes = norm.cdf(1 / noise) ** 2 + norm.sf(1 / noise) ** 2
    agree = np.mean((X[:, 0] * X[:, 1] < 0) == y)
    assert agree == pytest.approx(bayes, abs=0.01)


def test_no_hidden_layer_is_logistic_regression():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((300, 2))
    y = (rng.random(300) < 1 / (1 + np.exp(-(0.5 + 2 * X[:, 0] - X[:, 1])))).astype(int)
    ours = NeuralClassifier(
        2, hidden=(), epochs=1500, lr=0.05, random_state=0, dtype=torch.float64
    ).fit(X, y)
    ref = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(X, y)
    np.testing.assert_allclose(ours.output.weight.detach().numpy()[0], ref.coef_[0], atol=2e-3)
    assert ours.output.bias.item() == pytest.approx(ref.intercept_[0], abs=2e-3)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-3)


@pytest.mark.parametrize(
    ("d", "hidden", "expected"),
    [
        (2, (), {"alpha": 3}),
        (2, (4,), {"A": 8, "b": 4, "alpha": 5}),
        (3, (5, 2), {"A1": 15, "b1": 5, "A2": 10, "b2": 2, "alpha": 3}),
    ],
)
def test_param_counts_follow_the_lecture(d, hidden, expected):
    net = NeuralClassifier(d, hidden)
    assert net.param_counts() == expected
    assert net.num_params() == sum(expected.values())


def test_hidden_layer_solves_xor_where_logistic_regression_cannot():
    X, y = make_xor(400, noise=0.3, rng=np.random.default_rng(0))
    X_test, y_test = make_xor(1000, noise=0.3, rng=np.random.default_rng(1))
    linear = NeuralClassifier(2, hidden=(), random_state=0).fit(X, y)
    net = NeuralClassifier(2, hidden=(8,), activation="relu", random_state=0).fit(X, y)
    assert linear.score(X_test, y_test) < 0.6
    assert net.score(X_test, y_test) > 0.95
    assert net.history_.train_loss[-1] < 0.2 < linear.history_.train_loss[-1]


def test_outputs_are_distributions_and_probabilities():
    net = NeuralClassifier(2, (3,), activation="sigmoid", epochs=1, random_state=0)
    x = torch.zeros(5, 2)
    with pytest.raises(NotFittedError, match="not fitted yet"):  # the layers are built in fit
        net.conditional(x)
    net.fit(np.eye(2), [0, 1])
    dist = net.conditional(x)
    assert isinstance(dist, torch.distributions.Bernoulli) and dist.batch_shape == (5,)
    proba = net.predict_proba(np.ones((5, 2)))
    assert proba.shape == (5, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert net.predict(np.ones((5, 2))).dtype == np.int64


def test_same_random_state_same_network_and_any_labels():
    X, y = make_xor(40, rng=np.random.default_rng(0))
    a = NeuralClassifier(hidden=(4,), epochs=20, random_state=5).fit(X, y)
    b = NeuralClassifier(hidden=(4,), epochs=20, random_state=5).fit(X, np.where(y, "yes", "no"))
    c = NeuralClassifier(hidden=(4,), epochs=20, random_state=6).fit(X, y)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)  # "yes" sorts after "no", as 1 after 0
    assert not all(torch.equal(p, q) for p, q in zip(a.parameters(), c.parameters(), strict=True))
    assert b.classes_.tolist() == ["no", "yes"]
    np.testing.assert_array_equal(b.predict(X), np.where(a.predict(X), "yes", "no"))


def test_deprecated_generator_and_seed_warn_and_still_work():
    X, y = make_xor(40, rng=np.random.default_rng(0))
    new = NeuralClassifier(hidden=(4,), epochs=5, random_state=3).fit(X, y)
    with pytest.warns(FutureWarning, match="random_state"):
        old = NeuralClassifier(hidden=(4,), epochs=5, generator=gen(3)).fit(X, y)
    for p, q in zip(new.parameters(), old.parameters(), strict=True):
        assert torch.equal(p, q)
    with pytest.warns(FutureWarning, match="random_state"):
        NeuralClassifier(hidden=(4,), epochs=5, seed=1).fit(X, y)


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (
            lambda: NeuralClassifier(2, hidden=8).fit(X4, Y4),
            TypeError,
            r"sequence of layer widths.*\(\)",
        ),
        (lambda: NeuralClassifier(2, hidden=(4, 0)).fit(X4, Y4), ValueError, "at least 1"),
        (
            lambda: NeuralClassifier(2, activation="softplus").fit(X4, Y4),
            ValueError,
            "'activation' parameter",
        ),
        (lambda: NeuralClassifier(0).fit(X4, Y4), ValueError, "'n_features' parameter.*Got 0"),
        (lambda: NeuralClassifier(2, generator=1).fit(X4, Y4), TypeError, "torch.Generator"),
        (lambda: NeuralClassifier(2).fit(np.zeros((4, 3)), [0, 1, 0, 1]), ValueError, "3 features"),
        (
            lambda: NeuralClassifier(2).fit(np.zeros((4, 2)), [0, 1, 2, 1]),
            ValueError,
            "exactly 2 classes",
        ),
        (lambda: NeuralClassifier(2).fit(X4, [0.1, 0.2, 0.3, 0.4]), ValueError, "continuous"),
        (
            lambda: NeuralClassifier(2).fit(np.zeros((4, 2)), [0, 1]),
            ValueError,
            "inconsistent numbers",
        ),
        (lambda: NeuralClassifier(2).fit(X4, Y4).predict_proba(np.zeros(2)), ValueError, r"shape"),
        (lambda: NeuralClassifier(2).predict_proba(X4), NotFittedError, "not fitted yet"),
        (lambda: NeuralClassifier().param_counts(), NotFittedError, "pass n_features"),
        (lambda: make_xor(10, rng=None), TypeError, "numpy.random.Generator"),
        (lambda: make_xor(0, rng=np.random.default_rng(0)), ValueError, "at least 1"),
    ],
)
def test_bad_inputs(make, error, match):
    """Arguments are stored as given (scikit-learn's contract) and refused by fit."""
    with pytest.raises(error, match=match):
        make()


def test_exercise_min_hidden_units_for_xor():
    # Two units suffice to represent XOR: h1 = relu(x1 - x2), h2 = relu(x2 - x1) and
    # alpha = (k, k), alpha_0 = -k/2 separate the noiseless blobs.
    net = NeuralClassifier(2, (2,), activation="relu", epochs=1).fit(np.eye(2), [0, 1])
    # fit builds the layers; their weights are then set by hand
    with torch.no_grad():
        net.layers[0].weight.copy_(torch.tensor([[1.0, -1.0], [-1.0, 1.0]]))
        net.layers[0].bias.zero_()
        net.output.weight.copy_(torch.tensor([[10.0, 10.0]]))
        net.output.bias.fill_(-5.0)
    X, y = make_xor(100, noise=0.0, rng=np.random.default_rng(0))
    assert net.score(X, y) == 1.0
    assert exercises.is_correct("ch06-xor-hidden", 2)
