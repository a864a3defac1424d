"""Mixture models fitted by expectation-maximisation (EM): Bernoulli and Gaussian mixtures.

Both are the Bayes net Z -> X with a categorical latent ``Z`` (the component) and a simple
conditional ``p(x | z)``: independent Bernoullis per pixel, or a full-covariance Gaussian.
They share the EM machinery of :class:`_BaseMixture`: the E-step computes the
responsibilities ``p(z | x)`` in log space (``logsumexp``), the M-step is specific to each
conditional. EM is due to Dempster, Laird and Rubin (1977).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, DensityMixin

from ._validation import (
    check_binary,
    check_feature_names,
    check_fitted,
    check_float,
    check_int,
    check_matrix,
    check_probabilities,
    check_return_latents,
    check_rng,
    check_sample_size,
    describe,
)

__all__ = ["BernoulliMixture", "GaussianMixture", "gaussian_m_step"]

# Added to every component's soft count so that an empty component never divides 0 by 0.
_EPS_COUNT = 10 * np.finfo(np.float64).eps


def _kmeans_plusplus(X: np.ndarray, n_components: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of ``n_components`` rows of X chosen by k-means++ seeding (squared distances)."""
    n = X.shape[0]
    centres = [int(rng.integers(n))]
    sq_norms = np.einsum("nd,nd->n", X, X)
    closest = sq_norms - 2 * X @ X[centres[0]] + sq_norms[centres[0]]
    np.maximum(closest, 0.0, out=closest)
    for _ in range(1, n_components):
        total = closest.sum()
        if total <= 0:  # fewer distinct points than components: pick uniformly among the rest
            candidates = np.setdiff1d(np.arange(n), centres)
            new = int(rng.choice(candidates))
        else:
            new = int(rng.choice(n, p=closest / total))
        centres.append(new)
        dist = sq_norms - 2 * X @ X[new] + sq_norms[new]
        np.minimum(closest, np.maximum(dist, 0.0), out=closest)
    return np.asarray(centres)


def _weighted_covariances(X, resp, counts, means, reg_covar: float) -> np.ndarray:
    """Sigma_k = sum_n r_nk (x_n - mu_k)(x_n - mu_k)^T / N_k + reg_covar I, for every k.

    A loop over k keeps memory at O(n d) rather than O(n K d).
    """
    d = X.shape[1]
    cov = np.empty((means.shape[0], d, d))
    for k, mean in enumerate(means):
        diff = X - mean
        cov[k] = (resp[:, k, None] * diff).T @ diff / counts[k]
    cov[:, np.arange(d), np.arange(d)] += reg_covar
    return cov


def _nearest_centre_resp(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """One-hot responsibilities of shape (n, K): each row assigned to its nearest centre."""
    sq = (
        np.einsum("nd,nd->n", X, X)[:, None]
        - 2 * X @ centres.T
        + np.einsum("kd,kd->k", centres, centres)[None, :]
    )
    resp = np.zeros((X.shape[0], centres.shape[0]))
    resp[np.arange(X.shape[0]), np.argmin(sq, axis=1)] = 1.0
    return resp


class _BaseMixture(DensityMixin, BaseEstimator):
    """EM for a mixture ``p(x) = sum_k weights_[k] p(x | z=k)``; subclasses give ``p(x | z)``.

    Subclasses implement ``_check_X``, ``_initialize(X, rng)``, ``_m_step(X, resp)``,
    ``_log_prob_components(X)`` (shape (n, K)), ``_log_prior()``, ``_sample_components``,
    ``_n_params_per_component`` and ``_param_names``.
    """

    def __init__(
        self,
        n_components: int,
        *,
        max_iter: int = 100,
        tol: float = 1e-6,
        n_init: int = 1,
        random_state: int | np.random.Generator = 0,
    ):
        # A scikit-learn estimator: hyperparameters are stored as given and checked by fit.
        self.n_components = n_components
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.random_state = random_state

    def _check_params(self) -> None:
        """Check the hyperparameters (called first by ``fit``); subclasses extend it."""
        check_int(self.n_components, "n_components", minimum=1)
        check_int(self.max_iter, "max_iter", minimum=0)
        check_float(self.tol, "tol", low=0.0)
        check_int(self.n_init, "n_init", minimum=1)
        check_rng(self.random_state, "random_state")  # draws nothing: fit makes its own

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y=None):
        """Fit the mixture by EM: alternate E-steps and M-steps until the objective stalls.

        Each iteration computes the responsibilities ``r[n, k] = p(z=k | x_n)`` (E-step)
        with the current parameters, records the mean log-likelihood, stops if it changed by
        less than ``tol``, and otherwise re-estimates the parameters from the
        responsibilities (M-step). With ``n_init > 1`` the best of several starts is kept.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
            Training data (no missing values).
        y : ignored
            Present for scikit-learn compatibility.

        Returns
        -------
        self
            The fitted estimator, with ``weights_``, ``means_``, ``log_likelihood_``,
            ``objective_``, ``n_iter_`` and ``converged_`` set.

        Raises
        ------
        ValueError
            If X has the wrong shape or values, or fewer samples than ``n_components``.
        """
        self._check_params()
        X = self._check_X(X, fitting=True)
        if X.shape[0] < self.n_components:
            raise ValueError(
                f"n_components={self.n_components} is larger than the number of samples "
                f"({X.shape[0]}): each component needs at least one sample. Use fewer components."
            )
        rng = check_rng(self.random_state, "random_state")
        best = None
        for _ in range(self.n_init):
            self._initialize(X, rng)
            run = self._run_em(X)
            if best is None or run["objective"][-1] > best["objective"][-1]:
                best = run
        for name, value in best["params"].items():
            setattr(self, name, value)
        self.n_features_in_ = X.shape[1]
        self.log_likelihood_ = best["log_likelihood"]
        self.objective_ = best["objective"]
        self.n_iter_ = best["n_iter"]
        self.converged_ = best["converged"]
        return self

    def _run_em(self, X: np.ndarray) -> dict:
        n = X.shape[0]
        log_likelihood, objective = [], []
        converged, n_iter = False, 0
        while True:
            # E-step: log p(x_n, z=k), normalised per row by logsumexp = log p(x_n).
            log_joint = self._log_prob_components(X) + self._log_weights()
            log_norm = logsumexp(log_joint, axis=1)
            ll = float(log_norm.mean())
            log_likelihood.append(ll)
            objective.append(ll + self._log_prior() / n)
            # As scikit-learn: stop once the objective changes by less than tol.
            if len(objective) > 1 and abs(objective[-1] - objective[-2]) < self.tol:
                converged = True
                break
            if n_iter == self.max_iter:
                break
            resp = np.exp(log_joint - log_norm[:, None])
            self._m_step(X, resp)  # M-step
            n_iter += 1
        params = {name: getattr(self, name).copy() for name in self._param_names}
        return {
            "params": params,
            "log_likelihood": log_likelihood,
            "objective": objective,
            "n_iter": n_iter,
            "converged": converged,
        }

    def _set_weights_from_counts(self, counts: np.ndarray, n: int) -> None:
        self.weights_ = counts / n
        self.weights_ /= self.weights_.sum()

    def _log_weights(self) -> np.ndarray:
        with np.errstate(divide="ignore"):  # an emptied component has log-weight -inf
            return np.log(self.weights_)

    def _log_prior(self) -> float:
        return 0.0

    # ---------------------------------------------------------------- inference

    def _log_joint(self, X) -> np.ndarray:
        check_fitted(self)
        X = self._check_X(X, fitting=False)
        return self._log_prob_components(X) + self._log_weights()

    def log_prob(self, X) -> np.ndarray:
        """Log-density (or log-probability) of each sample, ``log p(x_n)``.

        Computed as ``logsumexp_k [log weights_[k] + log p(x_n | z=k)]``.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)

        Returns
        -------
        log_prob : array of shape (n_samples,)
        """
        return logsumexp(self._log_joint(X), axis=1)

    def score(self, X, y=None) -> float:
        """Mean log-likelihood per sample, ``mean_n log p(x_n)`` (nats), as in scikit-learn.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        score : float
        """
        return float(self.log_prob(X).mean())

    def predict_proba(self, X) -> np.ndarray:
        """Posterior over the components, ``p(z=k | x_n)`` by Bayes' rule (the responsibilities).

        Parameters
        ----------
        X : array of shape (n_samples, n_features)

        Returns
        -------
        proba : array of shape (n_samples, n_components)
            Rows sum to 1.
        """
        log_joint = self._log_joint(X)
        return np.exp(log_joint - logsumexp(log_joint, axis=1, keepdims=True))

    def predict(self, X) -> np.ndarray:
        """The most probable component of each sample, ``argmax_k p(z=k | x_n)``.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)

        Returns
        -------
        labels : array of shape (n_samples,), dtype int64
        """
        return np.argmax(self._log_joint(X), axis=1).astype(np.int64)

    def sample(self, n: int, rng, *, return_latents: bool = False):
        """Ancestral sampling: draw ``z ~ Categorical(weights_)``, then ``x ~ p(x | z)``.

        Parameters
        ----------
        n : int
            Number of samples.
        rng : numpy.random.Generator or int seed
        return_latents : bool, default False
            Also return the component each sample came from (``(X, z)``, as
            ``sklearn.mixture.GaussianMixture.sample`` always does). False by default, as
            every ``sample`` of the package (the VAE's too) and ``torch.distributions``.

        Returns
        -------
        X : array of shape (n, n_features)
        z : array of shape (n,), dtype int64, only if ``return_latents``
            The component each sample came from.
        """
        check_fitted(self)
        n = check_sample_size(n, "n", bytes_per_sample=self._bytes_per_sample())
        rng = check_rng(rng)
        return_latents = check_return_latents(return_latents)
        z = rng.choice(self.n_components, size=n, p=self.weights_).astype(np.int64)
        X = self._sample_components(z, rng)
        return (X, z) if return_latents else X

    def num_params(self) -> int:
        """Number of free parameters: ``K - 1`` mixing weights plus ``K`` times the
        parameters of one component.

        Returns
        -------
        int
        """
        check_fitted(self)
        return int(self.n_components - 1 + self.n_components * self._n_params_per_component())


class BernoulliMixture(_BaseMixture):
    """Mixture of multivariate Bernoullis for binary data, fitted by EM.

    Introduced in chapter 1, What is a generative model, as a black box; later chapters
    open it (the graph Z -> X and independence given z in chapters 3 and 4, EM on the
    Gaussian mixture in chapter 7). The model is the Bayes net Z -> X with
    ``Z ~ Categorical(weights_)`` and, given ``Z = k``, independent pixels
    ``X_d ~ Bernoulli(means_[k, d])``:

    ``p(x) = sum_k weights_[k] prod_d means_[k, d]^x_d (1 - means_[k, d])^(1 - x_d)``.

    The pixel probabilities are smoothed: the M-step gives the maximum a posteriori (MAP)
    estimate under an independent ``Beta(1 + alpha, 1 + alpha)`` prior on every
    ``means_[k, d]``, i.e. ``(sum_n r[n, k] x[n, d] + alpha) / (N_k + 2 alpha)``, so that a
    pixel never seen on in training does not give a test image probability 0.

    Missing values: wherever a method accepts ``X``, a NaN entry means "not observed" and
    is marginalised out exactly, which for this model means dropping its factor from the
    product. So ``log_prob`` gives ``log p(x_visible)`` and ``predict_proba`` gives
    ``p(z | x_visible)``; :meth:`conditional_mean` and :meth:`sample_conditional` fill in
    the hidden pixels from the exact conditional ``p(x_hidden | x_visible)``.

    Parameters
    ----------
    n_components : int
        Number of components K.
    max_iter : int, default 100
        Maximum number of EM iterations (M-steps).
    tol : float, default 1e-6
        EM stops when the objective changes by less than this (nats per sample).
    alpha : float, default 0.01
        Beta smoothing of the pixel probabilities (pseudo-counts); 0 gives maximum
        likelihood.
    n_init : int, default 1
        Number of EM runs from different initialisations; the best objective is kept.
    random_state : int or numpy.random.Generator, default 0
        Randomness of the initialisation (k-means++ seeding on the training images).

    Attributes
    ----------
    weights_ : array of shape (n_components,)
        Mixing weights ``p(z=k)``.
    means_ : array of shape (n_components, n_features)
        Pixel probabilities ``p(x_d = 1 | z=k)`` (the component means).
    log_likelihood_ : list of float
        Mean training log-likelihood (nats per sample) at the initialisation and after each
        M-step; the last entry is that of the fitted parameters.
    objective_ : list of float
        What EM maximises: ``log_likelihood_`` plus the log Beta prior divided by the
        number of samples (equal to ``log_likelihood_`` when ``alpha = 0``). It never
        decreases.
    n_iter_ : int
        Number of M-steps of the kept run.
    converged_ : bool
        Whether the kept run stopped because the objective stalled (rather than max_iter).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]])
    >>> bmm = BernoulliMixture(2, random_state=0).fit(X)
    >>> bmm.log_prob(X).shape
    (4,)
    >>> x = np.array([[1, 0, 0]])  # fill in pixels 1 and 2 given pixel 0 = 1
    >>> bmm.conditional_mean(x, hidden_mask=np.array([False, True, True])).round(2)
    array([[1.  , 0.99, 0.01]])
    """

    _param_names = ("weights_", "means_")

    def __init__(
        self,
        n_components: int,
        *,
        max_iter: int = 100,
        tol: float = 1e-6,
        alpha: float = 0.01,
        n_init: int = 1,
        random_state: int | np.random.Generator = 0,
    ):
        super().__init__(
            n_components, max_iter=max_iter, tol=tol, n_init=n_init, random_state=random_state
        )
        self.alpha = alpha

    def _check_params(self) -> None:
        super()._check_params()
        check_float(self.alpha, "alpha", low=0.0)

    def _check_X(self, X, *, fitting: bool) -> np.ndarray:
        check_feature_names(self, X, reset=fitting)
        n_features = None if fitting else self.means_.shape[1]
        hint = "For one image use x[None, :]."
        if not fitting and n_features == 64:
            hint = "(binarised 8x8 digits). For one image use x[None, :]."
        try:
            return check_binary(X, "X", allow_nan=not fitting, n_features=n_features, hint=hint)
        except ValueError as exc:
            if fitting and "NaN" in str(exc):
                raise ValueError(
                    f"{exc} fit needs complete images; NaN as 'not observed' is accepted by "
                    "log_prob, predict_proba, conditional_mean and sample_conditional."
                ) from None
            raise

    def _initialize(self, X: np.ndarray, rng: np.random.Generator) -> None:
        # Hard assignment to k-means++ seeds, then one M-step with Laplace smoothing
        # (alpha >= 1) so that no starting probability is exactly 0 or 1.
        resp = _nearest_centre_resp(X, X[_kmeans_plusplus(X, self.n_components, rng)])
        self._m_step(X, resp, alpha=max(self.alpha, 1.0))

    def _m_step(self, X: np.ndarray, resp: np.ndarray, alpha: float | None = None) -> None:
        alpha = self.alpha if alpha is None else alpha
        counts = resp.sum(axis=0) + _EPS_COUNT
        self._set_weights_from_counts(counts, X.shape[0])
        # MAP under Beta(1 + alpha, 1 + alpha): (expected ones + alpha) / (N_k + 2 alpha).
        self.means_ = (resp.T @ X + alpha) / (counts[:, None] + 2 * alpha)

    def _log_means(self) -> tuple[np.ndarray, np.ndarray]:
        # Clipped so that 0 * log 0 never appears in the matrix products (alpha = 0 only).
        tiny = np.finfo(np.float64).tiny
        return np.log(np.maximum(self.means_, tiny)), np.log(np.maximum(1 - self.means_, tiny))

    def _log_prob_components(self, X: np.ndarray) -> np.ndarray:
        # log p(x | z=k) = sum over *observed* d of x_d log mu_kd + (1 - x_d) log(1 - mu_kd).
        log_mu, log_1m = self._log_means()
        observed = ~np.isnan(X)
        ones = np.where(observed, X, 0.0)
        return ones @ log_mu.T + (observed - ones) @ log_1m.T

    def _log_prior(self) -> float:
        if self.alpha == 0:
            return 0.0
        log_mu, log_1m = self._log_means()
        return float(self.alpha * (log_mu.sum() + log_1m.sum()))

    def _n_params_per_component(self) -> int:
        return int(self.means_.shape[1])

    def _bytes_per_sample(self) -> int:
        # z (8 bytes), uniforms and means_[z] (8 + 8 per pixel), comparison and result (1 + 1)
        return 8 + 18 * int(self.means_.shape[1])

    def _sample_components(self, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return (rng.random((z.shape[0], self.means_.shape[1])) < self.means_[z]).astype(np.uint8)

    # ------------------------------------------------- conditional inference
    def _hidden_input(self, X, hidden_mask, hidden=None) -> tuple[np.ndarray, np.ndarray]:
        """X with hidden entries set to NaN, and the boolean hidden mask, both (n, D).

        ``hidden`` is the former name of ``hidden_mask`` (elsewhere in the package ``hidden``
        counts hidden units), still accepted as a keyword.
        """
        if hidden is not None:
            if hidden_mask is not None:
                raise TypeError("Pass hidden_mask or its former name hidden, not both.")
            hidden_mask = hidden
        check_fitted(self)
        X = self._check_X(X, fitting=False)
        if hidden_mask is None:
            mask = np.isnan(X)
        else:
            h = np.asarray(hidden_mask)
            if h.dtype != np.bool_:
                raise TypeError(
                    f"hidden_mask must be boolean (True = hidden pixel), got {describe(h)}."
                )
            try:
                mask = np.broadcast_to(h, X.shape) | np.isnan(X)
            except ValueError:
                raise ValueError(
                    f"Expected hidden_mask of shape ({X.shape[1]},) or {X.shape} to match X, "
                    f"got {h.shape}."
                ) from None
        return np.where(mask, np.nan, X), mask

    def conditional_mean(self, X, hidden_mask=None, *, hidden=None) -> np.ndarray:
        """Posterior mean of the hidden pixels given the visible ones, ``E[x_hidden | x_visible]``.

        Exact: ``p(x_d = 1 | x_visible) = sum_k p(z=k | x_visible) means_[k, d]`` for each
        hidden pixel d, because the pixels are independent given z.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
            Images; the values at hidden pixels are ignored (they may be NaN).
        hidden_mask : bool array of shape (n_features,) or (n_samples, n_features), optional
            True where a pixel is hidden. By default the NaN entries of X are hidden.
        hidden : optional
            The former name of ``hidden_mask``, still accepted.

        Returns
        -------
        filled : array of shape (n_samples, n_features), float
            The visible pixels unchanged and each hidden pixel replaced by its conditional
            probability of being 1.

        Raises
        ------
        TypeError
            If ``hidden_mask`` is not boolean.
        ValueError
            If the shapes do not match, or a visible value is not 0 or 1.
        """
        Xh, mask = self._hidden_input(X, hidden_mask, hidden)
        prob = self.predict_proba(Xh) @ self.means_
        return np.where(mask, prob, Xh)

    def sample_conditional(
        self, X, hidden_mask=None, *, n_samples: int = 1, rng=None, hidden=None
    ) -> np.ndarray:
        """Samples of the hidden pixels from the exact conditional ``p(x_hidden | x_visible)``.

        Draws ``z ~ p(z | x_visible)``, then each hidden pixel ``~ Bernoulli(means_[z, d])``
        (ancestral sampling in the Bayes net conditioned on the evidence).

        Parameters
        ----------
        X : array of shape (n_samples_in, n_features)
            Images; the values at hidden pixels are ignored (they may be NaN).
        hidden_mask : bool array of shape (n_features,) or (n_samples_in, n_features), optional
            True where a pixel is hidden. By default the NaN entries of X are hidden.
        n_samples : int, default 1
            Completions per input image.
        rng : numpy.random.Generator or int seed
            Required: the source of randomness.
        hidden : optional
            The former name of ``hidden_mask``, still accepted.

        Returns
        -------
        completions : array of shape (n_samples_in, n_samples, n_features), dtype uint8
            The visible pixels copied, the hidden ones sampled.
        """
        Xh, mask = self._hidden_input(X, hidden_mask, hidden)
        n_samples = check_int(n_samples, "n_samples", minimum=1)
        if rng is None:
            raise TypeError("sample_conditional needs rng=np.random.default_rng(seed).")
        rng = check_rng(rng)
        post = self.predict_proba(Xh)  # (n, K)
        cum = np.cumsum(post, axis=1)
        u = rng.random((Xh.shape[0], n_samples, 1))
        z = np.minimum((u > cum[:, None, :]).sum(axis=2), self.n_components - 1)  # (n, S)
        draws = rng.random((Xh.shape[0], n_samples, Xh.shape[1])) < self.means_[z]
        visible = np.nan_to_num(Xh)[:, None, :].astype(bool)
        return np.where(mask[:, None, :], draws, visible).astype(np.uint8)


class GaussianMixture(_BaseMixture):
    """Mixture of full-covariance Gaussians, fitted by EM.

    Introduced in chapter 7, Continuous variables. The Bayes net Z -> X with
    ``Z ~ Categorical(weights_)`` and ``X | Z=k ~ N(means_[k], covariances_[k])``. Follows
    scikit-learn's ``GaussianMixture(covariance_type="full")``; tests check that both reach
    the same log-likelihood from the same initialisation.

    Numerical safety: ``reg_covar`` is added to the diagonal of every covariance after each
    M-step (as in scikit-learn), so a component collapsing onto one point keeps a
    positive-definite covariance and never produces NaN; an emptied component keeps a
    finite mean and covariance with weight ~0. Densities use Cholesky factors and
    triangular solves, never explicit inverses or determinants.

    Parameters
    ----------
    n_components : int
        Number of components K.
    max_iter : int, default 100
        Maximum number of EM iterations (M-steps).
    tol : float, default 1e-6
        EM stops when the mean log-likelihood changes by less than this (nats per sample).
    means_init : array of shape (n_components, n_features), optional
        Initial means, as scikit-learn's ``means_init``. Each sample is assigned to its
        nearest initial mean to set the initial weights and covariances. Without it the
        initial means are k-means++ seeds drawn with ``random_state``.
    weights_init : array of shape (n_components,), optional
        Initial mixing weights (override the ones computed from ``means_init``).
    covariances_init : array of shape (n_components, n_features, n_features), optional
        Initial covariances (symmetric positive definite).
    reg_covar : float, default 1e-6
        Added to the diagonal of each covariance (see above).
    n_init : int, default 1
        Number of EM runs; the best final log-likelihood is kept.
    random_state : int or numpy.random.Generator, default 0
        Randomness of the initialisation when ``means_init`` is not given.

    Attributes
    ----------
    weights_ : array of shape (n_components,)
    means_ : array of shape (n_components, n_features)
    covariances_ : array of shape (n_components, n_features, n_features)
    log_likelihood_ : list of float
        Mean training log-likelihood (nats per sample) at the initialisation and after each
        M-step; the last entry is that of the fitted parameters. It never decreases (EM).
    objective_ : list of float
        Same as ``log_likelihood_`` (no prior); kept for symmetry with BernoulliMixture.
    n_iter_ : int
    converged_ : bool

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(-3, 1, (100, 2)), rng.normal(3, 1, (100, 2))])
    >>> gmm = GaussianMixture(2, means_init=[[-1, 0], [1, 0]]).fit(X)
    >>> np.round(gmm.means_[:, 0])
    array([-3.,  3.])
    """

    _param_names = ("weights_", "means_", "covariances_", "precisions_cholesky_")

    def __init__(
        self,
        n_components: int,
        *,
        max_iter: int = 100,
        tol: float = 1e-6,
        means_init=None,
        weights_init=None,
        covariances_init=None,
        reg_covar: float = 1e-6,
        n_init: int = 1,
        random_state: int | np.random.Generator = 0,
    ):
        super().__init__(
            n_components, max_iter=max_iter, tol=tol, n_init=n_init, random_state=random_state
        )
        self.means_init = means_init
        self.weights_init = weights_init
        self.covariances_init = covariances_init
        self.reg_covar = reg_covar

    def _check_params(self) -> None:
        """Check the hyperparameters; keep the initial values as arrays for ``_initialize``."""
        super()._check_params()
        check_float(self.reg_covar, "reg_covar", low=0.0)
        k = self.n_components
        self._means_init = None
        if self.means_init is not None:
            self._means_init = check_matrix(self.means_init, "means_init")
            if self._means_init.shape[0] != k:
                raise ValueError(
                    f"Expected means_init of shape ({k}, n_features) for n_components={k}, "
                    f"got {self._means_init.shape}."
                )
        self._weights_init = None
        if self.weights_init is not None:
            w = np.asarray(self.weights_init, dtype=np.float64)
            if w.shape != (k,):
                raise ValueError(f"Expected weights_init of shape ({k},), got {w.shape}.")
            self._weights_init = check_probabilities(w, "weights_init")
        self._covariances_init = None
        if self.covariances_init is not None:
            c = np.asarray(self.covariances_init, dtype=np.float64)
            if c.ndim != 3 or c.shape[0] != k or c.shape[1] != c.shape[2]:
                raise ValueError(
                    f"Expected covariances_init of shape ({k}, n_features, n_features), "
                    f"got {c.shape}."
                )
            if not np.isfinite(c).all():
                k_bad, i, j = np.argwhere(~np.isfinite(c))[0]
                raise ValueError(
                    f"covariances_init must be finite, got {c[k_bad, i, j]} at [{k_bad}, {i}, {j}]."
                )
            if not np.allclose(c, c.transpose(0, 2, 1)):
                raise ValueError("covariances_init must be symmetric.")
            try:
                np.linalg.cholesky(c)
            except np.linalg.LinAlgError:
                raise ValueError("covariances_init must be positive definite.") from None
            if self._means_init is not None and c.shape[1] != self._means_init.shape[1]:
                raise ValueError(
                    f"covariances_init is for {c.shape[1]} features but means_init for "
                    f"{self._means_init.shape[1]}."
                )
            self._covariances_init = c

    def _check_X(self, X, *, fitting: bool) -> np.ndarray:
        check_feature_names(self, X, reset=fitting)
        n_features = None
        if not fitting:
            n_features = self.means_.shape[1]
        elif self._means_init is not None:
            n_features = self._means_init.shape[1]
        elif self._covariances_init is not None:
            n_features = self._covariances_init.shape[1]
        X = check_matrix(X, "X", n_features=n_features, hint="For one point use x[None, :].")
        if fitting:
            # EM squares distances and deviations: they must stay finite in float64.
            spread = (
                np.abs(X - X.mean(axis=0)).max(axis=0)
                if np.isfinite(X.mean(axis=0)).all()
                else None
            )
            limit = np.sqrt(np.finfo(np.float64).max / (4.0 * X.shape[0] * X.shape[1]))
            if spread is None or (spread > limit).any() or np.abs(X).max() > limit:
                j = int(np.argmax(np.abs(X).max(axis=0)))
                raise ValueError(
                    f"X has values too large for EM in float64: feature {j} reaches "
                    f"{np.abs(X[:, j]).max():.3g}, and squared distances of that size overflow "
                    f"(the limit here is about {limit:.3g}). Rescale X first, e.g. "
                    "(X - X.mean(axis=0)) / X.std(axis=0)."
                )
        return X

    def _initialize(self, X: np.ndarray, rng: np.random.Generator) -> None:
        if self._means_init is not None:
            centres = self._means_init
        else:
            centres = X[_kmeans_plusplus(X, self.n_components, rng)]
        resp = _nearest_centre_resp(X, centres)
        counts = resp.sum(axis=0) + _EPS_COUNT
        self._set_weights_from_counts(counts, X.shape[0])
        self.means_ = centres.copy()
        self.covariances_ = _weighted_covariances(X, resp, counts, centres, self.reg_covar)
        if self._weights_init is not None:
            self.weights_ = self._weights_init.copy()
        if self._covariances_init is not None:
            self.covariances_ = self._covariances_init.copy()
        self.precisions_cholesky_ = self._precisions_cholesky(self.covariances_)

    @staticmethod
    def _precisions_cholesky(covariances: np.ndarray) -> np.ndarray:
        """Upper-triangular P_k = L_k^{-T} with Sigma_k = L_k L_k^T, so Sigma_k^{-1} = P_k P_k^T."""
        try:
            chol = np.linalg.cholesky(covariances)
        except np.linalg.LinAlgError:
            raise ValueError(
                "A covariance matrix is not positive definite (a component collapsed onto "
                "too few points). Increase reg_covar, e.g. reg_covar=1e-3."
            ) from None
        d = covariances.shape[1]
        eye = np.eye(d)
        return np.stack([solve_triangular(c, eye, lower=True).T for c in chol])

    def _m_step(self, X: np.ndarray, resp: np.ndarray) -> None:
        self.weights_, self.means_, self.covariances_ = gaussian_m_step(
            X, resp, reg_covar=self.reg_covar
        )
        self.precisions_cholesky_ = self._precisions_cholesky(self.covariances_)

    def _log_prob_components(self, X: np.ndarray) -> np.ndarray:
        # log N(x | mu, Sigma) = -d/2 log 2pi + log|P| - ||(x - mu) P||^2 / 2, with P = L^{-T}
        # (so Sigma^{-1} = P P^T): one triangular-factor product per component, no inverse.
        P = self.precisions_cholesky_  # (K, d, d)
        n, d = X.shape
        maha = np.empty((n, self.n_components))
        for k in range(self.n_components):
            y = X @ P[k] - self.means_[k] @ P[k]
            maha[:, k] = np.einsum("nd,nd->n", y, y)
        log_det = np.log(np.diagonal(P, axis1=1, axis2=2)).sum(axis=1)  # log|P| = -log|L|
        return -0.5 * (d * np.log(2 * np.pi) + maha) + log_det

    def _n_params_per_component(self) -> int:
        d = self.means_.shape[1]
        return int(d + d * (d + 1) // 2)

    def _bytes_per_sample(self) -> int:
        # z, then per sample its Cholesky factor chol[z] (d^2 floats), noise, mean and result
        d = int(self.means_.shape[1])
        return 8 + 8 * (d * d + 3 * d)

    def _sample_components(self, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        chol = np.linalg.cholesky(self.covariances_)
        eps = rng.standard_normal((z.shape[0], self.means_.shape[1]))
        return self.means_[z] + np.einsum("nij,nj->ni", chol[z], eps)


def gaussian_m_step(
    X: np.ndarray, resp: np.ndarray, reg_covar: float = 1e-6
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The M-step of EM for a mixture of full-covariance Gaussians.

    Introduced in chapter 7, Continuous variables. The fits one would make if each
    sample's component were observed, with sample ``n`` counted with weight
    ``resp[n, k]`` in component ``k``. :class:`GaussianMixture` calls it at every
    iteration.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
        The data.
    resp : array of shape (n_samples, n_components)
        Responsibilities ``p(z=k | x_n)`` from the E-step; each row sums to 1.
    reg_covar : float, default 1e-6
        Added to the diagonal of every covariance, so that none is singular.

    Returns
    -------
    weights : array of shape (n_components,)
    means : array of shape (n_components, n_features)
    covariances : array of shape (n_components, n_features, n_features)

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [10.0]])
    >>> resp = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> weights, means, covs = gaussian_m_step(X, resp, reg_covar=0.0)
    >>> weights.round(3), means.ravel().round(3), covs.ravel().round(3)
    (array([0.667, 0.333]), array([ 0.5, 10. ]), array([0.25, 0.  ]))
    """
    X = check_matrix(X, "X")
    reg_covar = check_float(reg_covar, "reg_covar", low=0.0)
    resp = check_matrix(resp, "resp")
    if resp.shape[0] != X.shape[0]:
        raise ValueError(
            f"resp must have one row per sample of X, shape ({X.shape[0]}, n_components), "
            f"got {resp.shape}."
        )
    check_probabilities(resp, "resp (responsibilities p(z=k | x_n))", axis=1)
    counts = resp.sum(axis=0) + _EPS_COUNT  # N_k, the soft number of samples of k
    weights = counts / X.shape[0]  # pi_k = N_k / N
    weights /= weights.sum()
    means = (resp.T @ X) / counts[:, None]  # mu_k = sum_n r_nk x_n / N_k
    covariances = _weighted_covariances(X, resp, counts, means, reg_covar)
    return weights, means, covariances
