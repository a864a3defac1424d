"""dgm_utils.classifiers against scikit-learn on the binarised digits: fit and predict times.

Run: python benchmarks/bench_classifiers.py

Each figure is the median of several repeats, measured in one run, side by side. Logistic
regression is compared at matched regularisation (l2 = 1 / C) and matched stopping rule
(L-BFGS, same gtol), once with scikit-learn's default BLAS threading and once with both
limited to one BLAS thread (dgm_utils does that inside fit; see classifiers.py).
"""

from __future__ import annotations

import warnings

import numpy as np
from _timing import timings
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.naive_bayes import BernoulliNB
from threadpoolctl import threadpool_limits

import dgm_utils as du


def median_time(fn, repeats: int) -> float:
    return float(np.median(timings(fn, repeats)))


def row(task: str, ours: float, ref: float) -> None:
    print(f"{task:<46} {ours * 1e3:9.2f} ms {ref * 1e3:9.2f} ms {ref / ours:8.2f}x")


def main() -> None:
    X_train, X_test, y_train, y_test = du.load_binarized_digits()
    X_big = np.tile(X_test, (20, 1))  # 9,000 rows for prediction
    print(f"binarised digits: train {X_train.shape}, test {X_test.shape}, predict {X_big.shape}")
    print(f"{'task':<46} {'dgm_utils':>12} {'sklearn':>12} {'speed-up':>9}")

    ours_nb = du.BernoulliNaiveBayes(alpha=1.0)
    ref_nb = BernoulliNB(alpha=1.0)
    row(
        "BernoulliNB fit",
        median_time(lambda: ours_nb.fit(X_train, y_train), 50),
        median_time(lambda: ref_nb.fit(X_train, y_train), 50),
    )
    row(
        "BernoulliNB predict_proba (9,000 rows)",
        median_time(lambda: ours_nb.predict_proba(X_big), 50),
        median_time(lambda: ref_nb.predict_proba(X_big), 50),
    )
    X_nan = X_big.astype(float)
    X_nan[np.random.default_rng(0).random(X_nan.shape) < 0.3] = np.nan
    t_nan = median_time(lambda: ours_nb.predict_proba(X_nan), 50)
    print(f"{'  ... with 30% of the features NaN (ours only)':<46} {t_nan * 1e3:9.2f} ms")

    for C in (0.1, 1.0, 10.0):
        ours = du.LogisticRegression(l2=1.0 / C, tol=1e-4, max_iter=1000)
        ref = SkLogisticRegression(C=C, tol=1e-4, max_iter=1000)
        t_ours = median_time(lambda o=ours: o.fit(X_train, y_train), 7)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t_ref = median_time(lambda r=ref: r.fit(X_train, y_train), 7)
            with threadpool_limits(limits=1, user_api="blas"):
                t_ref1 = median_time(lambda r=ref: r.fit(X_train, y_train), 7)
        row(f"LogisticRegression fit, C = {C:g} (l2 = {1 / C:g})", t_ours, t_ref)
        row("  ... sklearn also with one BLAS thread", t_ours, t_ref1)
        acc_o, acc_r = ours.score(X_test, y_test), ref.score(X_test, y_test)
        gap = np.abs(ours.predict_proba(X_test) - ref.predict_proba(X_test)).max()
        print(
            f"  iterations {ours.n_iter_} vs {int(ref.n_iter_[0])}; test accuracy {acc_o:.4f} vs "
            f"{acc_r:.4f}; max |p_ours - p_sklearn| = {gap:.1e}"
        )
    row(
        "LogisticRegression predict_proba (9,000 rows)",
        median_time(lambda: ours.predict_proba(X_big), 50),
        median_time(lambda: ref.predict_proba(X_big), 50),
    )

    # What a user gets without choosing: each library's default tol (both 1e-4), C = 1;
    # and the book's tight tol=1e-7 for comparison.
    for label, ours_tol in [("defaults", None), ("ours at tol=1e-7 (the book's)", 1e-7)]:
        kwargs = {} if ours_tol is None else {"tol": ours_tol}
        ours = du.LogisticRegression(l2=1.0, **kwargs)
        ref = SkLogisticRegression(C=1.0)

        def fit_predict(model):
            return model.fit(X_train, y_train).predict(X_test)

        t_ours = median_time(lambda o=ours: fit_predict(o), 7)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t_ref = median_time(lambda r=ref: fit_predict(r), 7)
        row(f"LogisticRegression fit+predict, {label}", t_ours, t_ref)
        acc_o, acc_r = ours.score(X_test, y_test), ref.score(X_test, y_test)
        print(
            f"  tol {ours.tol:g} vs {ref.tol:g}; iterations {ours.n_iter_} vs "
            f"{int(ref.n_iter_[0])}; test accuracy {acc_o:.4f} vs {acc_r:.4f} "
            f"({len(y_test)} images: one image is {1 / len(y_test):.4f})"
        )


if __name__ == "__main__":
    main()
