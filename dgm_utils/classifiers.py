"""Generative and discriminative classifiers: naive Bayes and logistic regression.

Introduced in chapter 5, Generative versus discriminative. Naive Bayes models the joint
``p(y, x) = p(y) prod_i p(x_i | y)`` and classifies by Bayes' rule; logistic regression models
only ``p(y | x) = softmax(W x + b)``. Both follow scikit-learn's conventions (``fit`` returns
``self``, learned values end in ``_``), so they can be checked against ``BernoulliNB``,
``GaussianNB`` and ``LogisticRegression`` line by line.

Evaluation helpers are in :mod:`dgm_utils.evaluation`, the chapter's synthetic corpus in
:mod:`dgm_utils.spam_corpus`, and the edits of a data set in :mod:`dgm_utils.datasets`.
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np
from scipy.special import log_expit, log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets

from ._validation import (
    check_binary,
    check_feature_names,
    check_fitted,
    check_float,
    check_int,
    check_labels,
    check_matrix,
)

__all__ = ["BernoulliNaiveBayes", "GaussianNaiveBayes", "LogisticRegression"]

# --------------------------------------------------------------------------------------
# Shared checks
# --------------------------------------------------------------------------------------


@functools.cache
def _blas_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _single_threaded_blas():
    """One BLAS thread for the duration of a block (restored after it).

    The matrix products here are small (thousands of rows, tens of columns); threaded BLAS
    spends more on waking and synchronising threads than it saves, and on a busy machine a
    descheduled thread can make each product 100 times slower.
    """
    try:
        return _blas_controller().limit(limits=1, user_api="blas")
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()


def _reject_nan(X, name: str = "X") -> None:
    """NaN means "unobserved" at prediction time only; say so when it appears in training."""
    arr = np.asarray(X)
    if arr.dtype.kind in "fc" and np.isnan(arr).any():
        i, j = np.argwhere(np.isnan(arr))[0]
        raise ValueError(
            f"{name} contains NaN, first at [{i}, {j}]. Training data must be fully observed: "
            "NaN marks an unobserved feature only at prediction time (predict_proba), where "
            "naive Bayes marginalises it out. Drop or impute incomplete training rows first."
        )


def _check_binary(X, *, allow_nan: bool, n_features: int | None = None) -> np.ndarray:
    """:func:`check_binary`, with a fast path for integer and boolean arrays (no NaN there)."""
    arr = np.asarray(X) if not isinstance(X, str | bytes) else X
    if isinstance(arr, np.ndarray) and arr.dtype.kind in "biu":
        arr = check_matrix(arr, "X", n_features=n_features, dtype=arr.dtype)
        if arr.size == 0 or (arr.min() >= 0 and arr.max() <= 1):
            return arr.astype(np.float64)
    return check_binary(X, "X", allow_nan=allow_nan, n_features=n_features)


def _encode_labels(y, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` (sorted, unique) and ``y`` as indices into them; at least two classes."""
    y = check_labels(y, n_samples)
    check_classification_targets(y)  # continuous y (e.g. 0.3, 1.7) is refused, not classes
    classes, y_idx = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(
            f"y has a single class ({classes[0]!r}) in all {n_samples} samples; a classifier needs "
            "examples of at least two classes."
        )
    return classes, y_idx


def _log_normalise(jll: np.ndarray) -> np.ndarray:
    """Bayes' rule in log space: ``log p(y | x) = jll - logsumexp_y jll`` along axis 1."""
    return log_softmax(jll, axis=1)


class _Classifier(ClassifierMixin, BaseEstimator):
    """``predict`` / ``predict_proba`` / ``score`` from ``predict_log_proba`` or logits.

    A scikit-learn estimator: ``__init__`` stores the hyperparameters as given and ``fit``
    checks them, so ``clone``, ``GridSearchCV``, ``Pipeline`` and ``cross_val_score`` work.
    """

    classes_: np.ndarray

    def predict_log_proba(self, X) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def predict_proba(self, X) -> np.ndarray:
        """Posterior class probabilities, array of shape (n_samples, n_classes)."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row, array of shape (n_samples,)."""
        check_fitted(self, "fit(X, y)")
        return self.classes_[np.argmax(self.predict_log_proba(X), axis=1)]

    def score(self, X, y, sample_weight=None) -> float:
        """Accuracy of ``predict(X)`` against ``y``, weighted by ``sample_weight`` if given.

        scikit-learn's ``ClassifierMixin.score`` (``accuracy_score``), so model selection
        ranks these classifiers exactly as it ranks scikit-learn's.
        """
        return super().score(X, y, sample_weight=sample_weight)


# --------------------------------------------------------------------------------------
# Naive Bayes
# --------------------------------------------------------------------------------------


class BernoulliNaiveBayes(_Classifier):
    """Naive Bayes for binary features: ``p(y, x) = p(y) prod_i Bernoulli(x_i | theta_{y,i})``.

    Introduced in chapter 5, Generative versus discriminative. Trained by counting with
    additive (Laplace) smoothing, ``theta_{y,i} = (N_{y,i} + alpha) / (N_y + 2 alpha)``, as
    scikit-learn's ``BernoulliNB``. Prediction applies Bayes' rule in log space. At prediction
    time an entry ``np.nan`` means "not observed": its factor ``p(x_i | y)`` sums to one over
    ``x_i`` and is dropped, which marginalises the feature out exactly.

    Parameters
    ----------
    alpha : float, default 1.0
        Pseudo-count added to each of the two outcomes of every feature; must be > 0
        (1 is Laplace's rule of succession).

    Attributes
    ----------
    classes_ : array of shape (n_classes,)
    class_count_ : array of shape (n_classes,)
    feature_count_ : array of shape (n_classes, n_features)
        ``N_{y,i}``, the number of training rows of class ``y`` with ``x_i = 1``.
    class_log_prior_ : array of shape (n_classes,)
        ``log p(y)``, the empirical class frequencies (unsmoothed, as ``BernoulliNB``).
    feature_log_prob_ : array of shape (n_classes, n_features)
        ``log p(x_i = 1 | y)``.
    n_features_in_ : int

    Examples
    --------
    >>> X = np.array([[1, 1], [1, 0], [0, 0], [0, 1]])
    >>> nb = BernoulliNaiveBayes(alpha=1.0).fit(X, [1, 1, 0, 0])
    >>> np.exp(nb.feature_log_prob_).round(2).tolist()
    [[0.25, 0.5], [0.75, 0.5]]
    >>> nb.predict_proba([[1, np.nan]]).round(2).tolist()  # x_2 unobserved
    [[0.25, 0.75]]
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def fit(self, X, y) -> BernoulliNaiveBayes:
        """Count: class frequencies and, per class, how often each feature is 1.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), entries 0 or 1 (no NaN)
        y : array of shape (n_samples,), at least two distinct labels

        Returns
        -------
        self
        """
        alpha = check_float(self.alpha, "alpha", low=0.0, low_inclusive=False)
        _reject_nan(X)
        check_feature_names(self, X, reset=True)
        X = _check_binary(X, allow_nan=False)
        classes, y_idx = _encode_labels(y, X.shape[0])
        onehot = np.zeros((X.shape[0], classes.size))
        onehot[np.arange(X.shape[0]), y_idx] = 1.0
        self.class_count_ = onehot.sum(axis=0)
        with _single_threaded_blas():
            self.feature_count_ = onehot.T @ X
        self.class_log_prior_ = np.log(self.class_count_) - np.log(X.shape[0])
        # Laplace smoothing: alpha pseudo-counts for x_i = 1 and for x_i = 0. Counts and
        # alpha are divided by max(alpha, 1) (exact for alpha <= 1), so that N + 2 alpha
        # cannot overflow for a huge alpha (then theta -> 1/2, not NaN).
        s = max(alpha, 1.0)
        a, counts = alpha / s, self.class_count_ / s
        ones = self.feature_count_ / s
        denom = np.log(counts + 2.0 * a)[:, None]
        self.feature_log_prob_ = np.log(ones + a) - denom
        self._log_prob0 = np.log(counts[:, None] - ones + a) - denom
        self.n_features_in_ = X.shape[1]
        self.classes_ = classes
        return self

    def predict_joint_log_proba(self, X) -> np.ndarray:
        """``log p(y, x_obs) = log p(y) + sum over observed i of log p(x_i | y)``.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), entries 0, 1 or NaN (unobserved)

        Returns
        -------
        jll : array of shape (n_samples, n_classes)
        """
        check_fitted(self, "fit(X, y)")
        check_feature_names(self, X, reset=False)
        X = _check_binary(X, allow_nan=True, n_features=self.n_features_in_)
        log_p1, log_p0 = self.feature_log_prob_, self._log_prob0
        missing = np.isnan(X)
        with _single_threaded_blas():
            if not missing.any():
                # x log p1 + (1 - x) log p0 = x (log p1 - log p0) + log p0: one product.
                return X @ (log_p1 - log_p0).T + (log_p0.sum(axis=1) + self.class_log_prior_)
            # An unobserved x_i contributes log sum_{x_i} p(x_i | y) = log 1 = 0: no factor.
            ones = np.where(missing, 0.0, X)
            zeros = (~missing) - ones
            return ones @ log_p1.T + zeros @ log_p0.T + self.class_log_prior_

    def predict_log_proba(self, X) -> np.ndarray:
        """``log p(y | x_obs)``, array of shape (n_samples, n_classes); NaN = unobserved."""
        return _log_normalise(self.predict_joint_log_proba(X))

    def linear_log_odds(self) -> tuple[np.ndarray, float]:
        """The logistic regression this model implies: ``log-odds = coef . x + intercept``.

        For two classes, ``log p(y_1 | x) / p(y_0 | x)`` is linear in a binary ``x``, with
        ``coef_i = log[theta_1i (1 - theta_0i) / (theta_0i (1 - theta_1i))]`` and
        ``intercept = log(pi_1 / pi_0) + sum_i log[(1 - theta_1i) / (1 - theta_0i)]``.

        Returns
        -------
        coef : array of shape (n_features,)
        intercept : float

        Raises
        ------
        ValueError
            If the model was fitted on more than two classes.
        """
        check_fitted(self, "fit(X, y)")
        if self.classes_.size != 2:
            raise ValueError(
                f"linear_log_odds needs two classes, the model has {self.classes_.size}; "
                "with K classes each pair of classes has its own linear log-odds."
            )
        log_p1, log_p0 = self.feature_log_prob_, self._log_prob0
        coef = (log_p1[1] - log_p0[1]) - (log_p1[0] - log_p0[0])
        prior = self.class_log_prior_
        intercept = float(prior[1] - prior[0] + (log_p0[1] - log_p0[0]).sum())
        return coef, intercept


class GaussianNaiveBayes(_Classifier):
    """Naive Bayes for real features: ``p(y, x) = p(y) prod_i N(x_i | mu_{y,i}, sigma2_{y,i})``.

    Introduced in chapter 5, Generative versus discriminative. Maximum-likelihood means and
    variances per class, with scikit-learn's ``GaussianNB`` variance smoothing: every
    variance is increased by ``var_smoothing * max_i Var(x_i)``. ``np.nan`` at prediction
    time marks an unobserved feature, marginalised out exactly (its factor is dropped).

    Parameters
    ----------
    var_smoothing : float, default 1e-9
        Fraction of the largest feature variance added to every variance; >= 0.

    Attributes
    ----------
    classes_ : array of shape (n_classes,)
    class_count_ : array of shape (n_classes,)
    class_prior_ : array of shape (n_classes,)
    theta_ : array of shape (n_classes, n_features)
        Per-class feature means.
    var_ : array of shape (n_classes, n_features)
        Per-class feature variances (smoothed).
    epsilon_ : float
        The amount added to every variance.
    n_features_in_ : int
    """

    def __init__(self, var_smoothing: float = 1e-9):
        self.var_smoothing = var_smoothing

    def fit(self, X, y) -> GaussianNaiveBayes:
        """Per-class means and variances (maximum likelihood) and class frequencies.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), finite
        y : array of shape (n_samples,), at least two distinct labels

        Returns
        -------
        self
        """
        var_smoothing = check_float(self.var_smoothing, "var_smoothing", low=0.0)
        _reject_nan(X)
        check_feature_names(self, X, reset=True)
        X = check_matrix(X, "X")
        classes, y_idx = _encode_labels(y, X.shape[0])
        # Per class, the mean and then the mean squared deviation from it (two passes with
        # numpy's pairwise sums, as GaussianNB): never E[x^2] - E[x]^2, which cancels when
        # the features sit far from zero.
        rows = [X[y_idx == k] for k in range(classes.size)]
        counts = np.array([r.shape[0] for r in rows], dtype=np.float64)
        mean = np.stack([r.mean(axis=0) for r in rows])
        var = np.stack([r.var(axis=0) for r in rows])
        self.epsilon_ = var_smoothing * float(np.var(X, axis=0).max())
        self.class_count_ = counts
        self.class_prior_ = counts / X.shape[0]
        self.theta_ = mean
        self.var_ = var + self.epsilon_
        if (self.var_ <= 0).any():
            raise ValueError(
                "A feature is constant within a class and var_smoothing is 0, so its variance "
                "is 0. Use var_smoothing > 0 (the default is 1e-9)."
            )
        self.n_features_in_ = X.shape[1]
        self.classes_ = classes
        return self

    def predict_joint_log_proba(self, X) -> np.ndarray:
        """``log p(y) + sum over observed i of log N(x_i | mu_{y,i}, sigma2_{y,i})``.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), NaN = unobserved

        Returns
        -------
        jll : array of shape (n_samples, n_classes)
        """
        check_fitted(self, "fit(X, y)")
        check_feature_names(self, X, reset=False)
        X = check_matrix(X, "X", allow_nan=True, n_features=self.n_features_in_)
        observed = ~np.isnan(X)
        # z_ik = (x_i - mu_ki) / sigma_ki: centred before squaring (as GaussianNB), never
        # x^2 - 2 x mu + mu^2, which loses every digit when x and mu are far from zero.
        z = np.where(observed[:, None, :], X[:, None, :] - self.theta_, 0.0)
        z /= np.sqrt(self.var_)  # shape (n_samples, n_classes, n_features)
        log_norm = np.log(2.0 * np.pi * self.var_)  # an unobserved x_i drops its factor
        const = np.log(self.class_prior_) - 0.5 * (observed @ log_norm.T)
        with np.errstate(over="ignore"):  # far rows are recomputed below
            jll = const - 0.5 * np.einsum("nkd,nkd->nk", z, z)
        # Far from the data (|z| > 1e150) z_ik^2 overflows and z_ik - z_i0 loses every
        # digit. There, relative to class 0: z_k^2 - z_0^2 = (z_k - z_0)(z_k + z_0), with
        # z_k - z_0 = x (1/s_k - 1/s_0) + (mu_0/s_0 - mu_k/s_k) computed without
        # cancellation, and the product scaled by m = max |z|; log-odds beyond +-1e300 are
        # clipped, which leaves the posterior exactly 0 or 1 instead of NaN.
        m = np.abs(z).max(axis=(1, 2))
        far = np.flatnonzero(m > 1e150)
        if far.size:
            sd = np.sqrt(self.var_)
            xf = np.where(observed[far], X[far], 0.0)[:, None, :]
            diff = xf * (1 / sd - 1 / sd[0]) + (self.theta_[0] / sd[0] - self.theta_ / sd)
            diff = np.where(observed[far][:, None, :], diff, 0.0)
            scale = m[far, None, None]
            r = np.einsum("nkd,nkd->nk", diff / scale, (z[far] + z[far][:, :1]) / scale)
            with np.errstate(over="ignore", invalid="ignore"):  # inf * 0 where not taken
                rel = np.where(r == 0, 0.0, -0.5 * scale[:, :, 0] ** 2 * r)
            jll[far] = np.clip(rel + (const[far] - const[far][:, :1]), -1e300, 1e300)
        return jll

    def predict_log_proba(self, X) -> np.ndarray:
        """``log p(y | x_obs)``, array of shape (n_samples, n_classes); NaN = unobserved."""
        return _log_normalise(self.predict_joint_log_proba(X))


# --------------------------------------------------------------------------------------
# Logistic regression
# --------------------------------------------------------------------------------------


def _design(X: np.ndarray) -> np.ndarray:
    """``[X, 1]`` transposed and C-contiguous, shape (n_features + 1, n_samples).

    With samples along the last axis, the per-sample reductions of the softmax (max, sum)
    run along axis 0 over contiguous rows, about twice as fast as along axis 1.
    """
    XT = np.empty((X.shape[1] + 1, X.shape[0]))
    XT[:-1] = X.T
    XT[-1] = 1.0
    return XT


def _binary_loss_grad(w, XT, t, l2):
    """Mean log loss of ``sigmoid(a . x + b)`` + ``l2 / (2 n) ||a||^2``, and its gradient.

    ``w = [a, b]`` of shape (n_features + 1,); ``XT = _design(X)``; ``t`` in {0, 1}.
    """
    from scipy.special import expit

    n = XT.shape[1]
    z = w @ XT
    # -log p(t | z) = log(1 + exp(z)) - t z, computed stably.
    loss = np.logaddexp(0.0, z).sum() - t @ z
    grad = XT @ (expit(z) - t)
    a = w[:-1]
    grad[:-1] += l2 * a
    return (loss + 0.5 * l2 * (a @ a)) / n, grad / n


def _softmax_loss_grad(w, XT, flat_target, l2, n_classes):
    """Mean cross-entropy of ``softmax(W x + b)`` + ``l2 / (2 n) ||W||^2``, and gradient.

    ``w`` is ``[W, b]`` of shape (n_classes, n_features + 1), ravelled; ``XT = _design(X)``;
    ``flat_target[n] = y_n * n_samples + n`` indexes the logit of the true class.
    """
    n = XT.shape[1]
    Wb = w.reshape(n_classes, -1)
    Z = Wb @ XT  # logits, shape (n_classes, n_samples)
    m = Z.max(axis=0)
    z_true = Z.ravel()[flat_target]
    Z -= m
    np.exp(Z, out=Z)
    s = Z.sum(axis=0)
    # -log softmax_y(z) = logsumexp(z) - z_y
    loss = np.log(s).sum() + m.sum() - z_true.sum()
    Z /= s  # softmax probabilities, then minus the one-hot targets
    Z.ravel()[flat_target] -= 1.0
    grad = Z @ XT.T
    W = Wb[:, :-1]
    grad[:, :-1] += l2 * W
    return (loss + 0.5 * l2 * np.sum(W * W)) / n, grad.ravel() / n


class LogisticRegression(_Classifier):
    """L2-regularised logistic regression, binary (sigmoid) or multiclass (softmax).

    Introduced in chapter 5, Generative versus discriminative. Models only
    ``p(y | x)``: for two classes ``p(y = 1 | x) = sigmoid(a . x + b)``, for ``K > 2``
    classes ``p(y = k | x) = softmax_k(W x + b)``. Fitted by L-BFGS (scipy) with the
    analytic gradient, to convergence, by minimising

    ``sum_n -log p(y_n | x_n) + (l2 / 2) ||W||^2``   (the intercept is not penalised).

    This is scikit-learn's objective ``C sum_n loss_n + 1/2 ||W||^2`` divided by ``C``, so
    ``l2 = 1 / C`` gives the same solution as ``sklearn.linear_model.LogisticRegression(C=C)``
    (same parameterisation: one weight vector for two classes, ``K`` vectors for ``K``).

    Parameters
    ----------
    l2 : float, default 1.0
        Strength of the penalty on the weights, >= 0 (0 = unregularised, which diverges on
        separable data). ``l2 = 1 / C`` in scikit-learn's terms.
    max_iter : int, default 1000
        Maximum number of L-BFGS iterations.
    tol : float, default 1e-4
        Stop when every gradient entry of the per-sample objective is below ``tol``
        (scikit-learn's default order, and its time). The objective is convex: a tight
        ``tol`` such as 1e-7 (just above what double precision resolves on the book's
        data, about 2e-8) lands on the optimum itself, whichever path the optimiser took,
        so predictions reproduce to the last printed digit on every machine; the book's
        chapters pass it explicitly.
    warm_start : bool, default False
        Start ``fit`` from the previous solution (when the classes are the same); the
        objective is convex, so this changes the time taken, not the optimum.

    Attributes
    ----------
    classes_ : array of shape (n_classes,)
    coef_ : array of shape (1, n_features) for two classes, (n_classes, n_features) otherwise
    intercept_ : array of shape (1,) or (n_classes,)
    n_iter_ : int
        L-BFGS iterations of the last fit.
    n_features_in_ : int

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> lr = LogisticRegression(l2=1.0).fit(X, [0, 0, 1, 1])
    >>> lr.predict([[0.5], [2.5]]).tolist()
    [0, 1]
    """

    def __init__(
        self, l2: float = 1.0, max_iter: int = 1000, tol: float = 1e-4, warm_start: bool = False
    ):
        self.l2 = l2
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start

    def fit(self, X, y) -> LogisticRegression:
        """Maximise the penalised conditional log-likelihood with L-BFGS.

        Parameters
        ----------
        X : array of shape (n_samples, n_features), finite
        y : array of shape (n_samples,), at least two distinct labels

        Returns
        -------
        self

        Warns
        -----
        ConvergenceWarning
            When ``max_iter`` iterations did not reach the tolerance.
        """
        from scipy.optimize import minimize

        l2 = check_float(self.l2, "l2", low=0.0)
        max_iter = check_int(self.max_iter, "max_iter", minimum=1)
        tol = check_float(self.tol, "tol", low=0.0, low_inclusive=False)
        if not isinstance(self.warm_start, bool | np.bool_):
            raise TypeError(f"warm_start must be True or False, got {self.warm_start!r}.")
        _reject_nan(X)
        check_feature_names(self, X, reset=True)
        X = check_matrix(X, "X")
        classes, y_idx = _encode_labels(y, X.shape[0])
        n_classes, d = classes.size, X.shape[1]
        n_out = 1 if n_classes == 2 else n_classes
        w0 = np.zeros(n_out * (d + 1))
        if (
            self.warm_start
            and hasattr(self, "coef_")
            and np.array_equal(self.classes_, classes)
            and self.coef_.shape == (n_out, d)
        ):
            w0 = np.hstack([self.coef_, self.intercept_[:, None]]).ravel()
        XT = _design(X)
        if n_classes == 2:
            fun, args = _binary_loss_grad, (XT, y_idx.astype(np.float64), l2)
        else:
            flat_target = y_idx * X.shape[0] + np.arange(X.shape[0])
            fun, args = _softmax_loss_grad, (XT, flat_target, l2, n_classes)
        options = {"ftol": 64 * np.finfo(float).eps, "gtol": tol, "maxls": 50}
        n_iter, w, f_prev = 0, w0, np.inf
        with _single_threaded_blas():
            # L-BFGS-B can stop early, on its relative-decrease test (ftol) or a failed line
            # search, with the gradient still above tol; restarting it from where it stopped
            # (fresh curvature memory) then continues. At most a few restarts: a restart that
            # does not lower the objective means floating point has reached its limit.
            for _ in range(5):
                res = minimize(
                    fun,
                    w,
                    args=args,
                    jac=True,
                    method="L-BFGS-B",
                    options={**options, "maxiter": max_iter - n_iter},
                )
                improved = res.nit > 0 and res.fun < f_prev
                n_iter, w, f_prev = n_iter + int(res.nit), res.x, res.fun
                if np.abs(res.jac).max() <= tol or n_iter >= max_iter or not improved:
                    break
        grad_max = float(np.abs(res.jac).max())
        if grad_max > tol:
            import warnings

            reason = (
                f"after max_iter={max_iter} iterations"
                if n_iter >= max_iter
                else f"after {n_iter} iterations, when it could no longer lower the objective"
            )
            warnings.warn(
                f"L-BFGS stopped {reason} with gradient {grad_max:.2g} > tol={tol:g}. "
                "Increase max_iter, or l2 if the data are separable; standardise the features "
                "(large or very different scales slow L-BFGS down), or use a larger tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        Wb = res.x.reshape(n_out, d + 1)
        self.coef_, self.intercept_ = Wb[:, :-1].copy(), Wb[:, -1].copy()
        self.n_iter_ = n_iter
        self.n_features_in_ = d
        self.classes_ = classes
        return self

    def decision_function(self, X) -> np.ndarray:
        """The logits ``X W^T + b``: shape (n_samples,) for two classes, else (n_samples, K)."""
        check_fitted(self, "fit(X, y)")
        arr = np.asarray(X)
        if arr.dtype.kind == "f" and np.isnan(arr).any():
            raise ValueError(
                "X contains NaN (unobserved features). Logistic regression models only "
                "p(y | x) and cannot marginalise a missing x_i; impute it first, e.g. with the "
                "training mean of that feature."
            )
        check_feature_names(self, X, reset=False)
        X = check_matrix(X, "X", n_features=self.n_features_in_)
        with _single_threaded_blas():
            Z = X @ self.coef_.T + self.intercept_
        return Z[:, 0] if self.classes_.size == 2 else Z

    def predict_log_proba(self, X) -> np.ndarray:
        """``log p(y | x)``, array of shape (n_samples, n_classes)."""
        Z = self.decision_function(X)
        if Z.ndim == 1:
            return log_expit(np.stack([-Z, Z], axis=1))  # log sigmoid(-z), log sigmoid(z)
        return _log_normalise(Z)


# Names that lived here before they moved to modules of their own; chapter 5 used to reach
# them as clf.<name>. Old code keeps working, with a FutureWarning naming the new home.
_MOVED = {
    "hide_features": "datasets",
    "with_copies": "datasets",
    "calibration_curve": "evaluation",
    "expected_calibration_error": "evaluation",
    "learning_curves": "evaluation",
    "SPAM_TOPICS": "spam_corpus",
    "make_spam_corpus": "spam_corpus",
    "spam_posterior": "spam_corpus",
}


def __getattr__(name: str):
    if name in _MOVED:
        import importlib
        import warnings

        module = _MOVED[name]
        warnings.warn(
            f"dgm_utils.classifiers.{name} moved to dgm_utils.{module}.{name} (also "
            f"du.{name}); the old path will stop working in a future version.",
            FutureWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(f"{__package__}.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
