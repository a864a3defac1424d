r"""From logistic regression to a neural network: a small classifier p(Y = 1 | x) in torch.

Chapter 6 starts from the lecture's observation that logistic regression,
:math:`p(Y = 1 \mid x) = \sigma(\alpha_0 + \sum_i \alpha_i x_i)`, can only draw a straight
decision boundary. Replacing the inputs by learned features :math:`h = f(Ax + b)` gives a
one-hidden-layer network, :math:`p(Y = 1 \mid x) = \sigma(\alpha_0 + \sum_i \alpha_i h_i)`;
stacking more such layers gives a deeper one. :class:`NeuralClassifier` covers all three:
``hidden=()`` *is* logistic regression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.distributions import Bernoulli

from ._validation import (
    check_float,
    check_float_dtype,
    check_in,
    check_int,
    check_labels,
    check_matrix,
    check_rng,
)

__all__ = ["NeuralClassifier", "make_xor"]

_ACTIVATIONS = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}


def make_xor(
    n_samples: int = 400, noise: float = 0.35, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: four Gaussian blobs, labelled 1 where exactly one coordinate is > 0.

    Introduced in chapter 6, Neural models. Blob centres are :math:`(\\pm 1, \\pm 1)`; the
    label is that of the blob (1 for the centres (1, -1) and (-1, 1)), so with a large
    ``noise`` a few points fall on the other side of the axes and no classifier is perfect.
    No straight line separates the classes: logistic regression is stuck near chance.

    Parameters
    ----------
    n_samples : int, default 400
        Number of points (split as evenly as possible between the four blobs).
    noise : float, default 0.35
        Standard deviation of each blob.
    rng : numpy.random.Generator

    Returns
    -------
    X : array of shape (n_samples, 2)
    y : array of shape (n_samples,), dtype int64, in {0, 1}

    Examples
    --------
    >>> X, y = make_xor(8, rng=np.random.default_rng(0))
    >>> X.shape, y.tolist()
    ((8, 2), [0, 1, 1, 0, 0, 1, 1, 0])
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    noise = check_float(noise, "noise", low=0.0)
    rng = check_rng(rng)
    centres = np.array([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    blob = np.arange(n_samples) % 4
    X = centres[blob] + noise * rng.standard_normal((n_samples, 2))
    y = (centres[blob, 0] * centres[blob, 1] < 0).astype(np.int64)
    return X, y


class NeuralClassifier(nn.Module):
    r"""A binary classifier :math:`p(Y = 1 \mid x) = \sigma(\alpha_0 + \alpha \cdot h(x))`.

    Introduced in chapter 6, Neural models. The features are computed by ``len(hidden)``
    stacked layers :math:`h^{(\ell)} = f(A_\ell h^{(\ell-1)} + b_\ell)`, with
    :math:`h^{(0)} = x`. With ``hidden=()`` there are no features, :math:`h = x`, and the
    model is logistic regression. It is a ``torch.nn.Module`` that also speaks the
    scikit-learn vocabulary (``fit``, ``predict_proba``, ``predict``, ``score``), and
    returns :math:`p(Y \mid x)` as a real ``torch.distributions.Bernoulli``
    (:meth:`conditional`).

    Parameters
    ----------
    n_features : int
        Dimension d of the inputs.
    hidden : sequence of int, default (8,)
        Width of each hidden layer; ``()`` for logistic regression.
    activation : {"tanh", "sigmoid", "relu"}, default "tanh"
        The non-linearity f.
    generator : torch.Generator, optional
        Source of the random initial weights (torch's global generator when omitted).
    dtype : torch.float64 or torch.float32, default torch.float64
        The book's models are small: in float64 their training follows the same path on
        every CPU, so results reproduce to the printed digit.

    Attributes
    ----------
    layers : ModuleList of Linear
        Layer :math:`\ell` holds :math:`A_\ell` (``weight``, shape (h_l, h_{l-1})) and
        :math:`b_\ell` (``bias``).
    output : Linear
        :math:`\alpha` (``weight``, shape (1, h_L)) and :math:`\alpha_0` (``bias``).

    Examples
    --------
    >>> net = NeuralClassifier(2, hidden=(4,))
    >>> net.param_counts()
    {'A': 8, 'b': 4, 'alpha': 5}
    >>> NeuralClassifier(2, hidden=()).param_counts()  # logistic regression
    {'alpha': 3}
    """

    def __init__(
        self,
        n_features: int,
        hidden: Sequence[int] = (8,),
        activation: str = "tanh",
        *,
        generator: torch.Generator | None = None,
        dtype: torch.dtype = torch.float64,
    ):
        super().__init__()
        dtype = check_float_dtype(dtype)
        self.n_features = check_int(n_features, "n_features", minimum=1)
        if isinstance(hidden, int | str) or not isinstance(hidden, Sequence):
            raise TypeError(
                f"hidden must be a sequence of layer widths such as (8,) or (8, 8), got "
                f"{hidden!r}. Use () for logistic regression."
            )
        self.hidden = tuple(check_int(h, "each hidden width", minimum=1) for h in hidden)
        check_in(activation, "activation", list(_ACTIVATIONS))
        self.activation = activation
        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(
                "generator must be a torch.Generator (e.g. torch.Generator().manual_seed(0)), "
                f"got {type(generator).__name__}."
            )
        widths = (self.n_features, *self.hidden)
        self.layers = nn.ModuleList(
            nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:], strict=True)
        )
        self.output = nn.Linear(widths[-1], 1)
        # Same Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) as torch's default, from `generator`.
        with torch.no_grad():
            for layer in [*self.layers, self.output]:
                bound = 1.0 / math.sqrt(layer.in_features)
                for p in (layer.weight, layer.bias):
                    p.copy_((2 * torch.rand(p.shape, generator=generator) - 1) * bound)
        self.to(dtype)

    def extra_repr(self) -> str:
        return f"hidden={self.hidden}, activation={self.activation!r}"

    def _check_X(self, X) -> torch.Tensor:
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        arr = check_matrix(X, "X", n_features=self.n_features)
        return torch.as_tensor(arr, dtype=self.output.weight.dtype)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        r"""The last hidden layer :math:`h(x)` (``x`` itself for logistic regression).

        Parameters
        ----------
        x : tensor of shape (n, n_features)

        Returns
        -------
        tensor of shape (n, hidden[-1])
        """
        f = _ACTIVATIONS[self.activation]
        x = torch.as_tensor(x, dtype=self.output.weight.dtype, device=self.output.weight.device)
        for layer in self.layers:
            x = f(layer(x))  # h = f(A x + b)
        return x

    def conditional(self, x: torch.Tensor) -> Bernoulli:
        r""":math:`p(Y \mid x)` for each row, as ``Bernoulli(logits=alpha_0 + alpha . h(x))``.

        Parameters
        ----------
        x : tensor of shape (n, n_features)

        Returns
        -------
        torch.distributions.Bernoulli with batch shape (n,)
        """
        return Bernoulli(logits=self.output(self.features(x)).squeeze(-1))

    def fit(
        self,
        X,
        y,
        *,
        epochs: int = 300,
        lr: float = 0.05,
        weight_decay: float = 0.0,
        seed: int = 0,
    ) -> NeuralClassifier:
        r"""Maximise the conditional log-likelihood :math:`\sum_n \log p(y_n \mid x_n)`.

        Full-batch Adam, through the book's one training loop (:func:`dgm_utils.training.train`): the
        objective of a row ``[x, y]`` is ``conditional(x).log_prob(y)``.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
        y : array of shape (n_samples,), in {0, 1}
        epochs : int, default 300
        lr : float, default 0.05
        weight_decay : float, default 0.0
        seed : int, default 0

        Returns
        -------
        self
        """
        from .training import train

        Xt = self._check_X(X)
        y = check_labels(y, Xt.shape[0])
        if not np.isin(y, (0, 1)).all():
            raise ValueError(f"y must hold 0/1 labels, got values {np.unique(y)[:5].tolist()}.")
        data = torch.cat([Xt, torch.as_tensor(y, dtype=Xt.dtype)[:, None]], dim=1)
        d = self.n_features
        self.history_ = train(
            self,
            data,
            epochs=epochs,
            batch_size=data.shape[0],
            lr=lr,
            weight_decay=weight_decay,
            objective=lambda m, xy: m.conditional(xy[:, :d]).log_prob(xy[:, d]),
            seed=seed,
            device="cpu",
            progress=False,
        )
        return self

    @torch.no_grad()
    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, scikit-learn style.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)

        Returns
        -------
        array of shape (n_samples, 2)
            Columns :math:`p(Y = 0 \\mid x)` and :math:`p(Y = 1 \\mid x)`.
        """
        p1 = self.conditional(self._check_X(X)).probs.double().numpy()
        return np.column_stack([1 - p1, p1])

    def predict(self, X) -> np.ndarray:
        """The more probable class of each row, array of shape (n_samples,), dtype int64."""
        return (self.predict_proba(X)[:, 1] > 0.5).astype(np.int64)

    def score(self, X, y) -> float:
        """Accuracy on ``(X, y)``."""
        y = check_labels(y, np.asarray(X).shape[0])
        return float(np.mean(self.predict(X) == y))

    def param_counts(self) -> dict[str, int]:
        r"""Parameters by the lecture's names: :math:`A_\ell`, :math:`b_\ell`, then :math:`\alpha`.

        One hidden layer gives keys ``A``, ``b``, ``alpha``; several give ``A1``, ``b1``,
        ``A2``, ... ; ``alpha`` counts :math:`\alpha_0` too.

        Returns
        -------
        dict of str -> int
        """
        counts = {}
        for i, layer in enumerate(self.layers, start=1):
            tag = "" if len(self.layers) == 1 else str(i)
            counts[f"A{tag}"] = layer.weight.numel()
            counts[f"b{tag}"] = layer.bias.numel()
        counts["alpha"] = self.output.weight.numel() + self.output.bias.numel()
        return counts

    def num_params(self) -> int:
        """All parameters (the sum of :meth:`param_counts`)."""
        return sum(p.numel() for p in self.parameters())
