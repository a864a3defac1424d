"""Timings of the mixtures: GaussianMixture.fit against scikit-learn, BernoulliMixture on digits.

Usage: python benchmarks/bench_mixtures.py [--threads N]

Both Gaussian mixtures start from the same weights, means and covariances, so they follow the
same EM trajectory; the script prints both final mean log-likelihoods and the time ratio
(ours / scikit-learn; the target is below 2). Times are the best of several repeats. Both
libraries call the same OpenBLAS; it is limited to ``--threads`` threads (default 1), because
on a machine shared with other jobs multi-threaded BLAS calls on small matrices can be slowed
down a hundredfold by waiting threads, which would measure the load rather than the code.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
from _timing import best_of
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from threadpoolctl import threadpool_limits

import dgm_utils as du
from dgm_utils.mixtures import BernoulliMixture, GaussianMixture


def gaussian_data(n: int, d: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0.0, 3.0, size=(k, d))
    z = rng.integers(k, size=n)
    scales = rng.uniform(0.5, 1.5, size=(k, d, d)) / np.sqrt(d)
    X = centres[z] + np.einsum("nij,nj->ni", scales[z], rng.standard_normal((n, d)))
    return X, centres + rng.normal(0.0, 2.0, size=(k, d))


def compare_gaussian(name: str, X: np.ndarray, means_init: np.ndarray, max_iter: int, tol: float):
    k = means_init.shape[0]
    start = GaussianMixture(k, means_init=means_init, max_iter=0).fit(X)
    init = {"means_init": means_init, "weights_init": start.weights_}
    precisions = np.linalg.inv(start.covariances_)

    def ours():
        return GaussianMixture(
            k, covariances_init=start.covariances_, max_iter=max_iter, tol=tol, **init
        ).fit(X)

    def sklearn():
        model = SkGaussianMixture(
            k, covariance_type="full", precisions_init=precisions, max_iter=max_iter, tol=tol,
            reg_covar=1e-6, **init,
        )  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return model.fit(X)

    repeats = 5
    t_ours, m_ours = best_of(ours, repeats)
    t_ref, m_ref = best_of(sklearn, repeats)
    ll_ours, ll_ref = m_ours.score(X), m_ref.score(X)
    print(
        f"{name:<34} {X.shape[0]:>6} {X.shape[1]:>3} {k:>3} {m_ours.n_iter_:>4}/{m_ref.n_iter_:<4}"
        f" {t_ours * 1e3:>9.1f} {t_ref * 1e3:>9.1f} {t_ours / t_ref:>6.2f}"
        f" {ll_ours:>12.6f} {ll_ref:>12.6f} {abs(ll_ours - ll_ref) / abs(ll_ref):>9.1e}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    threads = parser.parse_args().threads
    with threadpool_limits(threads):
        run(threads)


def run(threads: int) -> None:
    print(f"GaussianMixture.fit vs sklearn.mixture.GaussianMixture (full covariances, same init;"
          f" BLAS threads: {threads})")  # fmt: skip
    header = (
        f"{'data':<34} {'n':>6} {'d':>3} {'K':>3} {'iters':>9} {'ours ms':>9} {'sklearn':>9}"
        f" {'ratio':>6} {'ll ours':>12} {'ll sklearn':>12} {'rel diff':>9}"
    )
    print(header)
    print("-" * len(header))
    for n, d, k in [(2000, 2, 3), (10000, 5, 5), (20000, 10, 8)]:
        X, means_init = gaussian_data(n, d, k)
        compare_gaussian("synthetic, 100 iterations", X, means_init, max_iter=100, tol=0.0)
        compare_gaussian("synthetic, until tol=1e-8", X, means_init, max_iter=1000, tol=1e-8)
    from sklearn.datasets import load_digits

    digits = load_digits().data / 16.0
    rng = np.random.default_rng(0)
    means = digits[rng.choice(len(digits), size=10, replace=False)]
    compare_gaussian("digits (64-d, grey), 50 iterations", digits, means, max_iter=50, tol=0.0)

    print()
    print("BernoulliMixture.fit on the binarised digits (1347 training images, 64 pixels)")
    X_train, X_test, _, _ = du.load_binarized_digits()
    print(f"{'K':>4} {'iters':>6} {'time ms':>9} {'ms/iter':>8} {'train ll':>9} {'test ll':>9}")
    for k in (5, 10, 20, 40):
        t, model = best_of(lambda k=k: BernoulliMixture(k, random_state=0).fit(X_train), 3)
        print(
            f"{k:>4} {model.n_iter_:>6} {t * 1e3:>9.1f} {t * 1e3 / max(model.n_iter_, 1):>8.2f}"
            f" {model.score(X_train):>9.3f} {model.score(X_test):>9.3f}"
        )


if __name__ == "__main__":
    main()
