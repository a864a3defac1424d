"""The variational autoencoder: the Bayes net Z -> X with neural conditionals.

The generative model is the lecture's

    Z ~ N(0, I),    X | Z = z ~ p_theta(x | z),

where p_theta(x | z) is a product of Bernoullis with logits given by a network (binary data)
or a diagonal Gaussian N(mu_theta(z), diag(exp(sigma_theta(z)))^2) (real data). However deep the
networks are, for a fixed z the conditional keeps this simple form; only the marginal
p(x) = integral of p(x | z) p(z) dz is complex. Inference uses a Gaussian encoder q_phi(z | x),
and the model is trained by maximising the evidence lower bound (ELBO) of
Kingma & Welling (2014); the importance-weighted bound of Burda et al. (2016) tightens it.

Every density is a ``torch.distributions`` object; nothing here writes a log-density by hand.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn
from torch.distributions import Bernoulli, Independent, Normal, kl_divergence

from ._init import init_linear_
from ._validation import (
    check_generator,
    check_in,
    check_int,
    check_return_latents,
    check_sample_size,
    check_tensor,
    describe,
    model_dtype,
    renamed,
    sample_rng,
)

_LIKELIHOODS = ("bernoulli", "gaussian")
_ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "softplus": nn.Softplus}


def _mlp(sizes: Sequence[int], activation: str) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(_ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


# Bounds of the Gaussian decoder's log standard deviation (see decoder_scale).
LOG_SCALE_MIN, LOG_SCALE_MAX = math.log(1e-3), math.log(1e3)


def decoder_scale(raw: torch.Tensor) -> torch.Tensor:
    """The Gaussian decoder's standard deviation from its raw output, between 1e-3 and 1e3.

    ``sigma = exp(log_sigma)`` with ``log_sigma = raw`` softly clipped to
    ``[log 1e-3, log 1e3]`` (a softplus on each side, smooth, with gradient everywhere):
    for ordinary outputs ``sigma = exp(raw)``, the lecture's ``exp(sigma_theta(z))``, but no
    z can drive the scale to 0 (an infinite density, and torch's constraint error) or to
    infinity.
    """
    lo, hi = LOG_SCALE_MIN, LOG_SCALE_MAX
    log_sigma = lo + nn.functional.softplus(raw - lo)
    log_sigma = hi - nn.functional.softplus(hi - log_sigma)
    return log_sigma.exp()


class VAE(nn.Module):
    """A variational autoencoder with a standard normal prior and a Gaussian encoder.

    Introduced in chapter 7, Continuous variables.

    The model is ``Z ~ N(0, I_z_dim)``, ``X | Z = z ~ p(x | z)`` with

    * ``likelihood="bernoulli"``: ``p(x | z) = prod_i Bernoulli(x_i; logits_i(z))``, for
      binary data such as the binarised digits;
    * ``likelihood="gaussian"``: ``p(x | z) = N(x; mu(z), diag(exp(log_sigma(z)))^2)``, the
      lecture's ``N(mu_theta(z), exp(sigma_theta(z)))`` with ``exp(sigma_theta(z))`` read as
      the standard deviation (theta: decoder parameters; phi: encoder parameters). The
      scale is kept between 1e-3 and 1e3 by a smooth clip of ``log_sigma``
      (:func:`decoder_scale`), so no z, however far in the prior's tails, gives a zero or
      infinite scale.

    The encoder is ``q(z | x) = N(z; m(x), diag(exp(s(x)))^2)``. Encoder and decoder are
    multilayer perceptrons with the hidden widths ``hidden`` (the decoder mirrors the
    encoder).

    Parameters
    ----------
    n_features : int
        Dimension of an observation x (64 for the 8x8 digits). ``x_dim=`` (its former
        name) is still accepted as a keyword.
    z_dim : int
        Dimension of the latent z.
    hidden : int or sequence of int
        Widths of the hidden layers of the encoder (the decoder uses them in reverse order).
        An empty sequence gives linear maps.
    likelihood : {"bernoulli", "gaussian"}, default "bernoulli"
        Family of the decoder p(x | z).
    activation : {"relu", "tanh", "softplus"}, default "relu"
        Nonlinearity between hidden layers.
    dtype : torch.float64 or torch.float32, optional
        torch's default dtype when omitted (float32, or float64 after
        :func:`~dgm_utils.training.reproducible`, as the book's chapters run).

    Attributes
    ----------
    encoder : torch.nn.Sequential
        x -> (m(x), s(x)), output of size 2 * z_dim.
    decoder : torch.nn.Sequential
        z -> logits (size n_features) or (mu(z), log_sigma(z)) (size 2 * n_features).

    Raises
    ------
    TypeError
        If a dimension or width is not an integer.
    ValueError
        If a dimension is below 1 or ``likelihood`` / ``activation`` is unknown.

    Examples
    --------
    >>> import torch
    >>> vae = VAE(n_features=64, z_dim=2, hidden=128)
    >>> x = torch.bernoulli(torch.full((5, 64), 0.3))
    >>> vae.elbo(x).shape
    torch.Size([5])
    >>> bool((vae.elbo(x) <= 0).all())
    True
    """

    def __init__(
        self,
        n_features: int | None = None,
        z_dim: int | None = None,
        hidden: int | Sequence[int] = (64,),
        likelihood: str = "bernoulli",
        activation: str = "relu",
        *,
        dtype: torch.dtype | None = None,
        x_dim: int | None = None,
    ):
        super().__init__()
        dtype = model_dtype(dtype)
        if x_dim is not None:  # the former name of n_features (chapter 7 uses it)
            if n_features is not None:
                raise TypeError("Pass n_features or its former name x_dim, not both.")
            n_features = x_dim
        if n_features is None or z_dim is None:
            raise TypeError(
                "VAE needs n_features (the size of x) and z_dim (the size of z), e.g. "
                "VAE(64, 2, hidden=(256, 128))."
            )
        self.n_features = check_int(n_features, "n_features", minimum=1)
        self.z_dim = check_int(z_dim, "z_dim", minimum=1)
        if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
            hidden = (int(hidden),)
        if isinstance(hidden, str | bytes) or not isinstance(hidden, Sequence):
            raise TypeError(
                f"hidden must be an int or a sequence of ints (layer widths), e.g. (128,), "
                f"got {type(hidden).__name__}."
            )
        self.hidden = tuple(check_int(h, "each hidden width", minimum=1) for h in hidden)
        if not isinstance(likelihood, str):
            raise TypeError(f"likelihood must be a string, got {type(likelihood).__name__}.")
        check_in(likelihood, "likelihood", _LIKELIHOODS)
        check_in(activation, "activation", tuple(_ACTIVATIONS))
        self.likelihood = likelihood
        self.activation = activation
        self.encoder = _mlp((self.n_features, *self.hidden, 2 * self.z_dim), activation)
        out = self.n_features if likelihood == "bernoulli" else 2 * self.n_features
        self.decoder = _mlp((self.z_dim, *reversed(self.hidden), out), activation)
        self.to(dtype)
        for layer in [*self.encoder, *self.decoder]:
            if isinstance(layer, nn.Linear):
                init_linear_(layer)  # torch's global generator, as nn.Linear itself

    def extra_repr(self) -> str:
        return (
            f"n_features={self.n_features}, z_dim={self.z_dim}, hidden={self.hidden}, "
            f"likelihood={self.likelihood!r}"
        )

    # ------------------------------------------------------------------ checks
    def _param(self) -> torch.Tensor:
        return next(self.parameters())

    @property
    def x_dim(self) -> int:
        """The former name of ``n_features``, kept so that old code runs."""
        return self.n_features

    def _check_x(self, x, name: str = "x") -> torch.Tensor:
        """``x`` as a float tensor of shape (batch, n_features) on the model's device, or raise."""
        ref = self._param()
        return check_tensor(
            x,
            name,
            n_features=self.n_features,
            dtype=ref.dtype,
            device=ref.device,
            what=" (binarised 8x8 digits)" if self.n_features == 64 else "",
            binary=self.likelihood == "bernoulli",
            binary_hint="The Bernoulli decoder needs them: binarise first, e.g. "
            '(x > 0.5).float(), or use likelihood="gaussian" for real-valued data.',
        )

    def _check_z(self, z) -> torch.Tensor:
        if not isinstance(z, torch.Tensor):
            if isinstance(z, np.ndarray):
                z = torch.as_tensor(z)
            else:
                raise TypeError(
                    f"z must be a tensor of shape (..., {self.z_dim}), got {describe(z)}."
                )
        if z.ndim == 0 or z.shape[-1] != self.z_dim:
            raise ValueError(
                f"Expected z of shape (..., {self.z_dim}) (last axis = z_dim), "
                f"got {tuple(z.shape)}."
            )
        ref = self._param()
        z = z.to(device=ref.device, dtype=ref.dtype)
        if not torch.isfinite(z).all():
            raise ValueError("z contains NaN or infinite values.")
        return z

    def _check_generator(self, generator) -> torch.Generator | None:
        return check_generator(generator, self._param().device, "rng")

    # ------------------------------------------------------------------ the model
    def prior(self) -> Independent:
        """p(z) = N(0, I), a distribution with event shape (z_dim,).

        Introduced in chapter 7, Continuous variables.
        """
        ref = self._param()
        zeros = torch.zeros(self.z_dim, device=ref.device, dtype=ref.dtype)
        return Independent(Normal(zeros, torch.ones_like(zeros)), 1)

    def encode(self, x) -> Independent:
        """The encoder q(z | x): a diagonal Gaussian for each example.

        Introduced in chapter 7, Continuous variables.

        Parameters
        ----------
        x : tensor or array of shape (batch, n_features)

        Returns
        -------
        torch.distributions.Independent
            ``Independent(Normal(m(x), exp(s(x))), 1)``, batch shape (batch,), event shape
            (z_dim,).
        """
        x = self._check_x(x)
        loc, log_scale = self.encoder(x).chunk(2, dim=-1)
        return Independent(Normal(loc, log_scale.exp()), 1)

    def decode(self, z) -> Independent:
        """The decoder p(x | z): for a fixed z a product of Bernoullis or a diagonal Gaussian.

        Introduced in chapter 7, Continuous variables.

        Parameters
        ----------
        z : tensor of shape (..., z_dim)

        Returns
        -------
        torch.distributions.Independent
            Batch shape ``z.shape[:-1]``, event shape (n_features,):
            ``Independent(Bernoulli(logits=...), 1)`` or
            ``Independent(Normal(mu(z), exp(log_sigma(z))), 1)``.
        """
        z = self._check_z(z)
        out = self.decoder(z)
        if self.likelihood == "bernoulli":
            return Independent(Bernoulli(logits=out), 1)
        loc, raw = out.chunk(2, dim=-1)
        return Independent(Normal(loc, decoder_scale(raw)), 1)

    @staticmethod
    def _rsample(q: Independent, n: int, generator) -> torch.Tensor:
        """n reparameterised draws z = m + exp(s) * eps, eps ~ N(0, I): shape (n, batch, z_dim).

        Written out (rather than ``q.rsample``) so that a ``torch.Generator`` can be passed.
        """
        base = q.base_dist
        eps = torch.randn(
            (n, *base.loc.shape), generator=generator, device=base.loc.device, dtype=base.loc.dtype
        )
        return base.loc + base.scale * eps

    def _check_draws(self, n: int, name: str, batch: int) -> int:
        """``n`` draws per example for ``batch`` examples fit in memory, or raise."""
        width = self.z_dim * 3 + sum(self.hidden) + 3 * self.n_features
        size = self._param().element_size()
        return check_sample_size(n, name, bytes_per_sample=batch * width * size, minimum=1)

    def elbo(
        self, x, n_samples: int = 1, *, kl: str = "analytic", rng=None, generator=None
    ) -> torch.Tensor:
        """The evidence lower bound, one value per example (differentiable).

        Introduced in chapter 7, Continuous variables.

        ``ELBO(x) = E_q(z|x)[log p(x | z)] - KL(q(z | x) || p(z)) <= log p(x)``. The expectation
        is estimated with ``n_samples`` reparameterised draws z = m(x) + exp(s(x)) * eps; the KL
        term between the two Gaussians is computed in closed form (``kl="analytic"``, the
        default, via ``torch.distributions.kl_divergence``) or estimated from the same draws as
        ``log q(z | x) - log p(z)`` (``kl="mc"``).

        Parameters
        ----------
        x : tensor or array of shape (batch, n_features)
        n_samples : int, default 1
            Monte Carlo draws of z per example.
        kl : {"analytic", "mc"}, default "analytic"
        rng : torch.Generator, optional
            Source of the noise eps (the global torch generator by default). ``generator=``
            (its former name) still works, with a FutureWarning.

        Returns
        -------
        Tensor of shape (batch,)
            Nats per example.
        """
        rng = self._check_generator(sample_rng(rng, generator, "elbo()"))
        check_in(kl, "kl", ("analytic", "mc"))
        x = self._check_x(x)
        n_samples = self._check_draws(n_samples, "n_samples", x.shape[0])
        q = self.encode(x)
        z = self._rsample(q, n_samples, rng)  # (S, batch, z_dim)
        reconstruction = self.decode(z).log_prob(x).mean(0)
        if kl == "analytic":
            return reconstruction - kl_divergence(q, self.prior())
        return reconstruction - (q.log_prob(z) - self.prior().log_prob(z)).mean(0)

    def log_importance_weights(self, x, k: int, *, rng=None, chunk_size: int = 256, generator=None):
        """log w_j = log p(x, z_j) - log q(z_j | x) for k draws z_j ~ q(z | x).

        Introduced in chapter 7, Continuous variables.

        Parameters
        ----------
        x : tensor or array of shape (batch, n_features)
        k : int
            Number of draws per example.
        rng : torch.Generator, optional
            Source of the draws (the global torch generator by default); ``generator=`` is
            its former name.
        chunk_size : int, default 256
            Draws decoded at once (bounds memory for large k).

        Returns
        -------
        Tensor of shape (k, batch)
        """
        generator = self._check_generator(sample_rng(rng, generator, "log_importance_weights()"))
        chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
        x = self._check_x(x)
        k = check_int(k, "k", minimum=1)
        # the (k, batch) result, plus one chunk of draws in flight
        self._check_draws(min(k, chunk_size), "chunk_size", x.shape[0])
        check_sample_size(k, "k", bytes_per_sample=x.shape[0] * self._param().element_size())
        q = self.encode(x)
        prior = self.prior()
        chunks = []
        for start in range(0, k, chunk_size):
            z = self._rsample(q, min(chunk_size, k - start), generator)
            chunks.append(self.decode(z).log_prob(x) + prior.log_prob(z) - q.log_prob(z))
        return torch.cat(chunks, dim=0)

    def iwae_bound(
        self, x, k: int, *, rng=None, chunk_size: int = 256, generator=None
    ) -> torch.Tensor:
        """The importance-weighted bound of Burda et al., one value per example.

        Introduced in chapter 7, Continuous variables.

        ``L_k(x) = log (1/k) sum_j p(x, z_j) / q(z_j | x)`` with z_j ~ q(z | x), computed with
        ``logsumexp``. In expectation ``ELBO = L_1 <= L_k <= L_{k+1} <= log p(x)``, and
        ``L_k -> log p(x)`` as k grows: with large k it is the book's estimate of the held-out
        log-likelihood.

        Parameters
        ----------
        x : tensor or array of shape (batch, n_features)
        k : int
            Number of importance samples.
        rng : torch.Generator, optional
            Source of the draws (the global torch generator by default); ``generator=`` is
            its former name.
        chunk_size : int, default 256
            Draws decoded at once (bounds memory for large k).

        Returns
        -------
        Tensor of shape (batch,)
            Nats per example.
        """
        rng = sample_rng(rng, generator, "iwae_bound()")
        log_w = self.log_importance_weights(x, k, rng=rng, chunk_size=chunk_size)
        return torch.logsumexp(log_w, dim=0) - math.log(log_w.shape[0])

    def log_marginal_quadrature(self, x, grid=None, *, chunk_size: int = 512) -> torch.Tensor:
        """log p(x) = log of the integral of p(x | z) p(z) dz by the trapezoidal rule (z_dim = 1).

        Introduced in chapter 7, Continuous variables.

        With a one-dimensional latent the marginal likelihood needs no bound: the integral over
        z is computed on a grid, in log space (``logsumexp`` of ``log p(x | z_j) + log p(z_j) +
        log w_j`` with trapezoid weights w_j).

        Parameters
        ----------
        x : tensor or array of shape (batch, n_features)
        grid : tensor or array of shape (n_grid,), optional
            Increasing z values; ``torch.linspace(-8, 8, 4001)`` by default (the prior puts
            mass below 1e-14 outside).
        chunk_size : int, default 512
            Examples handled at once.

        Returns
        -------
        Tensor of shape (batch,)

        Raises
        ------
        ValueError
            If ``z_dim != 1`` or the grid is not increasing.
        """
        if self.z_dim != 1:
            raise ValueError(
                f"Quadrature over z is implemented for z_dim = 1, this model has z_dim = "
                f"{self.z_dim}; use iwae_bound(x, k) with a large k instead."
            )
        chunk_size = check_int(chunk_size, "chunk_size", minimum=1)
        x = self._check_x(x)
        ref = self._param()
        if grid is None:
            grid = torch.linspace(-8.0, 8.0, 4001)
        grid = torch.as_tensor(grid).to(device=ref.device, dtype=ref.dtype)
        if grid.ndim != 1 or grid.shape[0] < 2:
            raise ValueError(
                f"grid must be a 1-D array of at least 2 z values, got shape {tuple(grid.shape)}."
            )
        if not torch.isfinite(grid).all() or not (grid.diff() > 0).all():
            raise ValueError("grid must be finite and strictly increasing.")
        gaps = grid.diff()
        weights = torch.zeros_like(grid)
        weights[:-1] += gaps / 2
        weights[1:] += gaps / 2
        z = grid[:, None]
        log_pz_w = self.prior().log_prob(z) + weights.log()  # (n_grid,)
        p_x_given_z = self.decode(z)  # batch shape (n_grid,)
        out = []
        for start in range(0, x.shape[0], chunk_size):
            xb = x[start : start + chunk_size, None, :]  # (b, 1, n_features) against (n_grid,)
            out.append(torch.logsumexp(p_x_given_z.log_prob(xb) + log_pz_w, dim=1))
        return torch.cat(out)

    @torch.no_grad()
    def sample(
        self,
        n: int,
        rng: torch.Generator | None = None,
        *,
        return_latents: bool = False,
        generator: torch.Generator | None = None,
        return_latent: bool | None = None,
    ):
        """Ancestral sampling: z ~ p(z), then x ~ p(x | z).

        Introduced in chapter 7, Continuous variables.

        Parameters
        ----------
        n : int
            Number of samples.
        rng : torch.Generator, optional
            Source of randomness (the global torch generator by default).
        return_latents : bool, default False
            Also return the z that produced each x.
        generator, return_latent : optional
            The former names of ``rng`` and ``return_latents``, still accepted with a
            FutureWarning.

        Returns
        -------
        x : Tensor of shape (n, n_features)
            Binary (float 0/1) for the Bernoulli decoder.
        z : Tensor of shape (n, z_dim), only if ``return_latents``
        """
        ref = self._param()
        # z, the decoder's activations and x (with its distribution's parameters)
        width = self.z_dim + sum(self.hidden) + 3 * self.n_features
        n = check_sample_size(n, "n", bytes_per_sample=width * ref.element_size(), minimum=1)
        generator = self._check_generator(sample_rng(rng, generator, "sample()"))
        if return_latent is not None:
            return_latents = renamed(
                return_latent, None, "return_latent", "return_latents", "sample()"
            )
        return_latents = check_return_latents(return_latents)
        z = torch.randn((n, self.z_dim), generator=generator, device=ref.device, dtype=ref.dtype)
        p = self.decode(z).base_dist
        # torch.distributions' .sample() takes no generator, hence the explicit draws.
        if self.likelihood == "bernoulli":
            x = torch.bernoulli(p.probs, generator=generator)
        else:
            x = p.loc + p.scale * torch.randn(
                p.loc.shape, generator=generator, device=ref.device, dtype=ref.dtype
            )
        return (x, z) if return_latents else x
