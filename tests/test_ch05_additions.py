"""Independent checks of chapter 5's added exercises and of the facts its new sections show."""

import numpy as np
from scipy.special import expit, log_expit
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

import dgm_utils as du
from dgm_utils.exercises import is_correct


def test_sigmoid_slope_answer_by_finite_difference():
    z, h = np.log(3.0), 1e-6
    slope = (expit(z + h) - expit(z - h)) / (2 * h)
    assert is_correct("ch05-sigmoid-slope", slope)
    assert not is_correct("ch05-sigmoid-slope", expit(z))


def _log_likelihood(X, y, coef, intercept):
    z = X @ coef + intercept
    return np.sum(y * log_expit(z) + (1 - y) * log_expit(-z))


def test_duplicate_feature_only_the_sum_is_identified():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(200, 1))
    X = np.hstack([x, x, rng.integers(0, 2, size=(200, 1))])  # column 1 copies column 0
    y = rng.integers(0, 2, size=200)
    splits = [(3.1, -0.7), (1.2, 1.2), (2.4, 0.0)]
    lls = [_log_likelihood(X, y, np.array([a, b, 0.5]), -0.3) for a, b in splits]
    np.testing.assert_allclose(lls, lls[0], rtol=1e-12)
    assert is_correct("ch05-duplicate-identified", (3.1 - 0.7) / 2)
    assert not is_correct("ch05-duplicate-identified", 3.1 - 0.7)
    # An L2-penalised fit (scikit-learn, the reference) splits the duplicated weight evenly.
    fit = SkLogisticRegression(C=1.0, tol=1e-10, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(fit.coef_[0, 0], fit.coef_[0, 1], rtol=1e-6)


def test_logistic_rate_of_change_matches_finite_difference():
    rng = np.random.default_rng(1)
    X = rng.integers(0, 2, size=(300, 5))
    y = (X @ np.array([2.0, -1.0, 0.5, 0.0, 1.0]) + rng.normal(size=300) > 1).astype(int)
    lr = du.LogisticRegression(l2=1.0).fit(X, y)
    x = rng.normal(size=5)
    p = lr.predict_proba(x[None, :])[0, 1]
    h = 1e-6
    grad = [
        (
            lr.predict_proba((x + h * e)[None, :])[0, 1]
            - lr.predict_proba((x - h * e)[None, :])[0, 1]
        )
        / (2 * h)
        for e in np.eye(5)
    ]
    np.testing.assert_allclose(grad, p * (1 - p) * lr.coef_[0], atol=1e-8)


def test_mixture_posterior_is_naive_bayes_posterior():
    rng = np.random.default_rng(2)
    X = rng.integers(0, 2, size=(100, 6))
    y = rng.integers(0, 2, size=100)
    nb = du.BernoulliNaiveBayes(alpha=1.0).fit(X, y)
    mixture = du.BernoulliMixture(n_components=2)
    mixture.weights_ = np.exp(nb.class_log_prior_)
    mixture.means_ = np.exp(nb.feature_log_prob_)
    np.testing.assert_allclose(mixture.predict_proba(X), nb.predict_proba(X), rtol=0, atol=1e-12)
