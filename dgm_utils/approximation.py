"""A one-hidden-layer network that approximates a function of one variable.

Introduced in chapter 6, Neural models: the lecture's point that a wide enough network
approximates any (continuous) function, shown with a fit whose numbers do not depend on an
optimiser. The hidden layer is random and fixed, ``h_j = ReLU(a_j x + b_j)`` with
``a_j = ±1`` and the kink ``-b_j / a_j`` drawn uniformly over the input interval; only the
output layer ``alpha_0 + sum_j alpha_j h_j`` is fitted, by least squares, which is a convex
problem solved exactly. Each unit adds one kink, so the network is a piecewise-linear
function with ``width`` kinks, and its error shrinks as the width grows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dgm_utils._validation import as_float_array, check_int, check_rng, describe


def _as_points(x, name: str) -> np.ndarray:
    x = as_float_array(x, name)
    if x.ndim != 1 or len(x) == 0 or not np.all(np.isfinite(x)):
        raise ValueError(
            f"{name} must be a non-empty 1-D array of finite numbers (one input per point), "
            f"got {describe(x)}."
        )
    return x


@dataclass(frozen=True)
class ReLUNetwork1D:
    """A fitted one-hidden-layer ReLU network of one input: ``alpha_0 + alpha . ReLU(a x + b)``.

    Introduced in chapter 6, Neural models. Made by :func:`fit_random_relu_network`.

    Attributes
    ----------
    a, b : array of shape (width,)
        Hidden weights and biases (fixed, random).
    alpha : array of shape (width,)
        Output weights (fitted).
    alpha_0 : float
        Output bias (fitted).
    """

    a: np.ndarray
    b: np.ndarray
    alpha: np.ndarray
    alpha_0: float

    @property
    def width(self) -> int:
        """The number of hidden units."""
        return len(self.a)

    def num_params(self) -> int:
        """All parameters of the network, ``3 * width + 1`` (hidden ``a``, ``b``; output)."""
        return 3 * self.width + 1

    def hidden(self, x) -> np.ndarray:
        """The hidden units ``ReLU(a x + b)``, an array of shape (n_points, width)."""
        x = _as_points(x, "x")
        return np.maximum(np.outer(x, self.a) + self.b, 0.0)

    def predict(self, x) -> np.ndarray:
        """The network's output at each point of ``x`` (array of shape (n_points,))."""
        return self.alpha_0 + self.hidden(x) @ self.alpha


def fit_random_relu_network(x, y, width: int, rng) -> ReLUNetwork1D:
    """Fit the output layer of a network with ``width`` random ReLU units to ``y(x)``.

    Introduced in chapter 6, Neural models.

    Parameters
    ----------
    x, y : array of shape (n_points,)
        Inputs and target values.
    width : int
        Number of hidden units, at least 1.
    rng : numpy.random.Generator or int
        Draws the hidden layer: each unit's slope ``a_j`` is +1 or -1 and its kink lies
        uniformly in ``[min(x), max(x)]``. The same seed with a larger ``width`` gives the
        same first units plus new ones.

    Returns
    -------
    ReLUNetwork1D
        The network whose output layer minimises the squared error on ``(x, y)``.

    Raises
    ------
    ValueError
        If ``x`` or ``y`` is not a non-empty 1-D array of finite numbers, if their lengths
        differ, or if ``width`` is below 1.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.linspace(-1, 1, 201)
    >>> net = fit_random_relu_network(x, np.abs(x), width=16, rng=0)
    >>> bool(np.max(np.abs(net.predict(x) - np.abs(x))) < 0.1)
    True
    """
    x, y = _as_points(x, "x"), _as_points(y, "y")
    if len(x) != len(y):
        raise ValueError(
            f"x and y must hold one value per point, got {len(x)} inputs and {len(y)} targets."
        )
    width = check_int(width, "width", minimum=1)
    rng = check_rng(rng)
    # Row j of the draws depends on j only, so with the same seed a wider network keeps
    # the narrower one's units and adds more: its least-squares error cannot be larger.
    u = rng.random((width, 2))
    a = np.where(u[:, 0] < 0.5, -1.0, 1.0)
    kinks = x.min() + (x.max() - x.min()) * u[:, 1]
    b = -a * kinks
    design = np.column_stack([np.ones_like(x), np.maximum(np.outer(x, a) + b, 0.0)])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return ReLUNetwork1D(a=a, b=b, alpha=coef[1:], alpha_0=float(coef[0]))
