"""Experiment recipes: the chapters' comparisons of several models, with their settings.

:func:`fit_digit_models` fits chapter 6's five models of the binarised digits (independent
pixels, the Markov chain, a mixture of Bernoullis, FVSBN and NADE) with the chapter's
settings; chapter 7 and the benchmark call it too, so the three always compare the same
models. Each fit comes back as a :class:`FittedModel` that records what the fit cost.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from ._validation import check_binary, check_int, check_rng, renamed
from .autoregressive import FVSBN, NADE
from .binary_densities import BinaryMarkovChain, IndependentBernoulli
from .mixtures import BernoulliMixture
from .training import TrainingHistory, train

__all__ = ["FittedModel", "fit_digit_models"]


@dataclass(frozen=True)
class FittedModel:
    """One model fitted by :func:`fit_digit_models`, with what its fit recorded.

    Introduced in chapter 6, Neural models.

    Attributes
    ----------
    label : str
        Its name in a table, e.g. ``"mixture of 40 Bernoullis"``.
    model : IndependentBernoulli, BinaryMarkovChain, BernoulliMixture, FVSBN or NADE
        The fitted model.
    seconds : float
        Wall-clock fitting time; for the mixture, of the whole search over K.
    history : TrainingHistory or None
        What :func:`dgm_utils.training.train` recorded (FVSBN and NADE only).
    validation_nll : dict of int to float, or None
        The mixture only: mean validation NLL (nats per image) of each candidate K.
    """

    label: str
    model: Any
    seconds: float
    history: TrainingHistory | None = None
    validation_nll: dict[int, float] | None = None

    def nll(self, X) -> np.ndarray:
        """Negative log-likelihood of each row of X in nats, whatever the kind of model.

        Introduced in chapter 6, Neural models.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), 0/1 values

        Returns
        -------
        array of shape (n_samples,), float64
        """
        if isinstance(self.model, nn.Module):
            with torch.no_grad():
                param = next(self.model.parameters())
                x = torch.as_tensor(np.asarray(X), dtype=param.dtype, device=param.device)
                return -self.model.log_prob(x).cpu().double().numpy()
        return -self.model.log_prob(X)


def _torch_rng(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def fit_digit_models(
    X_fit,
    X_val,
    *,
    components: Iterable[int] = (10, 20, 40, 80),
    epochs: int = 300,
    rng: np.random.Generator | None = None,
    progress: bool = False,
    seed=None,
) -> dict[str, FittedModel]:
    """Fit chapter 6's five density models of binary images on one split, with its settings.

    Introduced in chapter 6, Neural models; chapter 7 and ``benchmarks/bench_autoregressive.py``
    call it to compare against the same models.

    Parameters
    ----------
    X_fit : array of shape (n_fit, n_features), 0/1 values
        Images the models are fitted on.
    X_val : array of shape (n_val, n_features), 0/1 values
        Images that choose the mixture's K and stop the training of FVSBN and NADE.
    components : iterable of int, default (10, 20, 40, 80)
        Candidate numbers of mixture components.
    epochs : int, default 300
        Most epochs of training for FVSBN and NADE (early stopping usually ends sooner).
    rng : numpy.random.Generator, optional
        Source of the mixture's initialisation (``random_state`` drawn from it), NADE's
        initial weights and the training's shuffling (``torch.Generator`` seeds drawn from
        it). None: ``np.random.default_rng()``, a fresh run each time.
    seed : int, deprecated
        The former argument: ``seed=s`` is ``rng=np.random.default_rng(s)`` (FutureWarning).
    progress : bool, default False
        Show live training progress in Jupyter ("Training FVSBN", "Training NADE").

    Returns
    -------
    dict of str to FittedModel
        Keys ``"independent"``, ``"markov_chain"``, ``"mixture"``, ``"fvsbn"`` and
        ``"nade"``, in that order.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If the images are not binary matrices with the same number of columns, or
        ``components`` is empty.

    Examples
    --------
    >>> X = np.random.default_rng(0).integers(0, 2, size=(60, 5))
    >>> fits = fit_digit_models(
    ...     X[:40], X[40:], components=(1, 2), epochs=2, rng=np.random.default_rng(0)
    ... )
    >>> {key: fit.model.num_params() for key, fit in fits.items()}
    {'independent': 5, 'markov_chain': 9, 'mixture': 11, 'fvsbn': 15, 'nade': 645}
    """
    X_fit = check_binary(X_fit, "X_fit")
    X_val = check_binary(X_val, "X_val", n_features=X_fit.shape[1])
    if isinstance(components, int | str) or not isinstance(components, Iterable):
        raise TypeError(
            f"components must be a sequence of integers, e.g. (10, 20, 40, 80), got {components!r}."
        )
    components = tuple(check_int(k, "each entry of components", minimum=1) for k in components)
    if not components:
        raise ValueError("components is empty: give at least one number of mixture components.")
    epochs = check_int(epochs, "epochs", minimum=1)
    if seed is not None:
        rng = np.random.default_rng(
            check_int(renamed(seed, rng, "seed", "rng", "fit_digit_models()"), "seed", minimum=0)
        )
    rng = np.random.default_rng() if rng is None else check_rng(rng)
    # one seed per random part, drawn up front so that each part's draws are fixed by rng
    mixture_seed, fvsbn_seed, nade_seed, nade_init = (int(v) for v in rng.integers(2**62, size=4))
    n = X_fit.shape[1]
    fits = {}

    # Chapters 2 and 3: counting, with one pseudo-count per outcome.
    for key, label, make in [
        ("independent", "independent pixels", IndependentBernoulli),
        ("markov_chain", "Markov chain (raster)", BinaryMarkovChain),
    ]:
        start = time.perf_counter()
        model = make(alpha=1.0).fit(X_fit)
        fits[key] = FittedModel(label, model, time.perf_counter() - start)

    # EM for every K (a pseudo-count of 0.5 per pixel probability); keep the K whose
    # mixture gives the validation images the lowest NLL.
    start = time.perf_counter()
    mixtures = {
        k: BernoulliMixture(k, alpha=0.5, random_state=mixture_seed % 2**32).fit(X_fit)
        for k in components
    }
    val_nll = {k: -m.score(X_val) for k, m in mixtures.items()}
    best_k = min(val_nll, key=val_nll.get)
    seconds = time.perf_counter() - start
    label = f"mixture of {best_k} Bernoullis"
    fits["mixture"] = FittedModel(label, mixtures[best_k], seconds, validation_nll=val_nll)

    # Adam with a small weight decay, and early stopping on the validation images.
    settings = dict(epochs=epochs, lr=1e-2, weight_decay=1e-3, patience=10)
    fvsbn = FVSBN(n)
    bar = "Training FVSBN" if progress else False
    history = train(
        fvsbn, X_fit, X_val, batch_size=64, progress=bar, rng=_torch_rng(fvsbn_seed), **settings
    )
    fits["fvsbn"] = FittedModel("FVSBN", fvsbn, history.seconds, history)
    nade = NADE(n, hidden=64, rng=_torch_rng(nade_init))
    bar = "Training NADE" if progress else False
    history = train(
        nade, X_fit, X_val, batch_size=128, progress=bar, rng=_torch_rng(nade_seed), **settings
    )
    fits["nade"] = FittedModel("NADE, 64 hidden units", nade, history.seconds, history)
    return fits
