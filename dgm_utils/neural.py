r"""From logistic regression to a neural network: a small classifier p(Y = 1 | x) in torch.

Chapter 6 starts from the lecture's observation that logistic regression,
:math:`p(Y = 1 \mid x) = \sigma(\alpha_0 + \sum_i \alpha_i x_i)`, can only draw a straight
decision boundary. Replacing the inputs by learned features :math:`h = f(Ax + b)` gives a
one-hidden-layer network, :math:`p(Y = 1 \mid x) = \sigma(\alpha_0 + \sum_i \alpha_i h_i)`;
stacking more such layers gives a deeper one. :class:`NeuralClassifier` covers all three:
``hidden=()`` *is* logistic regression.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data
from torch import nn
from torch.distributions import Bernoulli

from ._init import init_linear_
from ._validation import (
    check_fitted,
    check_float,
    check_generator,
    check_int,
    check_rng,
    model_dtype,
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

    As a scikit-learn estimator it stores its arguments as given; :meth:`fit` checks them,
    builds the layers, draws their initial weights from ``random_state`` and trains them.
    The labels may be any two values (``classes_``, sorted); ``classes_[1]`` plays the role
    of :math:`Y = 1`. Only two classes: the model is binary.

    Parameters
    ----------
    n_features : int, optional
        Dimension d of the inputs; taken from ``X`` in :meth:`fit` when omitted.
    hidden : sequence of int, default (8,)
        Width of each hidden layer; ``()`` for logistic regression.
    activation : {"tanh", "sigmoid", "relu"}, default "tanh"
        The non-linearity f.
    epochs : int, default 300
    lr : float, default 0.05
    weight_decay : float, default 0.0
        Full-batch Adam in :meth:`fit` (through :func:`~dgm_utils.training.train`).
    random_state : int, numpy RandomState or None, default None
        Seed of the initial weights (``torch.Generator().manual_seed(random_state)`` for an
        int); None draws them from torch's global generator, as ``nn.Linear`` does.
    dtype : torch.float64 or torch.float32, optional
        torch's default dtype when omitted (float64 after :func:`~dgm_utils.training.reproducible`).
    generator, seed : deprecated
        Former ways to fix the initial weights and the training's randomness; use
        ``random_state``. Both warn (FutureWarning).

    Attributes
    ----------
    layers : ModuleList of Linear
        Layer :math:`\ell` holds :math:`A_\ell` (``weight``, shape (h_l, h_{l-1})) and
        :math:`b_\ell` (``bias``).
    output : Linear
        :math:`\alpha` (``weight``, shape (1, h_L)) and :math:`\alpha_0` (``bias``).
    classes_ : array of shape (2,)
    n_features_in_ : int
    history_ : TrainingHistory
        The losses of the last :meth:`fit`.

    Examples
    --------
    >>> NeuralClassifier(2, hidden=(4,)).param_counts()
    {'A': 8, 'b': 4, 'alpha': 5}
    >>> NeuralClassifier(2, hidden=()).param_counts()  # logistic regression
    {'alpha': 3}
    """

    # train() feeds rows [x, y]: their width is n_features + 1, not n_features.
    trains_on_xy_rows = True

    _parameter_constraints: dict = {
        "n_features": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "hidden": "no_validation",  # checked in fit, with the book's message
        "activation": [StrOptions(set(_ACTIVATIONS))],
        "epochs": [Interval(numbers.Integral, 1, None, closed="left")],
        "lr": [Interval(numbers.Real, 0, None, closed="neither")],
        "weight_decay": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "dtype": "no_validation",
        "generator": "no_validation",
        "seed": [None, Interval(numbers.Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        n_features: int | None = None,
        hidden: Sequence[int] = (8,),
        activation: str = "tanh",
        *,
        epochs: int = 300,
        lr: float = 0.05,
        weight_decay: float = 0.0,
        random_state=None,
        dtype: torch.dtype | None = None,
        generator: torch.Generator | None = None,
        seed: int | None = None,
    ):
        nn.Module.__init__(self)
        self.n_features = n_features
        self.hidden = hidden
        self.activation = activation
        self.epochs = epochs
        self.lr = lr
        self.weight_decay = weight_decay
        self.random_state = random_state
        self.dtype = dtype
        self.generator = generator
        self.seed = seed

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        if "output" in self._modules:  # fitted: the module's layers
            return nn.Module.__repr__(self)
        return BaseEstimator.__repr__(self, N_CHAR_MAX)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "classes_")

    def _check_hidden(self) -> tuple[int, ...]:
        hidden = self.hidden
        if isinstance(hidden, int | str) or not isinstance(hidden, Sequence):
            raise TypeError(
                f"hidden must be a sequence of layer widths such as (8,) or (8, 8), got "
                f"{hidden!r}. Use () for logistic regression."
            )
        return tuple(check_int(h, "each hidden width", minimum=1) for h in hidden)

    def _initial_generator(self) -> torch.Generator | None:
        if self.generator is not None:
            warnings.warn(
                "NeuralClassifier(generator=...) is deprecated; pass random_state=<int> "
                "instead (the seed of the initial weights).",
                FutureWarning,
                stacklevel=3,
            )
            return torch.Generator().set_state(check_generator(self.generator, "cpu").get_state())
        if self.random_state is None:
            return None
        seed = self.random_state
        if not isinstance(seed, numbers.Integral):
            seed = check_random_state(seed).randint(2**31)
        return torch.Generator().manual_seed(int(seed))

    def _build(self, n_features: int, hidden: tuple[int, ...], dtype) -> None:
        widths = (n_features, *hidden)
        self.layers = nn.ModuleList(
            nn.Linear(a, b, dtype=dtype) for a, b in zip(widths[:-1], widths[1:], strict=True)
        )
        self.output = nn.Linear(widths[-1], 1, dtype=dtype)
        # Same Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) as torch's default, with every CPU
        # rounding alike (see _init.uniform_).
        generator = self._initial_generator()
        for layer in [*self.layers, self.output]:
            init_linear_(layer, generator)

    def _check_built(self) -> None:
        if "output" not in self._modules:
            raise NotFittedError(
                "This NeuralClassifier instance is not fitted yet; call fit(X, y) first."
            )

    def extra_repr(self) -> str:
        return f"hidden={self.hidden}, activation={self.activation!r}"

    def _check_X(self, X) -> torch.Tensor:
        check_fitted(self, "fit(X, y)")
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        X = validate_data(self, X, reset=False)
        return torch.as_tensor(X, dtype=self.output.weight.dtype)

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
        h = self.features(x)  # raises NotFittedError before fit
        return Bernoulli(logits=self.output(h).squeeze(-1))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y) -> NeuralClassifier:
        r"""Maximise the conditional log-likelihood :math:`\sum_n \log p(y_n \mid x_n)`.

        Full-batch Adam, through the book's one training loop (:func:`~dgm_utils.training.train`):
        the objective of a row ``[x, y]`` is ``conditional(x).log_prob(y)``. The layers are
        built, and their initial weights drawn from ``random_state``, at every fit.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
        y : array of shape (n_samples,), two distinct labels

        Returns
        -------
        self
        """
        from .training import train

        hidden = self._check_hidden()
        dtype = model_dtype(self.dtype)
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        X, y = validate_data(self, X, y, dtype=np.float64)
        if self.n_features is not None and X.shape[1] != self.n_features:
            raise ValueError(
                f"X has {X.shape[1]} features, but NeuralClassifier(n_features="
                f"{self.n_features}) expects {self.n_features}."
            )
        check_classification_targets(y)
        self.classes_, y01 = np.unique(y, return_inverse=True)
        if len(self.classes_) != 2:
            n = len(self.classes_)
            raise ValueError(
                "Only binary classification is supported: NeuralClassifier needs y with exactly "
                f"2 classes, got {n} class{'es' if n != 1 else ''} ({self.classes_[:5].tolist()})."
            )
        if self.seed is not None:
            warnings.warn(
                "NeuralClassifier(seed=...) is deprecated; random_state fixes the initial "
                "weights (full-batch training draws nothing else).",
                FutureWarning,
                stacklevel=2,
            )
        d = X.shape[1]
        self._build(d, hidden, dtype)
        Xt = torch.as_tensor(X, dtype=dtype)
        data = torch.cat([Xt, torch.as_tensor(y01, dtype=dtype)[:, None]], dim=1)
        self.history_ = train(
            self,
            data,
            epochs=self.epochs,
            batch_size=data.shape[0],
            lr=self.lr,
            weight_decay=self.weight_decay,
            objective=lambda m, xy: m.conditional(xy[:, :d]).log_prob(xy[:, d]),
            rng=torch.Generator().manual_seed(0),  # full batch: fixes only the row order
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
            Columns p(Y = classes_[0] | x) and p(Y = classes_[1] | x).
        """
        p1 = self.conditional(self._check_X(X)).probs.double().numpy()
        return np.column_stack([1 - p1, p1])

    def predict(self, X) -> np.ndarray:
        """The more probable class of each row, array of shape (n_samples,)."""
        p1 = self.predict_proba(X)[:, 1]
        return self.classes_[(p1 > 0.5).astype(np.int64)]

    def param_counts(self) -> dict[str, int]:
        r"""Parameters by the lecture's names: :math:`A_\ell`, :math:`b_\ell`, then :math:`\alpha`.

        One hidden layer gives keys ``A``, ``b``, ``alpha``; several give ``A1``, ``b1``,
        ``A2``, ... ; ``alpha`` counts :math:`\alpha_0` too. Computed from the
        architecture, so it works before :meth:`fit` when ``n_features`` is given.

        Returns
        -------
        dict of str -> int
        """
        if hasattr(self, "n_features_in_"):
            d = self.n_features_in_
        elif self.n_features is not None:
            d = check_int(self.n_features, "n_features", minimum=1)
        else:
            raise NotFittedError(
                "NeuralClassifier(n_features=None) knows its size after fit(X, y): pass "
                "n_features, or fit first."
            )
        widths = (d, *self._check_hidden())
        counts = {}
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:], strict=True), start=1):
            tag = "" if len(widths) == 2 else str(i)
            counts[f"A{tag}"] = a * b
            counts[f"b{tag}"] = b
        counts["alpha"] = widths[-1] + 1
        return counts

    def num_params(self) -> int:
        """All parameters (the sum of :meth:`param_counts`)."""
        return sum(self.param_counts().values())
