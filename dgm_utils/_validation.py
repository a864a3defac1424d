"""Input checks shared by every module: fail early, say what was expected and what arrived."""

from __future__ import annotations

import numbers
import warnings
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


def as_float_array(x, name: str, *, what: str = "numbers", copy: bool = False) -> np.ndarray:
    """``x`` as a float64 array, or a TypeError that names ``name`` and what it should hold.

    Strings and None are refused outright (``np.asarray("0.5", float)`` would accept one).
    """
    if isinstance(x, str | bytes) or x is None:
        raise TypeError(f"{name} must be an array of {what}, got {describe(x)}.")
    try:
        return np.array(x, dtype=np.float64) if copy else np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of {what}, got {describe(x)} ({exc}).") from None


def check_fitted(estimator, fit_call: str = "fit(X)") -> None:
    """scikit-learn's ``check_is_fitted``, with the book's message: what to call first."""
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(
        estimator, msg=f"This %(name)s instance is not fitted yet; call {fit_call} first."
    )


def check_feature_names(estimator, X, *, reset: bool) -> None:
    """Record (``reset``) or check a DataFrame's column names, as scikit-learn does.

    A model fitted on named columns refuses columns in another order or with other names
    at prediction time, instead of reading them by position.
    """
    if hasattr(X, "columns") or hasattr(estimator, "feature_names_in_"):
        from sklearn.utils.validation import _check_feature_names

        _check_feature_names(estimator, X, reset=reset)


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
    min_features: int = 1,
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
    if hasattr(X, "tocsr") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(
            f"{name} is a scipy sparse matrix; sparse input is not supported (the arrays here "
            "are small and dense). Use X.toarray()."
        )
    try:
        arr = np.asarray(X)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers, got {describe(X)} ({exc}).") from exc
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must hold numbers, got {describe(arr)}.")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise ValueError(
            f"{name} must hold real numbers. Complex data not supported; got {describe(arr)}."
        )
    expected = f"(n_samples, {n_features})" if n_features is not None else "(n_samples, n_features)"
    if arr.ndim != 2:
        extra = f" {hint}" if hint else ""
        if arr.ndim == 1 and not hint:
            extra = " Reshape your data: x[None, :] for one sample, x[:, None] for one feature."
        raise ValueError(f"Expected {name} of shape {expected}, got {arr.shape}.{extra}")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(
            f"Expected {name} of shape {expected}, got {arr.shape}: "
            f"the model was built for {n_features} features."
        )
    if arr.shape[0] < min_samples:
        raise ValueError(f"{name} must have at least {min_samples} sample(s), got {arr.shape[0]}.")
    if arr.shape[1] < min_features:
        raise ValueError(
            f"{name} has {arr.shape[1]} feature(s) (shape={arr.shape}) while a minimum of "
            f"{min_features} is required: a model needs at least one feature per sample."
        )
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
    """A 1-D label vector of the same length as X, of one sortable type (numbers or strings)."""
    if y is None:
        raise ValueError(
            f"This estimator requires {name} to be passed, but the target {name} is None: "
            f"expected labels of shape ({n_samples},)."
        )
    if isinstance(y, str | bytes):
        raise TypeError(
            f"{name} must be an array of labels of shape ({n_samples},), got {describe(y)}."
        )
    arr = np.asarray(y)
    if arr.dtype.kind in "OUS":
        # Strings and objects: look at the labels as given, before numpy coerces a mix of
        # numbers and strings to strings (or leaves it as objects that cannot be sorted).
        values = np.asarray(y, dtype=object).ravel()
        kinds = set()
        for i, v in enumerate(values):
            if v is None:
                raise TypeError(
                    f"{name} contains None (first at [{i}]); every sample needs a label. "
                    "Drop the unlabelled rows first."
                )
            if isinstance(v, str | bytes):
                kinds.add("strings")
            elif isinstance(v, numbers.Number):
                kinds.add("numbers")
            else:
                kinds.add(type(v).__name__)
        if len(kinds) > 1 or not kinds <= {"strings", "numbers"}:
            raise TypeError(
                f"{name} must hold labels of one kind (all numbers or all strings), got "
                f"{' and '.join(sorted(kinds))}. Convert them first, e.g. np.asarray(y, dtype=str)."
            )
        if arr.dtype == object:
            arr = np.asarray(values.tolist()).reshape(arr.shape)
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


def _available_memory() -> int:
    """Bytes of memory available to a new allocation now (psutil's ``available``)."""
    import psutil

    return int(psutil.virtual_memory().available)


def _format_bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def check_sample_size(n, name: str, *, bytes_per_sample: float, minimum: int = 0) -> int:
    """An int sample count whose arrays fit in the memory available now, or raise.

    ``bytes_per_sample`` is the caller's estimate of what one more sample costs (its output
    plus the temporaries of the sampler). A request that cannot fit is refused before any
    allocation, with the size it would need, instead of a ``MemoryError`` from deep inside.
    """
    n = check_int(n, name, minimum=minimum)
    need = n * float(bytes_per_sample)
    available = _available_memory()
    if need > available:
        fits = max(int(available // (2 * max(bytes_per_sample, 1))), 1)
        raise ValueError(
            f"{name}={n:,} samples would need about {_format_bytes(need)} of memory, more than "
            f"the {_format_bytes(available)} available. Draw fewer (about {fits:,} fit), or in "
            "batches."
        )
    return n


def check_memory(nbytes: float, what: str) -> None:
    """Refuse, before allocating, an object that needs more than the memory available now."""
    available = _available_memory()
    if available is not None and nbytes > available:
        raise ValueError(
            f"{what} would need about {_format_bytes(nbytes)} of memory, more than the "
            f"{_format_bytes(available)} available."
        )


_DEVICE_TYPES = ("cpu", "cuda", "mps")


def check_device(device, name: str = "device"):
    """A ``torch.device`` this machine has, from a string or a ``torch.device``."""
    import torch

    if not isinstance(device, str | torch.device):
        raise TypeError(
            f"{name} must be a string such as 'cpu' or 'cuda', or a torch.device, got "
            f"{type(device).__name__} {device!r}."
        )
    try:
        dev = torch.device(device)
    except (RuntimeError, ValueError):
        dev = None
    if dev is None or dev.type not in _DEVICE_TYPES:
        raise ValueError(
            f"{name} must be one of 'cpu', 'cuda', 'cuda:<index>' or 'mps', got {device!r}."
        )
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"{name}={device!r} asks for CUDA, which is not available on this machine; use "
            "device='cpu' (or leave device=None to choose automatically)."
        )
    if dev.type == "cuda" and dev.index is not None and dev.index >= torch.cuda.device_count():
        raise ValueError(
            f"{name}={device!r} asks for GPU {dev.index}, but this machine has "
            f"{torch.cuda.device_count()} (indices 0 to {torch.cuda.device_count() - 1})."
        )
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(
            f"{name}={device!r} asks for Apple's MPS backend, which is not available on this "
            "machine; use device='cpu'."
        )
    return dev


def check_generator(generator, device=None, name: str = "generator"):
    """``None`` or a ``torch.Generator``, on the same kind of device as ``device``.

    PyTorch draws on a tensor's device with a generator of that device: a CPU generator
    cannot fill a CUDA tensor. Saying so here beats torch's message from deep inside a call.
    """
    import torch

    if generator is None:
        return None
    if not isinstance(generator, torch.Generator):
        raise TypeError(
            f"{name} must be a torch.Generator (e.g. torch.Generator().manual_seed(0)) or "
            f"None, got {type(generator).__name__}."
        )
    if device is not None and torch.device(generator.device).type != torch.device(device).type:
        raise ValueError(
            f"{name} is on {generator.device} but the model is on {device}: make it there, "
            f"e.g. torch.Generator(device={str(device)!r}).manual_seed(0), or move the model "
            "with model.to('cpu')."
        )
    return generator


def renamed(old_value, new_value, old: str, new: str, where: str, *, missing=None):
    """The value of a renamed argument: ``new`` if given, else ``old`` with a FutureWarning.

    Old names keep working for a while and say what replaces them (as scikit-learn
    deprecates); passing both names is an error.
    """
    if old_value is missing:
        return new_value
    if new_value is not missing:
        raise TypeError(f"{where} got both {new} and its former name {old}; pass {new} only.")
    warnings.warn(
        f"{where}: the argument {old}= is renamed {new}=; {old}= will stop working in a "
        "future version.",
        FutureWarning,
        stacklevel=3,
    )
    return old_value


def sample_rng(rng, generator, where: str):
    """The source of randomness of a torch model's ``sample(n, rng)``.

    Every model samples as ``sample(n, rng)``; the torch models used to call it
    ``generator``: that keyword still works, with a FutureWarning. Passing both is an error.
    """
    return renamed(generator, rng, "generator", "rng", where)


def check_return_latents(value, name: str = "return_latents") -> bool:
    """A real ``bool`` (``'yes'`` or ``1`` would silently mean True)."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {describe(value)}.")
    return bool(value)


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
            f"{name} must be torch.float64 or torch.float32 (or None: torch's default dtype, "
            f"float64 after du.reproducible()), got {dtype!r}."
        )
    return dtype


def model_dtype(dtype, name: str = "dtype"):
    """``dtype`` checked, or torch's default dtype when ``None`` (as ``nn.Linear`` does)."""
    import torch

    return check_float_dtype(torch.get_default_dtype() if dtype is None else dtype, name)


def check_tensor(
    x,
    name: str = "x",
    *,
    n_features: int | None = None,
    dtype=None,
    device=None,
    accept: str = "array",
    rows: str = "batch",
    what: str = "",
    one_row_hint: str = "For one example use x[None, :].",
    allow_empty: bool = False,
    binary: bool = False,
    binary_hint: str = "Binarise first, e.g. (x > 0.5).float().",
):
    """``x`` as a 2-D floating tensor of shape (rows, n_features), or a clear error.

    The one validator of data given to the torch models and the training loop.

    Parameters
    ----------
    accept : {"tensor", "array", "array_like"}
        ``"tensor"``: only a floating-point ``torch.Tensor``; ``"array"``: a tensor or a
        numeric numpy array; ``"array_like"``: also lists (anything ``np.asarray`` takes).
    rows : str
        How the first axis is called in messages (``"batch"``, ``"n_samples"``).
    what : str
        Appended to the expected shape in messages, e.g. ``" (binarised 8x8 digits)"``.
    dtype, device : optional
        Convert to these (``None``: keep the input's).
    binary : bool
        Require 0/1 values (checked after finiteness, so NaN is reported as NaN).
    """
    import torch

    width = n_features if n_features is not None else "n_features"
    expected = f"({rows}, {width})"
    if isinstance(x, torch.Tensor):
        if accept == "tensor" and not torch.is_floating_point(x):
            raise TypeError(
                f"{name} must be a floating-point tensor of shape {expected}, got dtype "
                f"{x.dtype}. Convert with {name}.float()."
            )
        t = x
    elif accept == "tensor":
        raise TypeError(
            f"{name} must be a torch.Tensor of shape {expected} holding floats, got "
            f"{describe(x)}. Convert with torch.as_tensor({name}, dtype=torch.float64)."
        )
    elif isinstance(x, np.ndarray) or (accept == "array_like" and not isinstance(x, str | bytes)):
        arr = np.asarray(x)
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
        ):
            raise TypeError(f"{name} must hold numbers (a numeric array), got {describe(x)}.")
        t = torch.as_tensor(arr)
    else:
        raise TypeError(
            f"{name} must be a torch.Tensor or numpy array of shape {expected}, got {describe(x)}."
        )
    if t.is_complex():
        raise TypeError(f"{name} must be real, got {describe(t)}.")
    if t.ndim != 2 or (n_features is not None and t.shape[1] != n_features):
        hint = f" {one_row_hint}" if t.ndim == 1 and one_row_hint else ""
        raise ValueError(f"Expected {name} of shape {expected}{what}, got {tuple(t.shape)}.{hint}")
    if t.shape[0] == 0 and not allow_empty:
        raise ValueError(
            f"{name} has 0 samples (shape {tuple(t.shape)}); at least one example is needed."
        )
    if not torch.is_floating_point(t) or dtype is not None:
        t = t.to(dtype=dtype if dtype is not None else torch.get_default_dtype())
    if device is not None:
        t = t.to(device=device)
    finite = torch.isfinite(t)
    if not finite.all():
        i, j = (~finite).nonzero()[0].tolist()
        raise ValueError(f"{name} contains NaN or infinite values, first at [{i}, {j}].")
    if binary:
        bad = (t != 0) & (t != 1)
        if bad.any():
            values = [round(v, 4) for v in torch.unique(t[bad])[:5].tolist()]
            raise ValueError(
                f"{name} must be binary (0/1 values), got values such as {values}. {binary_hint}"
            )
    return t
