"""Input checks shared by every module: fail early, say what was expected and what arrived."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np


def describe(x) -> str:
    """A short description of an input for error messages: type, shape and dtype."""
    if isinstance(x, np.ndarray):
        return f"array of shape {x.shape} and dtype {x.dtype}"
    try:
        import torch

        if isinstance(x, torch.Tensor):
            return f"tensor of shape {tuple(x.shape)} and dtype {x.dtype}"
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    return type(x).__name__


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int; bools and non-integers raise ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}.")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return value


def check_float(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as a finite float within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}.")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        bound = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {bound} {low}, got {value}.")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        bound = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {bound} {high}, got {value}.")
    return value


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """Accept a ``numpy.random.Generator``; an int seed is turned into one."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy.random.Generator (e.g. np.random.default_rng(0)) or an int "
        f"seed, got {type(rng).__name__}."
    )


def check_matrix(
    X,
    name: str = "X",
    *,
    n_features: int | None = None,
    allow_nan: bool = False,
    min_samples: int = 1,
    dtype=np.float64,
    hint: str = "",
) -> np.ndarray:
    """Return ``X`` as a 2-D float array of shape (n_samples, n_features), or raise.

    ``hint`` is appended to shape errors (e.g. "For one image use x[None, :].").
    """
    if isinstance(X, str | bytes) or X is None:
        raise TypeError(
            f"{name} must be an array of shape (n_samples, n_features), got {describe(X)}."
        )
    try:
        arr = np.asarray(X)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers, got {describe(X)} ({exc}).") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must hold numbers, got {describe(arr)}.")
    expected = f"(n_samples, {n_features})" if n_features is not None else "(n_samples, n_features)"
    if arr.ndim != 2:
        extra = f" {hint}" if hint else ""
        raise ValueError(f"Expected {name} of shape {expected}, got {arr.shape}.{extra}")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(
            f"Expected {name} of shape {expected}, got {arr.shape}: "
            f"the model was built for {n_features} features."
        )
    if arr.shape[0] < min_samples:
        raise ValueError(f"{name} must have at least {min_samples} sample(s), got {arr.shape[0]}.")
    arr = arr.astype(dtype, copy=False)
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr) if not allow_nan else np.isinf(arr)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            what = "NaN or infinite values" if not allow_nan else "infinite values"
            raise ValueError(f"{name} contains {what}, first at [{i}, {j}] = {arr[i, j]}.")
    return arr


def check_binary(X, name: str = "X", *, allow_nan: bool = False, **kwargs) -> np.ndarray:
    """Like :func:`check_matrix`, and every (observed) entry must be 0 or 1."""
    arr = check_matrix(X, name, allow_nan=allow_nan, **kwargs)
    observed = arr[~np.isnan(arr)] if allow_nan else arr
    bad = (observed != 0) & (observed != 1)
    if bad.any():
        values = np.unique(observed[bad])[:5]
        raise ValueError(
            f"{name} must be binary (0/1 values), got values such as {values.tolist()}. "
            "Binarise first, e.g. (X > threshold).astype(np.uint8)."
        )
    return arr


def check_labels(y, n_samples: int, name: str = "y") -> np.ndarray:
    """A 1-D label vector of the same length as X."""
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"Expected {name} of shape ({n_samples},), got {arr.shape}.")
    if arr.shape[0] != n_samples:
        raise ValueError(
            f"X and {name} have different lengths: X has {n_samples} samples, {name} has "
            f"{arr.shape[0]}."
        )
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values.")
    return arr


def check_probabilities(p, name: str, *, axis: int = -1, atol: float = 1e-6) -> np.ndarray:
    """Non-negative, finite, summing to 1 along ``axis``."""
    arr = np.asarray(p, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values.")
    if (arr < 0).any():
        raise ValueError(f"{name} has negative entries, e.g. {arr[arr < 0].ravel()[0]:.3g}.")
    sums = arr.sum(axis=axis)
    if not np.allclose(sums, 1.0, atol=atol):
        worst = np.unravel_index(np.argmax(np.abs(sums - 1.0)), np.shape(sums))
        raise ValueError(
            f"{name} must sum to 1 along axis {axis}; the entry at {tuple(int(i) for i in worst)} "
            f"sums to {np.asarray(sums)[worst]:.4g}."
        )
    return arr


def check_in(value, name: str, options: Sequence) -> None:
    """``value`` must be one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}.")


def check_float_dtype(dtype, name: str = "dtype"):
    """Accept ``torch.float64`` or ``torch.float32`` (the dtypes a model can compute in)."""
    import torch

    allowed = (torch.float64, torch.float32)
    if dtype not in allowed:
        raise ValueError(
            f"{name} must be torch.float64 (the default: results do not depend on the CPU's "
            f"vector instructions) or torch.float32, got {dtype!r}."
        )
    return dtype
