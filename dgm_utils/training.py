"""One training loop for every density model in the book (chapters 6 and 7).

A model is anything with parameters whose objective maps a batch to one number per example
that we want to *maximise*: ``model.log_prob`` for exact-likelihood models (FVSBN, NADE),
``model.elbo`` for a VAE. The loop minimises the negated mean of that objective.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

import torch

from ._validation import (
    check_device,
    check_float,
    check_generator,
    check_int,
    check_tensor,
    renamed,
)

__all__ = ["TrainingHistory", "default_device", "evaluate", "reproducible", "train"]

# Significant bits kept in each gradient under du.reproducible(): the per-tensor grid is
# 2**-16 of the tensor's largest entry (relative error below 1e-5, far under minibatch
# noise), coarse enough that float64's last-bit differences between CPUs (about 1e-16)
# almost never move a gradient to another grid point.
REPRODUCIBLE_GRAD_BITS = 16
_settings = {"grad_bits": None}
_MISSING = object()


class _Reproducible(AbstractContextManager):
    """What :func:`reproducible` returns: the switch, usable as a context manager."""

    def __init__(self, enabled: bool):
        self._previous = (torch.get_default_dtype(), _settings["grad_bits"])
        self.enabled = enabled
        if enabled:
            torch.set_default_dtype(torch.float64)
            _settings["grad_bits"] = REPRODUCIBLE_GRAD_BITS
        else:
            torch.set_default_dtype(torch.float32)
            _settings["grad_bits"] = None

    def __enter__(self) -> _Reproducible:
        return self

    def __exit__(self, *exc) -> None:
        torch.set_default_dtype(self._previous[0])
        _settings["grad_bits"] = self._previous[1]

    def __repr__(self) -> str:
        if not self.enabled:
            return "reproducible(False): float32 default dtype, plain Adam in train"
        return (
            "reproducible(True): float64 default dtype, gradients rounded to "
            f"{REPRODUCIBLE_GRAD_BITS} significant bits per tensor in train"
        )


def reproducible(enabled: bool = True) -> AbstractContextManager:
    """Switch on (or off) the book's bit-for-bit reproducibility across CPUs.

    Introduced in chapter 6, Neural models; every chapter that trains a network calls it
    once, in its import cell.

    Two things change, for torch models only:

    * torch's default dtype becomes float64 (``torch.set_default_dtype``), so new models
      and tensors compute in double precision;
    * :func:`train` (and so ``NeuralClassifier.fit``) rounds each gradient tensor, before
      every Adam step, to a grid of ``2**-16`` times its largest entry.

    Why: CPUs with other vector instructions (AVX2, AVX-512, none) add and exponentiate in
    another order and get other last bits (about 1e-16 in float64). Minibatch training
    amplifies such differences over thousands of steps into other weights and other
    printed digits. The rounding absorbs them, so the stored outputs of the book are the
    same on every machine. The grid is relative to each tensor's scale: a non-zero gradient
    never rounds to zero, whatever the scale of the objective. Without this switch
    ``dgm_utils`` behaves as PyTorch does: float32 and plain Adam. A loop you write
    yourself (plain Adam) gives the same losses to about two or three digits, not the
    book's last digits.

    Parameters
    ----------
    enabled : bool, default True
        False switches back to PyTorch's defaults (float32, no rounding).

    Returns
    -------
    A switch that also works as a context manager: ``with du.reproducible(): ...`` restores
    the previous settings when the block ends.

    Examples
    --------
    >>> with reproducible():
    ...     torch.get_default_dtype()
    torch.float64
    """
    if not isinstance(enabled, bool):
        raise TypeError(f"enabled must be True or False, got {type(enabled).__name__}.")
    return _Reproducible(enabled)


def default_device() -> torch.device:
    """CUDA when present, the CPU otherwise: a device to pass to :func:`train` on purpose.

    Introduced in chapter 6, Neural models. (``train`` itself keeps a model where it is:
    the book's models are small and train on the CPU, which keeps every result equal to
    the stored one.)
    """
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@dataclass
class TrainingHistory:
    """What :func:`train` records, one entry per epoch.

    Introduced in chapter 6, Neural models.

    Attributes
    ----------
    train_loss : list of float
        Mean negative objective over the training set (nats per example), as seen during
        the epoch.
    val_loss : list of float
        Mean negative objective on the validation data after each epoch (empty without it).
    best_epoch : int
        Epoch (1-based) whose parameters the model holds at the end.
    seconds : float
        Wall-clock training time.
    stopped_early : bool
        Whether ``patience`` ended training before the last epoch.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0
    stopped_early: bool = False

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    def __repr__(self) -> str:
        last = f"{self.train_loss[-1]:.3f}" if self.train_loss else "-"
        val = f", best val loss {min(self.val_loss):.3f}" if self.val_loss else ""
        return (
            f"TrainingHistory({self.epochs} epochs, last train loss {last}{val}, "
            f"best epoch {self.best_epoch})"
        )


class _Progress:
    """Live progress in Jupyter via a display handle.

    The first and last content are the same line, so the stored output of a cell is stable
    (nbval compares the first display; the saved notebook holds the last update).
    """

    def __init__(self, label: str, enabled: bool):
        self.handle = None
        self.label = label
        if not enabled:
            return
        try:
            from IPython import get_ipython
            from IPython.display import display

            if get_ipython() is None:
                return
            self.handle = display({"text/plain": label}, raw=True, display_id=True)
        except ImportError:  # pragma: no cover
            self.handle = None

    def update(self, text: str, fraction: float | None = None) -> None:
        if self.handle is not None:
            bar = ""
            if fraction is not None:
                filled = round(20 * min(max(fraction, 0.0), 1.0))
                bar = f"[{'#' * filled}{'.' * (20 - filled)}] "
            self.handle.update({"text/plain": f"{self.label}: {bar}{text}"}, raw=True)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.update({"text/plain": self.label}, raw=True)


def _as_tensor(X, name: str, n_features: int | None, dtype: torch.dtype) -> torch.Tensor:
    """``X`` as a 2-D tensor of the model's floating-point ``dtype``, or a clear error."""
    if isinstance(X, torch.Tensor):
        X = X.detach()
    return check_tensor(
        X, name, n_features=n_features, dtype=dtype, accept="array_like", rows="n_samples"
    )


def _check_objective_output(values, batch: int) -> None:
    """The objective must give one finite number per example (not a batch mean)."""
    if not isinstance(values, torch.Tensor):
        raise TypeError(
            f"objective(model, batch) must return a tensor of shape ({batch},), got "
            f"{type(values).__name__}."
        )
    if tuple(values.shape) != (batch,):
        raise ValueError(
            f"objective(model, batch) must return one value per example, shape ({batch},), "
            f"got {tuple(values.shape)}. Return e.g. model.log_prob(x), not its mean."
        )


@torch.no_grad()
def evaluate(model, X, objective: Callable | None = None, batch_size: int = 1024) -> float:
    """Mean of ``objective(model)(batch)`` over X, negated: nats per example.

    Introduced in chapter 6, Neural models.

    Parameters
    ----------
    model : torch.nn.Module
    X : array or tensor of shape (n_samples, n_features)
    objective : callable, optional
        ``objective(model, batch) -> Tensor (batch,)``; ``model.log_prob`` by default.
    """
    objective = objective or (lambda m, xb: m.log_prob(xb))
    param = next(model.parameters())
    device = param.device
    X = _as_tensor(X, "X", None, param.dtype)
    was_training = model.training
    model.eval()
    total = 0.0
    for start in range(0, X.shape[0], batch_size):
        xb = X[start : start + batch_size].to(device)
        total += float(objective(model, xb).sum())
    model.train(was_training)
    return -total / X.shape[0]


@torch.no_grad()
def round_gradients_(model: torch.nn.Module, bits: int) -> None:
    """Round each gradient tensor to ``bits`` significant bits of its largest entry, in place.

    The grid of a tensor is ``2**(e - bits)`` where ``2**(e - 1) <= max|g| < 2**e``: a power
    of two, so scaling is exact, and the largest entry keeps at least ``bits - 1`` bits, so
    a non-zero gradient stays non-zero. Rounding is half to even.
    """
    for p in model.parameters():
        g = p.grad
        if g is None or g.numel() == 0:
            continue
        amax = float(g.abs().max())
        if amax == 0.0 or not math.isfinite(amax):
            continue
        shift = math.frexp(amax)[1] - bits
        if -1000 < shift < 1000:  # 2.0**shift is a normal float: the scaling is exact
            g.mul_(2.0**-shift).round_().mul_(2.0**shift)


@torch.no_grad()
def _round_to_step(model: torch.nn.Module, step: float) -> None:
    """The former absolute rounding (``grad_step``): a multiple of ``step``."""
    for p in model.parameters():
        if p.grad is not None:
            p.grad.div_(step).round_().mul_(step)


def _all_gradients_zero(model: torch.nn.Module) -> bool:
    return all(p.grad is None or not bool(p.grad.any()) for p in model.parameters())


def train(
    model: torch.nn.Module,
    X_train,
    X_val=None,
    *,
    epochs: int = 50,
    batch_size: int = 64,
    lr: float = 1e-3,
    weight_decay: float = 0.0,
    objective: Callable | None = None,
    rng: torch.Generator | None = None,
    device: str | torch.device | None = None,
    patience: int | None = None,
    progress: bool | str = True,
    grad_bits: int | None = None,
    seed=_MISSING,
    grad_step=_MISSING,
) -> TrainingHistory:
    """Fit a density model by minibatch Adam on the negated mean ``objective``.

    Introduced in chapter 6, Neural models; used again in chapter 7 for the VAE.

    Parameters
    ----------
    model : torch.nn.Module
        Holds the parameters; trained in place and left in eval mode.
    X_train : array or tensor of shape (n_samples, n_features)
    X_val : array or tensor of shape (n_val, n_features), optional
        Scored after every epoch; the parameters of the best epoch are restored at the end.
    epochs : int, default 50
    batch_size : int, default 64
    lr : float, default 1e-3
        Adam's learning rate.
    weight_decay : float, default 0.0
    objective : callable, optional
        ``objective(model, batch) -> Tensor (batch,)`` to maximise; ``model.log_prob`` by
        default (e.g. ``lambda m, x: m.elbo(x)`` for a VAE).
    rng : torch.Generator, optional
        A CPU generator, the source of the shuffling and (through a seed drawn from it, on
        a forked copy of torch's global RNG) of any sampling inside the objective. Without
        it, training draws from torch's global RNG, as a plain PyTorch loop does.
    device : str or torch.device, optional
        ``"cpu"``, ``"cuda"``, ``"cuda:<index>"`` or ``"mps"``: where to train. By default
        the model trains where its parameters are (the CPU for a new model), so a GPU is
        used only when asked for. The model is left on that device: pass generators of the
        same device to its ``sample``/``elbo`` afterwards, or move it back with
        ``model.to("cpu")``.
    patience : int, optional
        Stop when the validation loss has not improved for this many epochs (early
        stopping; needs ``X_val``).
    progress : bool or str, default True
        Show live progress in Jupyter (a bar with the epoch and the losses, updated in
        place); a string is used as the label. When training ends the display reads the
        label alone, as when it started, so a stored notebook output does not depend on
        the run.
    grad_bits : int, optional
        Round each gradient tensor to this many significant bits of its largest entry
        before the Adam step (see ``round_gradients_``). By default no rounding (plain
        Adam), or 16 bits after :func:`reproducible`, which explains why. 0 turns it off.
    seed, grad_step : deprecated
        Former arguments. ``seed=s`` is ``rng=torch.Generator().manual_seed(s)``;
        ``grad_step`` rounded to an absolute grid, which turns every gradient of a
        small-scale objective into zero: use ``grad_bits``. Both warn (FutureWarning).

    Returns
    -------
    TrainingHistory

    Raises
    ------
    TypeError
        If ``model`` is not a ``torch.nn.Module`` or the data are not numeric.
    ValueError
        If the data have the wrong shape, no rows or non-finite values, ``device`` is not a
        device this machine has, the model has no parameters, ``patience`` is given without ``X_val``, or ``objective`` does not
        return one finite value per example.
    FloatingPointError
        If the loss becomes NaN or infinite (usually: the learning rate is too large).

    Warns
    -----
    RuntimeWarning
        When every gradient of a step is exactly zero (the objective does not depend on the
        parameters, or the gradients underflowed), or when the training loss never changed.

    Examples
    --------
    >>> from dgm_utils.autoregressive import FVSBN
    >>> X = torch.bernoulli(torch.full((100, 5), 0.3), generator=torch.Generator().manual_seed(0))
    >>> history = train(FVSBN(5), X[:80], X[80:], epochs=3, progress=False)
    >>> history.epochs, len(history.val_loss)
    (3, 3)
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}.")
    epochs = check_int(epochs, "epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    lr = check_float(lr, "lr", low=0.0, low_inclusive=False)
    weight_decay = check_float(weight_decay, "weight_decay", low=0.0)
    if seed is not _MISSING:
        seed = check_int(seed, "seed", minimum=0)
        if rng is not None:
            raise TypeError("train() got both rng and its former form seed; pass rng only.")
        rng = torch.Generator().manual_seed(renamed(seed, None, "seed", "rng", "train()"))
    rng = check_generator(rng, "cpu", "rng")  # the shuffling runs on the CPU
    step = None
    if grad_step is not _MISSING:
        warnings.warn(
            "train(): grad_step= (rounding to an absolute grid) is deprecated; use grad_bits= "
            "(rounding relative to each gradient's scale), or du.reproducible().",
            FutureWarning,
            stacklevel=2,
        )
        if grad_step is not None:
            step = check_float(grad_step, "grad_step", low=0.0, low_inclusive=False, high=2.0**-4)
            grad_bits = 0
    if grad_bits is None:
        grad_bits = _settings["grad_bits"] or 0
    if isinstance(grad_bits, bool):
        raise TypeError("grad_bits must be an int number of bits (0 for none), got a bool.")
    grad_bits = check_int(grad_bits, "grad_bits", minimum=0)
    if grad_bits > 52:
        raise ValueError(
            f"grad_bits must be at most 52 (float64 keeps 53 significant bits), got {grad_bits}."
        )
    if patience is not None:
        patience = check_int(patience, "patience", minimum=1)
        if X_val is None:
            raise ValueError(
                "patience (early stopping) watches the validation loss: pass X_val as well, "
                "e.g. train(model, X_train, X_val, patience=10)."
            )
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError(f"{type(model).__name__} has no trainable parameters.")
    # A density model (FVSBN, NADE, VAE) trains on rows x of width n_features; a model that
    # declares `trains_on_xy_rows` (NeuralClassifier) on rows (x, y), of another width.
    xy_rows = getattr(model, "trains_on_xy_rows", False)
    n_features = None if xy_rows else getattr(model, "n_features", None)
    dtype = next(model.parameters()).dtype
    X_train = _as_tensor(X_train, "X_train", n_features, dtype)
    X_val = None if X_val is None else _as_tensor(X_val, "X_val", X_train.shape[1], dtype)
    objective = objective or (lambda m, xb: m.log_prob(xb))
    device = check_device(device) if device is not None else next(model.parameters()).device

    # Seed a private copy of torch's global RNG (used by dropout, rsample, ...): training is
    # reproducible from `seed` and the caller's random stream is left as it was.
    fork_devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=fork_devices, enabled=rng is not None):
        if rng is not None:
            torch.manual_seed(int(torch.randint(2**62, (), generator=rng)))
        model.to(device)
        X_train = X_train.to(device)
        optimiser = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
        label = progress if isinstance(progress, str) else f"Training {type(model).__name__}"
        bar = _Progress(f"{label} ({epochs} epochs)", enabled=bool(progress))
        history = TrainingHistory()
        best_state, best_val, since_best = None, float("inf"), 0
        zero_warned = False
        start = time.perf_counter()
        n = X_train.shape[0]
        for epoch in range(1, epochs + 1):
            model.train()
            order = torch.randperm(n, generator=rng).to(device)
            total = 0.0
            for i in range(0, n, batch_size):
                xb = X_train[order[i : i + batch_size]]
                values = objective(model, xb)
                if epoch == 1 and i == 0:
                    _check_objective_output(values, xb.shape[0])
                loss = -values.mean()
                if not torch.isfinite(loss):
                    raise FloatingPointError(
                        f"The training loss became {float(loss.detach())} in epoch {epoch} (batch starting at "
                        f"example {i}); try a smaller learning rate than lr={lr}."
                    )
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                if grad_bits:
                    round_gradients_(model, grad_bits)
                elif step is not None:
                    _round_to_step(model, step)
                if not zero_warned and _all_gradients_zero(model):
                    zero_warned = True
                    warnings.warn(
                        f"Every gradient is exactly zero in epoch {epoch} (batch starting at "
                        f"example {i}): this step does not change the model. Does the "
                        "objective depend on the parameters, and is its scale representable?",
                        RuntimeWarning,
                        stacklevel=2,
                    )
                optimiser.step()
                total += float(loss.detach()) * xb.shape[0]
            history.train_loss.append(total / n)
            status = f"epoch {epoch}/{epochs}, train loss {history.train_loss[-1]:.2f}"
            if X_val is not None:
                history.val_loss.append(evaluate(model, X_val, objective))
                status += f", val loss {history.val_loss[-1]:.2f}"
                if history.val_loss[-1] < best_val:
                    best_val, since_best, history.best_epoch = history.val_loss[-1], 0, epoch
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                else:
                    since_best += 1
            else:
                history.best_epoch = epoch
            bar.update(status, epoch / epochs)
            if patience is not None and since_best >= patience:
                history.stopped_early = epoch < epochs
                break
        if best_state is not None:
            model.load_state_dict(best_state)
        model.eval()
        history.seconds = time.perf_counter() - start
        bar.close()
    if history.epochs >= 2 and len(set(history.train_loss)) == 1:
        warnings.warn(
            f"The training loss stayed at {history.train_loss[0]!r} for all {history.epochs} "
            "epochs: the model did not learn. Check the objective's scale and the learning "
            "rate.",
            RuntimeWarning,
            stacklevel=2,
        )
    return history
