r"""Autoregressive density models of binary vectors with neural conditionals.

Chapter 6 replaces the tables of chapters 2-4 by functions. The chain rule

.. math:: p(x_1, \dots, x_n) = \prod_{i=1}^{n} p(x_i \mid x_1, \dots, x_{i-1})

holds for every distribution; a model only has to say how each conditional depends on the
previous pixels. Here each conditional is a Bernoulli whose logit is a (small) neural
function of :math:`x_{<i}`:

* :class:`FVSBN`, the fully visible sigmoid belief network (Frey, 1998): logistic
  regression on all previous pixels, :math:`n(n+1)/2` parameters;
* :class:`NADE`, the neural autoregressive distribution estimator (Larochelle
  and Murray, 2011): one hidden layer shared by all conditionals, :math:`2nh + n`
  parameters, evaluated in :math:`O(nh)` per image.

Because every conditional is a proper Bernoulli distribution, the product is a proper
distribution over :math:`\{0, 1\}^n` for *any* parameter values: no normalising constant.
Both models are ``torch.nn.Module`` objects that speak the ``torch.distributions``
vocabulary (``log_prob``, ``sample``, and ``conditionals`` returning a real
``Independent(Bernoulli(logits=...), 1)``), and are trained by :func:`dgm_utils.training.train`.

The recipe that fits chapter 6's five models of the digits with the chapter's settings,
:func:`dgm_utils.experiments.fit_digit_models`, lives in :mod:`dgm_utils.experiments`.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.distributions import Bernoulli, Independent

from ._init import uniform_
from ._validation import (
    check_generator,
    check_int,
    check_memory,
    check_sample_size,
    check_tensor,
    model_dtype,
    renamed,
    sample_rng,
)

__all__ = ["BinaryAutoregressive", "FVSBN", "NADE"]


class BinaryAutoregressive(nn.Module):
    """Shared plumbing: input checks, the conditionals as a distribution, ancestral sampling.

    A subclass defines ``logits(x)``: for every pixel i, the logit of
    :math:`p(x_i = 1 \\mid x_{<i})`, computed from ``x[:, :i]`` only.
    """

    n_features: int

    @property
    def n_dims(self) -> int:
        """The former name of ``n_features``, kept so that old code runs."""
        return self.n_features

    def logits(self, x: torch.Tensor) -> torch.Tensor:  # pragma: no cover - abstract
        raise NotImplementedError

    def _param(self) -> torch.Tensor:
        return next(self.parameters())

    def _check_x(self, x) -> torch.Tensor:
        """Return ``x`` as a tensor of the parameters' dtype and device, or raise."""
        p = self._param()
        return check_tensor(
            x,
            "x",
            n_features=self.n_features,
            dtype=p.dtype,
            device=p.device,
            accept="tensor",
            what=f" for this {type(self).__name__} with n_features={self.n_features}",
            one_row_hint="For one image use x[None, :].",
            allow_empty=True,
            binary=True,
        )

    def conditionals(self, x: torch.Tensor) -> Independent:
        r"""The n conditionals :math:`p(x_i \mid x_{<i})` as one ``torch.distributions`` object.

        Introduced in chapter 6, Neural models. Pixel i's Bernoulli depends only on
        ``x[:, :i]``, so the distribution's ``log_prob(x)`` is the chain-rule sum
        :math:`\sum_i \log p(x_i \mid x_{<i}) = \log p(x)`.

        Parameters
        ----------
        x : tensor of shape (batch, n_features), 0./1. floats

        Returns
        -------
        torch.distributions.Independent
            ``Independent(Bernoulli(logits=logits), 1)``, batch shape (batch,), event shape
            (n_features,).
        """
        x = self._check_x(x)
        return Independent(Bernoulli(logits=self.logits(x), validate_args=False), 1)

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        r""":math:`\log p(x)` of each row, in nats (differentiable).

        Introduced in chapter 6, Neural models.

        Parameters
        ----------
        x : tensor of shape (batch, n_features), 0./1. floats

        Returns
        -------
        tensor of shape (batch,)

        Raises
        ------
        TypeError
            If ``x`` is not a floating-point tensor.
        ValueError
            If ``x`` has the wrong shape or values other than 0 and 1.
        """
        x = self._check_x(x)
        return self.conditionals(x).log_prob(x)

    @torch.no_grad()
    def sample(
        self,
        n: int,
        rng: torch.Generator | None = None,
        *,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        r"""Ancestral sampling: :math:`x_1 \sim p(x_1)`, then :math:`x_2 \sim p(x_2 \mid x_1)`, ...

        Introduced in chapter 6, Neural models. Pixel i is drawn from the same conditional
        that ``log_prob`` scores (one call of ``logits`` per pixel; only the first i columns
        matter at step i).

        Parameters
        ----------
        n : int
            Number of samples.
        rng : torch.Generator, optional
            Source of randomness (torch's global generator when omitted).
        generator : torch.Generator, optional
            The former name of ``rng``, still accepted.

        Returns
        -------
        tensor of shape (n, n_features), 0./1. floats
        """
        p = self._param()
        # x, the logits of every step and its probabilities (NADE: plus (n, hidden) twice)
        width = 3 * self.n_features + 2 * getattr(self, "hidden", 0)
        n = check_sample_size(n, "n", bytes_per_sample=width * p.element_size())
        generator = check_generator(sample_rng(rng, generator, "sample()"), p.device, "rng")
        x = torch.zeros(n, self.n_features, dtype=p.dtype, device=p.device)
        for i in range(self.n_features):
            probs = torch.sigmoid(self.logits(x)[:, i])
            x[:, i] = torch.bernoulli(probs, generator=generator)
        return x


class FVSBN(BinaryAutoregressive):
    r"""Fully visible sigmoid belief network: a logistic regression for every conditional.

    Introduced in chapter 6, Neural models (Frey, 1998).

    .. math:: p(x_i = 1 \mid x_{<i}) = \sigma\Big(b_i + \sum_{j<i} W_{ij} x_j\Big)

    All n conditionals are computed at once with a strictly lower-triangular weight matrix
    (a mask zeroes :math:`W_{ij}` for :math:`j \geq i`). Conditional i has i parameters, so
    the model has :math:`\sum_i i = n(n+1)/2`. The log-likelihood is a sum of n separate
    logistic regressions, hence concave in the parameters.

    Parameters
    ----------
    n_features : int
        Number of binary variables (64 for the 8x8 digits).
    dtype : torch.float64 or torch.float32, optional
        torch's default dtype when omitted (float32, or float64 after
        :func:`~dgm_utils.training.reproducible`, as the book's chapters run).

    Attributes
    ----------
    weight : Parameter of shape (n_features, n_features)
        Only the strictly lower triangle is used (and receives gradients).
    bias : Parameter of shape (n_features,)
    mask : buffer of shape (n_features, n_features)
        1 strictly below the diagonal, 0 elsewhere.

    Examples
    --------
    >>> model = FVSBN(64)
    >>> model.num_params()
    2080
    >>> model.log_prob(torch.zeros(3, 64)).shape
    torch.Size([3])
    """

    def __init__(self, n_features: int, *, dtype: torch.dtype | None = None):
        super().__init__()
        self.n_features = check_int(n_features, "n_features", minimum=1)
        dtype = model_dtype(dtype)
        # weight, mask, and in training the gradient and Adam's two moments: n^2 each
        check_memory(
            5 * self.n_features**2 * torch.empty((), dtype=dtype).element_size(),
            f"FVSBN(n_features={self.n_features:,}) (n^2 weights)",
        )
        # Zero initialisation: every conditional starts at p = 1/2 (the problem is concave,
        # so no symmetry needs breaking).
        self.weight = nn.Parameter(torch.zeros(self.n_features, self.n_features))
        self.bias = nn.Parameter(torch.zeros(self.n_features))
        self.register_buffer("mask", torch.tril(torch.ones(self.n_features, self.n_features), -1))
        self.to(dtype)

    def extra_repr(self) -> str:
        return f"n_features={self.n_features}, {self.num_params()} parameters"

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        r"""Logit of :math:`p(x_i = 1 \mid x_{<i})` for every i: ``b + x @ (W * mask).T``.

        Parameters
        ----------
        x : tensor of shape (batch, n_features)

        Returns
        -------
        tensor of shape (batch, n_features)
        """
        # Row i of the masked W holds W_ij for j < i only: conditional i sees x_<i.
        return self.bias + x @ (self.weight * self.mask).T

    def num_params(self) -> int:
        """Free parameters: the bias and the strictly lower triangle of W, n(n+1)/2."""
        return self.bias.numel() + int(self.mask.sum())


class NADE(BinaryAutoregressive):
    r"""Neural autoregressive distribution estimator: one hidden layer shared by all pixels.

    Introduced in chapter 6, Neural models (Larochelle and Murray, 2011).

    .. math::

        h_i = \sigma\big(c + W_{:, <i}\, x_{<i}\big), \qquad
        p(x_i = 1 \mid x_{<i}) = \sigma\big(b_i + V_i \cdot h_i\big)

    The input weights :math:`W` and :math:`c` are shared by all conditionals. The last pixel
    conditions nothing, so :math:`W` has only :math:`n - 1` columns, and the model has
    :math:`h(n - 1) + h + nh + n = 2nh + n` parameters. Sharing also makes evaluation cheap:
    :math:`a_{i+1} = a_i + W_{:, i}\, x_i`, so each pre-activation costs :math:`O(h)` given
    the previous one: :math:`O(nh)` per image instead of :math:`O(n^2 h)`.

    Parameters
    ----------
    n_features : int
        Number of binary variables.
    hidden : int
        Number of hidden units h.
    rng : torch.Generator, optional
        Source of the random initial weights (torch's global generator when omitted).
        ``generator=`` (its former name) still works, with a FutureWarning.
    dtype : torch.float64 or torch.float32, optional
        torch's default dtype when omitted (float32, or float64 after
        :func:`~dgm_utils.training.reproducible`, as the book's chapters run).

    Attributes
    ----------
    W : Parameter of shape (hidden, n_features - 1)
        Input-to-hidden weights, column j multiplies pixel j.
    c : Parameter of shape (hidden,)
    V : Parameter of shape (n_features, hidden)
        Hidden-to-output weights, row i for conditional i.
    b : Parameter of shape (n_features,)

    Examples
    --------
    >>> model = NADE(64, hidden=32)
    >>> model.num_params() == 2 * 64 * 32 + 64
    True
    """

    def __init__(
        self,
        n_features: int,
        hidden: int,
        *,
        rng: torch.Generator | None = None,
        dtype: torch.dtype | None = None,
        generator=None,
    ):
        super().__init__()
        dtype = model_dtype(dtype)
        self.n_features = check_int(n_features, "n_features", minimum=1)
        self.hidden = check_int(hidden, "hidden", minimum=1)
        check_memory(
            8 * self.n_features * self.hidden * torch.empty((), dtype=dtype).element_size(),
            f"NADE(n_features={self.n_features:,}, hidden={self.hidden:,})",
        )
        generator = renamed(generator, rng, "generator", "rng", "NADE()")
        check_generator(generator, "cpu", "rng")  # initial weights are drawn on the CPU

        # Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) as torch.nn.Linear; the random W breaks
        # the symmetry between hidden units.
        self.W = nn.Parameter(torch.empty(self.hidden, self.n_features - 1, dtype=dtype))
        self.c = nn.Parameter(torch.zeros(self.hidden, dtype=dtype))
        self.V = nn.Parameter(torch.empty(self.n_features, self.hidden, dtype=dtype))
        self.b = nn.Parameter(torch.zeros(self.n_features, dtype=dtype))
        uniform_(self.W, 1.0 / math.sqrt(max(self.n_features - 1, 1)), generator)
        uniform_(self.V, 1.0 / math.sqrt(self.hidden), generator)

    def extra_repr(self) -> str:
        return f"n_features={self.n_features}, hidden={self.hidden}, {self.num_params()} parameters"

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        r"""Logit of :math:`p(x_i = 1 \mid x_{<i})` for every i, in :math:`O(nh)` per image.

        The pre-activation of conditional i + 1 is that of conditional i plus one column of
        W: :math:`a_1 = c`, :math:`a_{i+1} = a_i + W_{:, i}\, x_i`. Recomputing
        :math:`c + W_{:, <i}\, x_{<i}` from scratch for every i would cost :math:`O(n^2 h)`.

        Parameters
        ----------
        x : tensor of shape (batch, n_features)

        Returns
        -------
        tensor of shape (batch, n_features)
        """
        a = self.c.expand(x.shape[0], -1)  # a_1 = c: the first pixel sees no other pixel
        out = []
        for i in range(self.n_features):
            h = torch.sigmoid(a)  # h_i, shape (batch, hidden)
            out.append(h @ self.V[i])
            if i < self.n_features - 1:
                a = a + x[:, i, None] * self.W[:, i]  # a_{i+1} = a_i + W[:, i] x_i: O(h)
        return self.b + torch.stack(out, dim=1)

    def num_params(self) -> int:
        """Free parameters, 2nh + n: W (h x (n-1)), c (h), V (n x h) and b (n)."""
        return sum(p.numel() for p in self.parameters())


def __getattr__(name: str):
    # The experiment recipe moved to dgm_utils.experiments; old imports keep working.
    if name in ("FittedModel", "fit_digit_models"):
        import importlib
        import warnings

        warnings.warn(
            f"dgm_utils.autoregressive.{name} moved to dgm_utils.experiments.{name} "
            "(or du.{name}); the old path will stop working in a future version.",
            FutureWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(f"{__package__}.experiments"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
