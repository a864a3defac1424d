"""Tests of the public code chapter 7 shows: the M-step of a Gaussian mixture."""

import numpy as np
from sklearn.mixture import GaussianMixture as SkGaussianMixture

import dgm_utils as du
from dgm_utils.mixtures import gaussian_m_step


def _data_and_resp(seed=0, n=200, d=2, k=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) + rng.integers(0, 3, size=(n, 1)) * 2.0
    resp = rng.dirichlet(np.ones(k), size=n)
    return X, resp


def test_gaussian_m_step_matches_a_brute_force_weighted_fit():
    X, resp = _data_and_resp()
    weights, means, covs = gaussian_m_step(X, resp, reg_covar=1e-3)
    for k in range(resp.shape[1]):
        r = resp[:, k]
        np.testing.assert_allclose(weights[k], r.mean(), rtol=1e-12)
        np.testing.assert_allclose(means[k], np.average(X, axis=0, weights=r), rtol=1e-12)
        cov = np.cov(X.T, aweights=r, bias=True) + 1e-3 * np.eye(X.shape[1])
        np.testing.assert_allclose(covs[k], cov, rtol=1e-10)


def test_gaussian_m_step_is_scikit_learns_m_step():
    X, resp = _data_and_resp(seed=1)
    sk = SkGaussianMixture(3, covariance_type="full", reg_covar=1e-4)
    sk._initialize(X, resp)  # scikit-learn's M-step from given responsibilities
    weights, means, covs = gaussian_m_step(X, resp, reg_covar=1e-4)
    np.testing.assert_allclose(weights, sk.weights_, rtol=1e-12)
    np.testing.assert_allclose(means, sk.means_, rtol=1e-12)
    np.testing.assert_allclose(covs, sk.covariances_, rtol=1e-10)


def test_one_em_iteration_of_gaussian_mixture_agrees_with_scikit_learn():
    X, _ = _data_and_resp(seed=2)
    init = [[0.0, 0.0], [2.0, 2.0], [4.0, 4.0]]
    ours = du.GaussianMixture(3, means_init=init, max_iter=1, tol=0).fit(X)
    start = du.GaussianMixture(3, means_init=init, max_iter=0, tol=0).fit(X)
    resp = start.predict_proba(X)  # E-step at the starting parameters
    weights, means, covs = gaussian_m_step(X, resp, reg_covar=start.reg_covar)
    np.testing.assert_allclose(ours.weights_, weights, rtol=1e-12)
    np.testing.assert_allclose(ours.means_, means, rtol=1e-12)
    np.testing.assert_allclose(ours.covariances_, covs, rtol=1e-12)
    sk = SkGaussianMixture(
        3,
        covariance_type="full",
        weights_init=start.weights_,
        means_init=start.means_,
        precisions_init=np.linalg.inv(start.covariances_),
        reg_covar=start.reg_covar,
        max_iter=1,
        tol=0,
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one iteration does not converge: expected
        sk.fit(X)
    np.testing.assert_allclose(ours.means_, sk.means_, rtol=1e-8)
    np.testing.assert_allclose(ours.covariances_, sk.covariances_, rtol=1e-8)
    np.testing.assert_allclose(ours.weights_, sk.weights_, rtol=1e-8)
