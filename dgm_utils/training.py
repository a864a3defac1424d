"""One training loop for every density model in the book (chapters 6 and 7).

A model is anything with parameters whose objective maps a batch to one number per example
that we want to *maximise*: ``model.log_prob`` for exact-likelihood models (FVSBN, NADE),
``model.elbo`` for a VAE. The loop minimises the negated mean of that objective.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from ._validation import check_device, check_float, check_int, check_tensor


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
def _round_gradients(model: torch.nn.Module, step: float) -> None:
    """Round every gradient to a multiple of ``step`` in place (round half to even)."""
    for p in model.parameters():
        if p.grad is not None:
            p.grad.div_(step).round_().mul_(step)


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
    seed: int = 0,
    device: str | torch.device | None = None,
    patience: int | None = None,
    progress: bool | str = True,
    grad_step: float | None = 2.0**-20,
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
    seed : int, default 0
        Seeds the shuffling and any sampling inside the objective, on a forked copy of
        torch's global RNG: the caller's random stream is not changed.
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
    grad_step : float or None, default 2**-20
        Round every gradient to a multiple of this (about 1e-6) before the Adam step; None
        turns it off. Minibatch training amplifies tiny differences: CPUs with other vector
        instructions compute sums and exponentials with other last bits (about 1e-16), and
        over thousands of steps that grows into other weights and other printed results.
        Rounding absorbs such differences, so a run gives the same model on every machine
        in all but rare cases, at the cost of a rounding error far below the minibatch
        noise of the gradient.

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
    seed = check_int(seed, "seed", minimum=0)
    if grad_step is not None:
        grad_step = check_float(grad_step, "grad_step", low=0.0, low_inclusive=False)
    if patience is not None:
        patience = check_int(patience, "patience", minimum=1)
        if X_val is None:
            raise ValueError(
                "patience (early stopping) watches the validation loss: pass X_val as well, "
                "e.g. train(model, X_train, X_val, patience=10)."
            )
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError(f"{type(model).__name__} has no trainable parameters.")
    # A density model (FVSBN, NADE, VAE) trains on rows x of width n_features; a classifier
    # (NeuralClassifier) on rows (x, y), so its n_features does not fix the width.
    n_features = None if hasattr(model, "predict") else getattr(model, "n_features", None)
    dtype = next(model.parameters()).dtype
    X_train = _as_tensor(X_train, "X_train", n_features, dtype)
    X_val = None if X_val is None else _as_tensor(X_val, "X_val", X_train.shape[1], dtype)
    objective = objective or (lambda m, xb: m.log_prob(xb))
    device = check_device(device) if device is not None else next(model.parameters()).device

    # Seed a private copy of torch's global RNG (used by dropout, rsample, ...): training is
    # reproducible from `seed` and the caller's random stream is left as it was.
    fork_devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=fork_devices):
        torch.manual_seed(seed)
        shuffle_gen = torch.Generator().manual_seed(seed)
        model.to(device)
        X_train = X_train.to(device)
        optimiser = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
        label = progress if isinstance(progress, str) else f"Training {type(model).__name__}"
        bar = _Progress(f"{label} ({epochs} epochs)", enabled=bool(progress))
        history = TrainingHistory()
        best_state, best_val, since_best = None, float("inf"), 0
        start = time.perf_counter()
        n = X_train.shape[0]
        for epoch in range(1, epochs + 1):
            model.train()
            order = torch.randperm(n, generator=shuffle_gen).to(device)
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
                if grad_step is not None:
                    _round_gradients(model, grad_step)
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
    return history
