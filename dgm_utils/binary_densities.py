"""Density models of binary vectors, and the pixel orderings they factorise along.

Chapters 2 and 3 fit them to real data; both speak the ``torch.distributions`` /
scikit-learn vocabulary: :class:`IndependentBernoulli` (n parameters) and
:class:`BinaryMarkovChain` (2n - 1 parameters, along a pixel ordering from
:func:`pixel_order`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin

from ._validation import (
    check_binary,
    check_feature_names,
    check_fitted,
    check_float,
    check_int,
    check_rng,
    check_sample_size,
    describe,
)
from .counting import num_params_independent, num_params_markov_chain

__all__ = ["IndependentBernoulli", "BinaryMarkovChain", "pixel_order", "PIXEL_ORDERS"]


# ----------------------------------------------------------------------------------------
# Pixel orderings
# ----------------------------------------------------------------------------------------

#: The orderings :func:`pixel_order` knows.
PIXEL_ORDERS = ("raster", "column", "snake", "snake-column")


def pixel_order(kind: str = "raster", shape: tuple[int, int] = (8, 8)) -> np.ndarray:
    """A visiting order of the pixels of an h x w image, as flat (row-major) indices.

    Introduced in chapter 3, Chain rule and conditional independence.

    Parameters
    ----------
    kind : {"raster", "column", "snake", "snake-column"}
        ``"raster"``: row by row, left to right (the identity); ``"column"`` (column-major):
        column by column, top to bottom; ``"snake"`` (boustrophedon): row by row, reversing
        direction on every other row so consecutive pixels are always neighbours;
        ``"snake-column"``: the same, column by column.
    shape : tuple of int, default (8, 8)
        ``(height, width)`` of the image.

    Returns
    -------
    order : array of shape (height * width,), dtype int64
        A permutation: ``order[i]`` is the flat index of the i-th pixel visited.

    Examples
    --------
    >>> pixel_order("snake", (2, 3))
    array([0, 1, 2, 5, 4, 3])
    >>> pixel_order("column", (2, 3))
    array([0, 3, 1, 4, 2, 5])
    """
    if not isinstance(kind, str):
        raise TypeError(
            f"kind must be a string, one of {list(PIXEL_ORDERS)}, got {describe(kind)}."
        )
    aliases = {"column-major": "column", "row-major": "raster", "boustrophedon": "snake"}
    kind = aliases.get(kind, kind)
    if kind not in PIXEL_ORDERS:
        raise ValueError(f"kind must be one of {list(PIXEL_ORDERS)}, got {kind!r}.")
    if not isinstance(shape, Sequence) or len(shape) != 2:
        raise TypeError(f"shape must be a pair (height, width), got {shape!r}.")
    h = check_int(shape[0], "shape[0] (height)", minimum=1)
    w = check_int(shape[1], "shape[1] (width)", minimum=1)
    grid = np.arange(h * w, dtype=np.int64).reshape(h, w)
    if kind in ("column", "snake-column"):
        grid = grid.T.copy()
    if kind.startswith("snake"):
        grid[1::2] = grid[1::2, ::-1]
    return grid.ravel()


def _check_order_array(order, n: int | None = None) -> np.ndarray:
    if isinstance(order, str | bytes):
        raise TypeError(
            f"order must be a permutation of pixel indices; for a named ordering use "
            f"pixel_order({order!r}, shape)."
        )
    arr = np.asarray(order)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"order must be a 1-D permutation of 0..n-1, got shape {arr.shape}.")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"order must hold integer pixel indices, got {describe(arr)}.")
    arr = arr.astype(np.int64)
    if n is not None and arr.size != n:
        raise ValueError(f"order has {arr.size} entries but X has {n} features; they must match.")
    if not np.array_equal(np.sort(arr), np.arange(arr.size)):
        counts = np.bincount(arr[(arr >= 0) & (arr < arr.size)], minlength=arr.size)
        missing = np.flatnonzero(counts == 0)[:5].tolist()
        raise ValueError(
            f"order must be a permutation of 0..{arr.size - 1} (each index once); "
            f"missing e.g. {missing}."
        )
    return arr


# ----------------------------------------------------------------------------------------
# Density models of binary vectors
# ----------------------------------------------------------------------------------------


def _log_bernoulli(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """log p^x (1-p)^(1-x) elementwise, exact at p in {0, 1} (no 0 * log 0 = NaN)."""
    with np.errstate(divide="ignore"):
        return np.where(x == 1, np.log(p), np.log1p(-p))


class _BinaryDensity(DensityMixin, BaseEstimator):
    """Shared plumbing: validation, fitted check, score.

    A scikit-learn estimator: ``__init__`` stores the hyperparameters as given and ``fit``
    checks them, so ``clone`` and ``GridSearchCV`` (which maximises ``score``) work.
    """

    alpha: float

    def _check_alpha(self) -> float:
        return check_float(self.alpha, "alpha", low=0.0)

    def _check_X(self, X, fitted: bool = True) -> np.ndarray:
        check_feature_names(self, X, reset=not fitted)
        n = self.n_features_in_ if fitted else None
        return check_binary(X, "X", n_features=n, hint="For one image use x[None, :].")

    def score(self, X, y=None) -> float:
        """Mean log-likelihood of the rows of ``X``, in nats per sample (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary
        y : ignored

        Returns
        -------
        float
        """
        return float(np.mean(self.log_prob(X)))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class IndependentBernoulli(_BinaryDensity):
    r"""Fully independent binary pixels: :math:`p(x) = \prod_j p_j^{x_j} (1 - p_j)^{1 - x_j}`.

    Introduced in chapter 2, Discrete distributions. One parameter per pixel; the maximum
    likelihood estimate is the fraction of ones, smoothed by a Beta(alpha, alpha) prior
    (Laplace smoothing when ``alpha = 1``) so a pixel never seen on stays possible and the
    held-out log-likelihood is finite.

    Parameters
    ----------
    alpha : float, default 1.0
        Pseudo-count added to both outcomes of each pixel; 0 gives the plain MLE.

    Attributes
    ----------
    probs_ : array of shape (n_features,)
        :math:`p(x_j = 1)`.
    logits_ : array of shape (n_features,)
        :math:`\log p_j - \log(1 - p_j)`, as in ``torch.distributions.Bernoulli(logits=...)``.
    n_features_in_ : int

    Examples
    --------
    >>> X = np.array([[1, 0], [1, 1], [0, 0]])
    >>> IndependentBernoulli(alpha=0).fit(X).probs_
    array([0.66666667, 0.33333333])
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def __repr__(self) -> str:
        return f"IndependentBernoulli(alpha={self.alpha!r})"

    def fit(self, X, y=None) -> IndependentBernoulli:
        """Estimate each pixel's probability of being 1.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary
        y : ignored

        Returns
        -------
        self
        """
        alpha = self._check_alpha()
        X = self._check_X(X, fitted=False)
        # Counts and alpha divided by max(alpha, 1) (exact for alpha <= 1): n + 2 alpha cannot
        # overflow for a huge alpha, which then gives p_j = 1/2 as it should.
        s = max(alpha, 1.0)
        a, n = alpha / s, X.shape[0] / s
        self.probs_ = (X.sum(axis=0) / s + a) / (n + 2 * a)
        with np.errstate(divide="ignore"):
            self.logits_ = np.log(self.probs_) - np.log1p(-self.probs_)
        self.n_features_in_ = X.shape[1]
        return self

    def log_prob(self, X) -> np.ndarray:
        r""":math:`\log p(x)` of each row, in nats.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary

        Returns
        -------
        array of shape (n_samples,)
        """
        check_fitted(self)
        X = self._check_X(X)
        return _log_bernoulli(X, self.probs_).sum(axis=1)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n`` independent binary vectors.

        Parameters
        ----------
        n : int
        rng : numpy.random.Generator

        Returns
        -------
        array of shape (n, n_features), dtype uint8
        """
        check_fitted(self)
        # uniforms (8 bytes), their comparison (1) and the uint8 result (1) per pixel
        n = check_sample_size(n, "n", bytes_per_sample=10 * self.n_features_in_)
        rng = check_rng(rng)
        return (rng.random((n, self.n_features_in_)) < self.probs_).astype(np.uint8)

    def num_params(self) -> int:
        """Number of free parameters: one per feature (see :func:`~dgm_utils.counting.num_params_independent`)."""
        check_fitted(self)
        return num_params_independent([2] * self.n_features_in_)


class BinaryMarkovChain(_BinaryDensity):
    r"""A first-order Markov chain over binary pixels along an ordering.

    Introduced in chapter 3, Chain rule and conditional independence. With
    :math:`o = (o_1, \dots, o_n)` the visiting order,

    .. math:: p(x) = p(x_{o_1}) \prod_{i=2}^{n} p(x_{o_i} \mid x_{o_{i-1}}),

    i.e. :math:`X_{o_{i+1}} \perp X_{o_1}, \dots, X_{o_{i-1}} \mid X_{o_i}`. It has
    :math:`1 + 2(n - 1) = 2n - 1` parameters: :math:`p(x_{o_1} = 1)`, and for each later
    pixel, the probability of a 1 after a 0 and after a 1. Each is estimated by counting, with
    Beta(alpha, alpha) smoothing.

    Parameters
    ----------
    order : array-like of int, optional
        A permutation of ``0 .. n_features - 1`` (e.g. from :func:`pixel_order`); raster order
        ``0, 1, ..., n-1`` by default.
    alpha : float, default 1.0
        Pseudo-count added to both outcomes of every conditional distribution.

    Attributes
    ----------
    order_ : array of shape (n_features,)
    initial_prob_ : float
        :math:`p(x_{o_1} = 1)`.
    transition_probs_ : array of shape (n_features - 1, 2)
        ``transition_probs_[i, a]`` is :math:`p(x_{o_{i+2}} = 1 \mid x_{o_{i+1}} = a)`
        (0-based: the probability that pixel ``order_[i + 1]`` is 1 given pixel
        ``order_[i]`` equals ``a``).
    n_features_in_ : int

    Examples
    --------
    >>> X = np.array([[0, 0, 1], [1, 1, 1], [0, 1, 1]])
    >>> chain = BinaryMarkovChain(alpha=0).fit(X)
    >>> chain.num_params()
    5
    >>> chain.transition_probs_
    array([[0.5, 1. ],
           [1. , 1. ]])
    """

    def __init__(self, order=None, alpha: float = 1.0):
        self.order = order
        self.alpha = alpha

    def __repr__(self) -> str:
        order = "raster" if self.order is None else f"<{np.size(self.order)} indices>"
        return f"BinaryMarkovChain(order={order}, alpha={self.alpha!r})"

    def fit(self, X, y=None) -> BinaryMarkovChain:
        """Estimate the first pixel's probability and every transition table by counting.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary
        y : ignored

        Returns
        -------
        self
        """
        alpha = self._check_alpha()
        X = self._check_X(X, fitted=False)
        n, d = X.shape
        order = np.arange(d) if self.order is None else _check_order_array(self.order, d)
        Xo = X[:, order]
        prev, nxt = Xo[:, :-1], Xo[:, 1:]
        # Counts N(prev = a) and N(prev = a, next = 1) for every consecutive pair.
        ones_after_1 = (prev * nxt).sum(axis=0)
        ones_after_0 = ((1 - prev) * nxt).sum(axis=0)
        n1 = prev.sum(axis=0)
        n0 = n - n1
        self.order_ = order
        # Counts and alpha divided by max(alpha, 1) (exact for alpha <= 1), so that
        # N + 2 alpha cannot overflow for a huge alpha.
        s = max(alpha, 1.0)
        a = alpha / s
        self.initial_prob_ = float((Xo[:, 0].sum() / s + a) / (n / s + 2 * a))
        with np.errstate(invalid="ignore", divide="ignore"):
            trans = np.stack(
                [
                    (ones_after_0 / s + a) / (n0 / s + 2 * a),
                    (ones_after_1 / s + a) / (n1 / s + 2 * a),
                ],
                axis=1,
            )
        # With alpha = 0 a state never seen as a parent leaves 0/0; any value gives the same
        # likelihood on the training data, so use the next pixel's overall frequency.
        unseen = ~np.isfinite(trans)
        if unseen.any():
            marginal = np.broadcast_to(nxt.mean(axis=0)[:, None], trans.shape)
            trans[unseen] = marginal[unseen]
        self.transition_probs_ = trans
        self.n_features_in_ = d
        return self

    def log_prob(self, X) -> np.ndarray:
        r""":math:`\log p(x)` of each row, in nats.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary

        Returns
        -------
        array of shape (n_samples,)
        """
        check_fitted(self)
        X = self._check_X(X)
        Xo = X[:, self.order_].astype(np.int64)
        first = _log_bernoulli(Xo[:, 0], np.float64(self.initial_prob_))
        # p(x_{o_{i+1}} = 1 | x_{o_i}) for each sample and step, picked from the table.
        p_next = self.transition_probs_[np.arange(self.n_features_in_ - 1), Xo[:, :-1]]
        return first + _log_bernoulli(Xo[:, 1:], p_next).sum(axis=1)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Ancestral sampling along the order, all ``n`` samples at once.

        Parameters
        ----------
        n : int
        rng : numpy.random.Generator

        Returns
        -------
        array of shape (n, n_features), dtype uint8, pixels in their original positions
        """
        check_fitted(self)
        # uniforms (8 bytes) and the uint8 result (1) per pixel
        n = check_sample_size(n, "n", bytes_per_sample=9 * self.n_features_in_ + 16)
        rng = check_rng(rng)
        d = self.n_features_in_
        u = rng.random((n, d))
        out = np.empty((n, d), dtype=np.uint8)
        prev = (u[:, 0] < self.initial_prob_).astype(np.uint8)
        out[:, self.order_[0]] = prev
        for i in range(1, d):
            prev = (u[:, i] < self.transition_probs_[i - 1, prev]).astype(np.uint8)
            out[:, self.order_[i]] = prev
        return out

    def num_params(self) -> int:
        """Number of free parameters, 2n - 1 (see :func:`~dgm_utils.counting.num_params_markov_chain`)."""
        check_fitted(self)
        return num_params_markov_chain([2] * self.n_features_in_)
