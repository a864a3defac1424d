r"""From logistic regression to a neural network: a small classifier p(Y = 1 | x) in torch.

Chapter 6 starts from the lecture's observation that logistic regression,
:math:`p(Y = 1 \mid x) = \sigma(\alpha_0 + \sum_i \alpha_i x_i)`, can only draw a straight
decision boundary. Replacing the inputs by learned features :math:`h = f(Ax + b)` gives a
one-hidden-layer network, :math:`p(Y = 1 \mid x) = \sigma(\alpha_0 + \sum_i \alpha_i h_i)`;
stacking more such layers gives a deeper one. :class:`NeuralClassifier` covers all three:
``hidden=()`` *is* logistic regression.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import NotFittedError
from torch import nn
from torch.distributions import Bernoulli

from ._init import init_linear_
from ._validation import (
    check_float,
    check_float_dtype,
    check_generator,
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


class NeuralClassifier(ClassifierMixin, BaseEstimator, nn.Module):
    r"""A binary classifier :math:`p(Y = 1 \mid x) = \sigma(\alpha_0 + \alpha \cdot h(x))`.

    Introduced in chapter 6, Neural models. The features are computed by ``len(hidden)``
    stacked layers :math:`h^{(\ell)} = f(A_\ell h^{(\ell-1)} + b_\ell)`, with
    :math:`h^{(0)} = x`. With ``hidden=()`` there are no features, :math:`h = x`, and the
    model is logistic regression. It is a ``torch.nn.Module`` and a scikit-learn classifier
    (``fit``, ``predict_proba``, ``predict``, ``score``; ``clone``, ``GridSearchCV`` and
    ``Pipeline`` work), and returns :math:`p(Y \mid x)` as a real
    ``torch.distributions.Bernoulli`` (:meth:`conditional`).

    As a scikit-learn estimator it stores its arguments as given and checks them in
    :meth:`fit`. When they are valid and ``n_features`` is given, the layers are built at
    construction, with initial weights drawn from ``generator``, so that
    :meth:`param_counts` works before training. Every ``fit`` starts from those initial
    weights (so fitting twice gives the same model); a change of ``n_features``,
    ``hidden``, ``activation`` or ``generator`` (``set_params``) rebuilds the layers.

    Parameters
    ----------
    n_features : int, optional
        Dimension d of the inputs; taken from ``X`` in :meth:`fit` when omitted.
    hidden : sequence of int, default (8,)
        Width of each hidden layer; ``()`` for logistic regression.
    activation : {"tanh", "sigmoid", "relu"}, default "tanh"
        The non-linearity f.
    generator : torch.Generator, optional
        Source of the random initial weights (torch's global generator when omitted). A copy
        of it is used, so it is not advanced: its current state fixes the initial weights.
    epochs : int, default 300
    lr : float, default 0.05
    weight_decay : float, default 0.0
    seed : int, default 0
        Training settings of :meth:`fit` (full-batch Adam), hyperparameters so that
        ``GridSearchCV`` can tune them.
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
    classes_ : array ``[0, 1]``
    n_features_in_ : int
    history_ : TrainingHistory
        The losses of the last :meth:`fit`.

    Examples
    --------
    >>> net = NeuralClassifier(2, hidden=(4,))
    >>> net.param_counts()
    {'A': 8, 'b': 4, 'alpha': 5}
    >>> NeuralClassifier(2, hidden=()).param_counts()  # logistic regression
    {'alpha': 3}
    """

    # The module's own repr (its layers), not scikit-learn's list of arguments.
    __repr__ = nn.Module.__repr__

    def __init__(
        self,
        n_features: int | None = None,
        hidden: Sequence[int] = (8,),
        activation: str = "tanh",
        *,
        generator: torch.Generator | None = None,
        epochs: int = 300,
        lr: float = 0.05,
        weight_decay: float = 0.0,
        seed: int = 0,
        dtype: torch.dtype = torch.float64,
    ):
        nn.Module.__init__(self)
        self.n_features = n_features
        self.hidden = hidden
        self.activation = activation
        self.generator = generator
        self.epochs = epochs
        self.lr = lr
        self.weight_decay = weight_decay
        self.seed = seed
        self.dtype = dtype
        if n_features is not None:
            try:
                self._build(self._check_architecture(n_features))
            except (TypeError, ValueError):
                pass  # scikit-learn's contract: fit refuses bad arguments, __init__ stores them

    def _check_architecture(self, n_features) -> tuple:
        """Validated ``(n_features, hidden, activation, generator)``."""
        n_features = check_int(n_features, "n_features", minimum=1)
        hidden = self.hidden
        if isinstance(hidden, int | str) or not isinstance(hidden, Sequence):
            raise TypeError(
                f"hidden must be a sequence of layer widths such as (8,) or (8, 8), got "
                f"{hidden!r}. Use () for logistic regression."
            )
        hidden = tuple(check_int(h, "each hidden width", minimum=1) for h in hidden)
        check_in(self.activation, "activation", list(_ACTIVATIONS))
        check_float_dtype(self.dtype)
        generator = check_generator(self.generator, "cpu")  # weights are drawn on the CPU
        return n_features, hidden, self.activation, generator

    def _build(self, arch: tuple) -> None:
        n_features, hidden, _, generator = arch
        widths = (n_features, *hidden)
        self.layers = nn.ModuleList(
            nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:], strict=True)
        )
        self.output = nn.Linear(widths[-1], 1)
        # Same Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) as torch's default, drawn from a copy
        # of `generator`: its state, not how often it was used, fixes the weights, so that
        # clone() and GridSearchCV rebuild the same initial network.
        self._built_for = (n_features, hidden, arch[2], id(generator), self.dtype)
        if generator is not None:
            generator = torch.Generator().set_state(generator.get_state())
        self.to(self.dtype)
        for layer in [*self.layers, self.output]:
            init_linear_(layer, generator)
        self._initial_state = {k: v.detach().clone() for k, v in self.state_dict().items()}

    def _check_built(self) -> None:
        if "output" not in self._modules:
            raise NotFittedError(
                "This NeuralClassifier has no layers yet: pass n_features, or call fit(X, y)."
            )

    def _check_fitted(self) -> None:
        if not hasattr(self, "classes_"):
            raise NotFittedError(
                "This NeuralClassifier instance is not fitted yet; call fit(X, y) first."
            )

    def extra_repr(self) -> str:
        return f"hidden={self.hidden}, activation={self.activation!r}"

    def _check_X(self, X) -> torch.Tensor:
        self._check_fitted()
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        arr = check_matrix(X, "X", n_features=self.n_features_in_)
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
        self._check_built()
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
        epochs: int | None = None,
        lr: float | None = None,
        weight_decay: float | None = None,
        seed: int | None = None,
    ) -> NeuralClassifier:
        r"""Maximise the conditional log-likelihood :math:`\sum_n \log p(y_n \mid x_n)`.

        Full-batch Adam, through the book's one training loop (:func:`dgm_utils.training.train`): the
        objective of a row ``[x, y]`` is ``conditional(x).log_prob(y)``. Training starts
        from the initial weights drawn at construction (or at the first fit).

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
        y : array of shape (n_samples,), in {0, 1}
        epochs, lr, weight_decay, seed : optional
            Override the hyperparameters of the same names for this fit.

        Returns
        -------
        self
        """
        from .training import train

        arch = self._check_architecture(
            self.n_features if self.n_features is not None else np.shape(X)[-1]
        )
        epochs = self.epochs if epochs is None else epochs
        lr = self.lr if lr is None else lr
        weight_decay = self.weight_decay if weight_decay is None else weight_decay
        seed = self.seed if seed is None else seed
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        X = check_matrix(X, "X", n_features=arch[0])
        y = check_labels(y, X.shape[0])
        if not np.isin(y, (0, 1)).all():
            raise ValueError(f"y must hold 0/1 labels, got values {np.unique(y)[:5].tolist()}.")
        if getattr(self, "_built_for", None) == (
            arch[0],
            arch[1],
            arch[2],
            id(arch[3]),
            self.dtype,
        ):
            self.load_state_dict(self._initial_state)  # every fit starts from the same weights
        else:
            self._build(arch)
        Xt = torch.as_tensor(X, dtype=self.output.weight.dtype)
        data = torch.cat([Xt, torch.as_tensor(y, dtype=Xt.dtype)[:, None]], dim=1)
        d = arch[0]
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
        self.n_features_in_ = d
        self.classes_ = np.array([0, 1])
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
        pred = self.predict(X)
        y = check_labels(y, pred.shape[0])
        return float(np.mean(pred == y))

    def param_counts(self) -> dict[str, int]:
        r"""Parameters by the lecture's names: :math:`A_\ell`, :math:`b_\ell`, then :math:`\alpha`.

        One hidden layer gives keys ``A``, ``b``, ``alpha``; several give ``A1``, ``b1``,
        ``A2``, ... ; ``alpha`` counts :math:`\alpha_0` too.

        Returns
        -------
        dict of str -> int
        """
        self._check_built()
        counts = {}
        for i, layer in enumerate(self.layers, start=1):
            tag = "" if len(self.layers) == 1 else str(i)
            counts[f"A{tag}"] = layer.weight.numel()
            counts[f"b{tag}"] = layer.bias.numel()
        counts["alpha"] = self.output.weight.numel() + self.output.bias.numel()
        return counts

    def num_params(self) -> int:
        """All parameters (the sum of :meth:`param_counts`)."""
        self._check_built()
        return sum(p.numel() for p in self.parameters())
