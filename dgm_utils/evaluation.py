"""Evaluating models: calibration of predicted probabilities, learning curves, and the
difference of two mean scores with its standard error.

Introduced in chapter 5, Generative versus discriminative (``mean_difference`` in
chapter 1, Introduction).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, clone

from ._validation import (
    as_float_array,
    check_int,
    check_labels,
    check_matrix,
    check_rng,
    describe,
)

__all__ = [
    "calibration_curve",
    "expected_calibration_error",
    "learning_curves",
    "mean_difference",
]


def _check_prob_vector(prob, name: str = "prob") -> np.ndarray:
    """A 1-D array of finite probabilities in [0, 1]."""
    if isinstance(prob, str | bytes) or prob is None:
        raise TypeError(f"{name} must be an array of probabilities, got {describe(prob)}.")
    arr = np.asarray(prob)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must hold numbers in [0, 1], got {describe(arr)}.")
    arr = arr.astype(np.float64)
    if arr.ndim != 1:
        raise ValueError(
            f"Expected {name} of shape (n_samples,), got {arr.shape}. For the output of "
            "predict_proba use its column for class 1, proba[:, 1]."
        )
    if np.isnan(arr).any():
        i = int(np.flatnonzero(np.isnan(arr))[0])
        raise ValueError(f"{name} contains NaN, first at [{i}]; probabilities must be in [0, 1].")
    outside = (arr < 0) | (arr > 1)
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got {float(arr[i])!r} at [{i}]."
        )
    return arr


def calibration_curve(y_true, prob, n_bins: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reliability of predicted probabilities: per bin, mean prediction vs observed frequency.

    Introduced in chapter 5, Generative versus discriminative. Bins are equal-width on
    [0, 1]; empty bins are left out (as ``sklearn.calibration.calibration_curve``).

    Parameters
    ----------
    y_true : array of shape (n_samples,), entries 0 or 1
    prob : array of shape (n_samples,)
        Predicted probability that ``y_true == 1``.
    n_bins : int, default 10

    Returns
    -------
    mean_predicted, fraction_positive, counts : arrays of shape (n_nonempty_bins,)
    """
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    prob = _check_prob_vector(prob)
    if prob.shape[0] == 0:
        raise ValueError(
            "calibration_curve needs at least one prediction: prob and y_true are empty."
        )
    y_true = check_labels(y_true, prob.shape[0], name="y_true")
    if not np.isin(y_true, (0, 1)).all():
        bad = np.unique(y_true[~np.isin(y_true, (0, 1))])[:5]
        raise ValueError(
            f"y_true must hold 0/1 labels (1 = the event prob predicts), got values such as "
            f"{bad.tolist()}. For labels a and b use (y == b).astype(int)."
        )
    y_true = y_true.astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # side="left", as scikit-learn: a probability on an inner edge goes to the lower bin.
    bins = np.searchsorted(edges[1:-1], prob, side="left")
    counts = np.bincount(bins, minlength=n_bins).astype(np.float64)
    sum_p = np.bincount(bins, weights=prob, minlength=n_bins)
    sum_y = np.bincount(bins, weights=y_true, minlength=n_bins)
    keep = counts > 0
    return sum_p[keep] / counts[keep], sum_y[keep] / counts[keep], counts[keep]


def expected_calibration_error(y_true, prob, n_bins: int = 10) -> float:
    """``sum_bins (n_bin / n) |mean prediction - observed frequency|`` (equal-width bins).

    Introduced in chapter 5, Generative versus discriminative.
    """
    mean_p, frac, counts = calibration_curve(y_true, prob, n_bins)
    return float(np.sum(counts * np.abs(mean_p - frac)) / counts.sum())


def learning_curves(
    models: Mapping[str, BaseEstimator | Callable[[], BaseEstimator]],
    X_pool,
    y_pool,
    X_test,
    y_test,
    sizes: Sequence[int],
    n_draws: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Test error against training-set size, over random training sets (Ng & Jordan style).

    Introduced in chapter 5, Generative versus discriminative. For each draw, the pool is
    shuffled once and every model is fitted on the first ``n`` rows for each ``n`` in
    ``sizes`` (nested training sets), reusing one model instance per draw, so an estimator
    with ``warm_start=True`` starts from its solution at the previous size. A shuffle whose
    smallest training set has fewer than two classes is redrawn.

    Parameters
    ----------
    models : dict of str -> estimator, or callable returning an unfitted classifier
        An estimator is copied with ``sklearn.base.clone`` for every draw.
    X_pool : array of shape (n_pool, n_features)
    y_pool : array of shape (n_pool,)
    X_test : array of shape (n_test, n_features)
    y_test : array of shape (n_test,)
    sizes : increasing sequence of int, each <= n_pool
    n_draws : int
    rng : numpy.random.Generator

    Returns
    -------
    errors : dict of str -> array of shape (n_draws, len(sizes))
        Test error (1 - accuracy) of each model.
    """
    if not isinstance(models, Mapping) or not models:
        raise TypeError(
            "models must be a non-empty dict of name -> estimator (or a callable returning "
            'one), e.g. {"naive Bayes": du.GaussianNaiveBayes}, got '
            f"{type(models).__name__}{' (empty)' if isinstance(models, Mapping) else ''}."
        )
    rng = check_rng(rng)
    X_pool = check_matrix(X_pool, "X_pool")
    y_pool = check_labels(y_pool, X_pool.shape[0], name="y_pool")
    X_test = check_matrix(X_test, "X_test", n_features=X_pool.shape[1])
    y_test = check_labels(y_test, X_test.shape[0], name="y_test")
    n_draws = check_int(n_draws, "n_draws", minimum=1)
    sizes = [check_int(s, "sizes[i]", minimum=2) for s in sizes]
    if sorted(sizes) != sizes or sizes[-1] > X_pool.shape[0]:
        raise ValueError(
            f"sizes must increase and not exceed the pool of {X_pool.shape[0]} rows, got {sizes}."
        )
    errors = {name: np.empty((n_draws, len(sizes))) for name in models}
    for d in range(n_draws):
        order = rng.permutation(X_pool.shape[0])
        while np.unique(y_pool[order[: sizes[0]]]).size < 2:
            order = rng.permutation(X_pool.shape[0])
        for name, make in models.items():
            model = clone(make) if isinstance(make, BaseEstimator) else make()
            for k, n in enumerate(sizes):
                idx = order[:n]
                model.fit(X_pool[idx], y_pool[idx])
                errors[name][d, k] = 1.0 - model.score(X_test, y_test)
    return errors


def mean_difference(a, b, *, paired: bool) -> tuple[float, float]:
    """The difference of two mean scores, ``mean(a) - mean(b)``, and its standard error.

    Introduced in chapter 1, Introduction: a claim that one model scores higher than
    another comes with this standard error, or is not made.

    Parameters
    ----------
    a, b : array of shape (n_a,) and (n_b,)
        Per-item scores, for instance the log-likelihood of each test image under two
        models, or the accuracy of each random draw of a training set.
    paired : bool
        True when ``a[i]`` and ``b[i]`` score the same item (same image, same draw): the
        standard error is that of the mean of the differences ``a - b``, which removes
        what the items share. False for two independent samples (Welch's standard
        error, ``sqrt(var(a) / n_a + var(b) / n_b)``).

    Returns
    -------
    difference, standard_error : float, float
        ``difference / standard_error`` is the t statistic of ``scipy.stats.ttest_rel``
        (paired) or ``scipy.stats.ttest_ind(equal_var=False)``.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not an array of numbers, or ``paired`` is not a bool.
    ValueError
        If an array is not 1-D, has fewer than 2 entries or a non-finite entry, or, when
        paired, the lengths differ.

    Examples
    --------
    >>> mean_difference([3.0, 4.0, 5.0], [2.0, 3.5, 4.0], paired=True)
    (0.8333333333333334, 0.16666666666666666)
    """
    if not isinstance(paired, bool):
        raise TypeError(f"paired must be True or False, got {describe(paired)}.")
    arrays = []
    for name, x in (("a", a), ("b", b)):
        arr = as_float_array(x, name, what="per-item scores")
        if arr.ndim != 1 or arr.shape[0] < 2:
            raise ValueError(
                f"Expected {name} of shape (n,) with n >= 2 (one score per item), got "
                f"shape {arr.shape}."
            )
        if not np.isfinite(arr).all():
            i = int(np.flatnonzero(~np.isfinite(arr))[0])
            raise ValueError(f"{name} must be finite, got {arr[i]!r} at [{i}].")
        arrays.append(arr)
    a, b = arrays
    if paired:
        if a.shape != b.shape:
            raise ValueError(
                f"paired=True needs one score of each item in a and b, got {a.shape[0]} "
                f"and {b.shape[0]} scores; use paired=False for independent samples."
            )
        diff = a - b
        return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(diff.shape[0]))
    se = np.sqrt(a.var(ddof=1) / a.shape[0] + b.var(ddof=1) / b.shape[0])
    return float(a.mean() - b.mean()), float(se)
