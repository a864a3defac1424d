"""Real data that ships with installed packages: no download, ever."""

from __future__ import annotations

import numpy as np

from ._validation import check_float, check_int


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
