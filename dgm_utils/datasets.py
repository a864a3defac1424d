"""Real data that ships with installed packages (no download, ever), its validation split,
and the edits chapter 5 makes to a data set (copied columns, hidden entries)."""

from __future__ import annotations

import numpy as np

from ._validation import check_float, check_int, check_matrix, check_rng


def load_binarized_digits(
    threshold: float = 8.0, test_fraction: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 1,797 8x8 handwritten digits shipped with scikit-learn, binarised and split.

    Introduced in chapter 1, What is a generative model. Each pixel (an ink count from 0 to
    16) becomes 1 when it is at least ``threshold``. The split is stratified by digit and
    depends only on ``seed``.

    Parameters
    ----------
    threshold : float, default 8.0
        Pixels with intensity ``>= threshold`` become 1; in (0, 16].
    test_fraction : float, default 0.25
        Fraction of the images held out for testing; in (0, 1).
    seed : int, default 0
        Seed of the split.

    Returns
    -------
    X_train, X_test : arrays of shape (n_train, 64) and (n_test, 64), dtype uint8 in {0, 1}
    y_train, y_test : arrays of shape (n_train,) and (n_test,), dtype int64, digits 0-9

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = load_binarized_digits()
    >>> X_train.shape, X_test.shape
    ((1347, 64), (450, 64))
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    threshold = check_float(threshold, "threshold", low=0.0, high=16.0, low_inclusive=False)
    test_fraction = check_float(
        test_fraction, "test_fraction", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    seed = check_int(seed, "seed", minimum=0)
    digits = load_digits()
    X = (digits.data >= threshold).astype(np.uint8)
    y = digits.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    return X_train, X_test, y_train, y_test


def split_validation(
    X, n_val: int = 270, rng: np.random.Generator | int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Hold out ``n_val`` random rows of X for validation; the rest are for fitting.

    Introduced in chapter 6, Neural models: the 1,347 training digits of
    :func:`load_binarized_digits` become 1,077 images to fit on and 270 to choose
    hyperparameters and stop training on. Chapter 7 and the benchmarks use the same split.

    Parameters
    ----------
    X : array of shape (n_samples, ...)
        Rows are split; the dtype is kept.
    n_val : int, default 270
        Number of validation rows, from 1 to ``n_samples - 1``.
    rng : numpy.random.Generator or int, default 0
        Source of the random permutation (an int is a seed).

    Returns
    -------
    X_fit : array of shape (n_samples - n_val, ...)
        The rows ``perm[n_val:]`` of X, for ``perm = rng.permutation(n_samples)``.
    X_val : array of shape (n_val, ...)
        The rows ``perm[:n_val]``.

    Raises
    ------
    TypeError
        If ``n_val`` is not an integer or ``rng`` neither a generator nor a seed.
    ValueError
        If X has no rows axis or ``n_val`` leaves no row for fitting or validation.

    Examples
    --------
    >>> X_train, X_test, y_train, y_test = load_binarized_digits()
    >>> X_fit, X_val = split_validation(X_train, n_val=270, rng=0)
    >>> X_fit.shape, X_val.shape
    ((1077, 64), (270, 64))
    """
    X = np.asarray(X)
    if X.ndim == 0:
        raise ValueError(f"X must have a rows axis to split, got the scalar {X!r}.")
    n_val = check_int(n_val, "n_val", minimum=1)
    if n_val >= len(X):
        raise ValueError(
            f"n_val must leave at least one row for fitting: X has {len(X)} rows, got "
            f"n_val={n_val}. Choose n_val <= {len(X) - 1}."
        )
    perm = check_rng(rng).permutation(len(X))
    return X[perm[n_val:]], X[perm[:n_val]]


def with_copies(X, column: int, k: int) -> np.ndarray:
    """``X`` with ``k - 1`` extra copies of one column appended (``k`` copies in all).

    Introduced in chapter 5, Generative versus discriminative, to feed the same evidence to
    a classifier several times.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    column : int
        Index of the column to copy.
    k : int, >= 1

    Returns
    -------
    X_k : array of shape (n_samples, n_features + k - 1)
    """
    X = check_matrix(X, "X", dtype=np.asarray(X).dtype)
    column = check_int(column, "column")
    if not -X.shape[1] <= column < X.shape[1]:
        raise ValueError(f"column must index one of the {X.shape[1]} features, got {column}.")
    k = check_int(k, "k", minimum=1)
    return np.hstack([X, np.repeat(X[:, [column]], k - 1, axis=1)])


def hide_features(X, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Replace ``round(fraction * n_features)`` random entries of each row by NaN.

    Introduced in chapter 5, Generative versus discriminative. Each row hides its own random
    subset, of the same size for every row.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    fraction : float in [0, 1]
    rng : numpy.random.Generator

    Returns
    -------
    X_hidden : array of shape (n_samples, n_features), float, NaN where hidden
    """
    X = check_matrix(X, "X")
    fraction = check_float(fraction, "fraction", low=0.0, high=1.0)
    rng = check_rng(rng)
    n_hide = int(round(fraction * X.shape[1]))
    # The n_hide smallest of n_features uniform keys per row: a uniform random subset.
    ranks = np.argsort(rng.random(X.shape), axis=1)[:, :n_hide]
    out = X.copy()
    np.put_along_axis(out, ranks, np.nan, axis=1)
    return out
