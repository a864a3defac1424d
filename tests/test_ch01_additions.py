"""Chapter 1's new exercises: the stored answers agree with independent computations."""

import numpy as np

import dgm_utils as du
from dgm_utils.exercises import is_correct


def _mixture_log_prob(weights, means, X):
    # log p(x) = log sum_k pi_k prod_d mu^x (1 - mu)^(1 - x), written out with numpy
    X = np.asarray(X, dtype=float)
    log_px_z = X @ np.log(means).T + (1 - X) @ np.log1p(-means).T
    a = np.log(weights) + log_px_z
    top = a.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(a - top).sum(axis=1, keepdims=True)))[:, 0]


def test_chapter_1_new_exercise_answers():
    X_train, X_test, _, _ = du.load_binarized_digits()
    model = du.BernoulliMixture(30, random_state=0).fit(X_train)
    blank = _mixture_log_prob(model.weights_, model.means_, np.zeros((1, 64)))[0]
    assert np.isclose(blank, model.log_prob(np.zeros((1, 64), dtype=np.uint8))[0])
    assert is_correct("ch01-blank-image", round(float(blank), 1))
    assert not is_correct("ch01-blank-image", float(model.score(X_test)))

    # expected accuracy of one sampled completion, from the posterior over z by hand
    hidden = np.zeros((8, 8), dtype=bool)
    hidden[4:] = True
    hidden = hidden.ravel()
    Xv = X_test[:, ~hidden].astype(float)
    mu_v, mu_h = model.means_[:, ~hidden], model.means_[:, hidden]
    a = np.log(model.weights_) + Xv @ np.log(mu_v).T + (1 - Xv) @ np.log1p(-mu_v).T
    post = np.exp(a - a.max(axis=1, keepdims=True))
    post /= post.sum(axis=1, keepdims=True)
    m = post @ mu_h
    x = X_test[:, hidden]
    expected = float(np.mean(x * m + (1 - x) * (1 - m)))
    assert is_correct("ch01-sample-accuracy", expected)
    thresholded = float(np.mean((m > 0.5) == x))
    assert expected < thresholded
    assert not is_correct("ch01-sample-accuracy", thresholded)
