"""dgm_utils.classifiers against scikit-learn (BernoulliNB, GaussianNB, LogisticRegression)."""

import json
from importlib import resources

import numpy as np
import pytest
from sklearn.calibration import calibration_curve as sk_calibration_curve
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.naive_bayes import BernoulliNB, GaussianNB

import dgm_utils as du
from dgm_utils import classifiers as clf
from dgm_utils import spam_corpus
from dgm_utils.exercises import is_correct


@pytest.fixture(scope="module")
def digits():
    return du.load_binarized_digits()


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X[:400], X[400:], y[:400], y[400:]


# ------------------------------------------------------------------ naive Bayes


@pytest.mark.parametrize("alpha", [1.0, 0.5, 1e-3, 3.0])
def test_bernoulli_nb_matches_sklearn(digits, alpha):
    X_train, X_test, y_train, y_test = digits
    ours = du.BernoulliNaiveBayes(alpha=alpha).fit(X_train, y_train)
    ref = BernoulliNB(alpha=alpha, binarize=None).fit(X_train, y_train)
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    np.testing.assert_allclose(ours.class_log_prior_, ref.class_log_prior_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.feature_log_prob_, ref.feature_log_prob_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test), atol=1e-9)
    np.testing.assert_allclose(
        ours.predict_log_proba(X_test), ref.predict_log_proba(X_test), rtol=1e-9, atol=1e-9
    )
    np.testing.assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    assert ours.score(X_test, y_test) == pytest.approx(ref.score(X_test, y_test), abs=0)


def test_bernoulli_nb_string_labels_and_binary_case():
    rng = np.random.default_rng(1)
    X = (rng.random((200, 7)) < 0.4).astype(np.uint8)
    y = np.where(X[:, 0] | (rng.random(200) < 0.2), "spam", "ham")
    ours = du.BernoulliNaiveBayes(alpha=0.7).fit(X, y)
    ref = BernoulliNB(alpha=0.7, binarize=None).fit(X, y)
    assert list(ours.classes_) == ["ham", "spam"]
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-9)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize("hidden", [[0], [5, 17], list(range(0, 64, 3))])
def test_missing_features_equal_model_fitted_without_them(digits, hidden):
    X_train, X_test, y_train, _ = digits
    kept = np.setdiff1d(np.arange(64), hidden)
    full = du.BernoulliNaiveBayes().fit(X_train, y_train)
    X_nan = X_test.astype(float)
    X_nan[:, hidden] = np.nan
    reduced = du.BernoulliNaiveBayes().fit(X_train[:, kept], y_train)
    np.testing.assert_allclose(
        full.predict_log_proba(X_nan), reduced.predict_log_proba(X_test[:, kept]), atol=1e-12
    )


def test_missing_feature_per_row_brute_force():
    """Each row with its own hidden set: sum the joint over the hidden values explicitly."""
    rng = np.random.default_rng(2)
    X = (rng.random((300, 4)) < 0.5).astype(float)
    y = (X[:, 0] + X[:, 1] + rng.random(300) > 1.5).astype(int)
    nb = du.BernoulliNaiveBayes(alpha=0.5).fit(X, y)
    x = np.array([[1.0, np.nan, 0.0, np.nan]])
    joint = np.zeros(2)
    for a in (0.0, 1.0):
        for b in (0.0, 1.0):
            joint += np.exp(nb.predict_joint_log_proba([[1.0, a, 0.0, b]])[0])
    np.testing.assert_allclose(nb.predict_proba(x)[0], joint / joint.sum(), atol=1e-12)
    # With every feature hidden, the posterior is the prior.
    all_hidden = np.full((1, 4), np.nan)
    np.testing.assert_allclose(nb.predict_log_proba(all_hidden)[0], nb.class_log_prior_)


def test_gaussian_nb_matches_sklearn(cancer):
    X_train, X_test, y_train, y_test = cancer
    for smoothing in (1e-9, 1e-2):
        ours = du.GaussianNaiveBayes(var_smoothing=smoothing).fit(X_train, y_train)
        ref = GaussianNB(var_smoothing=smoothing).fit(X_train, y_train)
        np.testing.assert_allclose(ours.theta_, ref.theta_, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(ours.var_, ref.var_, rtol=1e-10)
        assert ours.epsilon_ == pytest.approx(ref.epsilon_, rel=1e-12)
        np.testing.assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test), atol=1e-9)
        np.testing.assert_array_equal(ours.predict(X_test), ref.predict(X_test))


@pytest.mark.parametrize("offset", [0.0, 1e4, 1e6, 1e8, 1e12])
def test_gaussian_nb_matches_sklearn_far_from_zero(offset):
    """Features sharing a large offset: (x - mu)^2 must be formed after centring."""
    X, y = load_breast_cancer(return_X_y=True)
    X = X + offset
    ours = du.GaussianNaiveBayes().fit(X[:400], y[:400])
    ref = GaussianNB().fit(X[:400], y[:400])
    np.testing.assert_allclose(ours.predict_proba(X[400:]), ref.predict_proba(X[400:]), atol=1e-9)
    np.testing.assert_array_equal(ours.predict(X[400:]), ref.predict(X[400:]))


def test_gaussian_nb_marginalises_missing(cancer):
    X_train, X_test, y_train, _ = cancer
    full = du.GaussianNaiveBayes().fit(X_train, y_train)
    reduced = du.GaussianNaiveBayes().fit(X_train[:, 1:], y_train)
    X_nan = X_test.copy()
    X_nan[:, 0] = np.nan
    # epsilon_ depends on the largest variance, which feature 0 does not hold here.
    assert full.epsilon_ == pytest.approx(reduced.epsilon_)
    np.testing.assert_allclose(
        full.predict_log_proba(X_nan), reduced.predict_log_proba(X_test[:, 1:]), atol=1e-9
    )


# ------------------------------------------------------------------ logistic regression


@pytest.mark.parametrize("C", [0.05, 1.0, 20.0])
def test_logistic_regression_multiclass_matches_sklearn(digits, C):
    X_train, X_test, y_train, y_test = digits
    ours = du.LogisticRegression(l2=1.0 / C, tol=1e-7, max_iter=5000).fit(X_train, y_train)
    ref = SkLogisticRegression(C=C, tol=1e-7, max_iter=5000).fit(X_train, y_train)
    assert ours.coef_.shape == ref.coef_.shape == (10, 64)
    assert ours.intercept_.shape == (10,)
    assert abs(ours.score(X_test, y_test) - ref.score(X_test, y_test)) <= 1 / len(y_test)
    np.testing.assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test), atol=2e-3)
    np.testing.assert_allclose(ours.predict_proba(X_test).sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("C", [0.1, 1.0, 100.0])
def test_logistic_regression_binary_matches_sklearn(cancer, C):
    X_train, X_test, y_train, y_test = cancer
    ours = du.LogisticRegression(l2=1.0 / C, tol=1e-8, max_iter=5000).fit(X_train, y_train)
    ref = SkLogisticRegression(C=C, tol=1e-8, max_iter=5000).fit(X_train, y_train)
    assert ours.coef_.shape == ref.coef_.shape == (1, 30)
    assert ours.intercept_.shape == (1,)
    np.testing.assert_allclose(
        ours.coef_, ref.coef_, rtol=1e-3, atol=1e-3 * np.abs(ref.coef_).max()
    )
    assert ours.score(X_test, y_test) == pytest.approx(ref.score(X_test, y_test), abs=1e-12)
    np.testing.assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test), atol=1e-4)


def test_logistic_regression_gradient_is_exact():
    """The analytic gradients against central finite differences."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 5))
    w = rng.normal(size=6)
    t = (rng.random(40) < 0.5).astype(float)
    y = rng.integers(0, 3, 40)
    w3 = rng.normal(size=18)
    XT = clf._design(X)
    for fun, w0, args in [
        (clf._binary_loss_grad, w, (XT, t, 0.7)),
        (clf._softmax_loss_grad, w3, (XT, y * 40 + np.arange(40), 0.7, 3)),
    ]:
        _, g = fun(w0, *args)
        eye = np.eye(w0.size) * 1e-6
        fd = np.array([(fun(w0 + e, *args)[0] - fun(w0 - e, *args)[0]) / 2e-6 for e in eye])
        np.testing.assert_allclose(g, fd, rtol=1e-5, atol=1e-8)


def test_logistic_regression_warm_start_starts_from_the_previous_solution(digits):
    # What warm starting guarantees: the next fit starts where the last one ended, and the
    # objective is convex, so it reaches the same optimum as a cold start. (How many
    # iterations a warm start saves from an arbitrary earlier fit is not guaranteed.)
    X_train, _, y_train, _ = digits
    cold = du.LogisticRegression(l2=1.0).fit(X_train, y_train)
    warm = du.LogisticRegression(l2=1.0, warm_start=True).fit(X_train[:300], y_train[:300])
    warm.fit(X_train, y_train)
    # Both stop with every gradient entry below tol = 1e-8; the penalty makes the objective
    # l2/n-strongly convex, so each is within tol * n / l2 (about 1.3e-5) of the optimum.
    bound = 2 * warm.tol * len(X_train) / warm.l2
    np.testing.assert_allclose(warm.coef_, cold.coef_, atol=bound)
    np.testing.assert_allclose(warm.predict_proba(X_train), cold.predict_proba(X_train), atol=bound)
    # Refitting the same data starts at the optimum: one iteration at most, nothing moves.
    optimum = warm.coef_.copy()
    warm.fit(X_train, y_train)
    assert warm.n_iter_ <= 1
    np.testing.assert_allclose(warm.coef_, optimum, atol=1e-9)
    # A cold model refit from scratch does the whole work again.
    assert cold.fit(X_train, y_train).n_iter_ > 10


def test_logistic_regression_warns_when_not_converged(digits):
    X_train, _, y_train, _ = digits
    with pytest.warns(clf.ConvergenceWarning, match="max_iter=3"):
        du.LogisticRegression(max_iter=3).fit(X_train, y_train)


def _max_gradient(model, X, y):
    """Largest entry of the gradient of the mean penalised log loss, computed independently."""
    from scipy.special import softmax

    Y = (np.asarray(y)[:, None] == model.classes_[None, :]).astype(float)
    P = softmax(X @ model.coef_.T + model.intercept_, axis=1)
    residual = P - Y
    grad_W = residual.T @ X / len(y) + model.l2 * model.coef_ / len(y)
    grad_b = residual.sum(axis=0) / len(y)
    return max(np.abs(grad_W).max(), np.abs(grad_b).max())


@pytest.mark.parametrize("tol", [1e-4, 1e-6, 1e-8])
def test_logistic_regression_reaches_tol_or_warns(tol):
    """Unscaled 3-class data: either the gradient is below tol or a ConvergenceWarning says so."""
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = du.LogisticRegression(tol=tol).fit(X, y)
    warned = any(issubclass(w.category, clf.ConvergenceWarning) for w in caught)
    grad = _max_gradient(model, X, y)
    assert grad <= tol * (1 + 1e-6) or warned, f"gradient {grad:.3g} > tol={tol:g} without warning"
    if tol >= 1e-6:  # within floating point's reach: reached, silently
        assert grad <= tol and not warned


def test_logistic_regression_refuses_missing_features(cancer):
    X_train, X_test, y_train, _ = cancer
    lr = du.LogisticRegression().fit(X_train, y_train)
    X_nan = X_test.copy()
    X_nan[0, 3] = np.nan
    with pytest.raises(ValueError, match="impute"):
        lr.predict_proba(X_nan)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize("alpha", [0.0, -1.0])
def test_alpha_must_be_positive(alpha):
    model = du.BernoulliNaiveBayes(alpha=alpha)  # stored as given, checked by fit
    assert model.get_params()["alpha"] == alpha
    with pytest.raises(ValueError, match="alpha must be > 0"):
        model.fit([[0, 1], [1, 0]], [0, 1])


@pytest.mark.parametrize(
    "make, kwargs, err, match",
    [
        (du.BernoulliNaiveBayes, {"alpha": "1"}, TypeError, "alpha must be a real number"),
        (du.LogisticRegression, {"l2": -0.1}, ValueError, "l2 must be >= 0"),
        (du.LogisticRegression, {"max_iter": 0}, ValueError, "max_iter must be at least 1"),
        (du.LogisticRegression, {"max_iter": 10.5}, TypeError, "max_iter must be an integer"),
        (du.GaussianNaiveBayes, {"var_smoothing": -1.0}, ValueError, "var_smoothing"),
    ],
)
def test_bad_hyperparameters(make, kwargs, err, match):
    model = make(**kwargs)
    with pytest.raises(err, match=match):
        model.fit([[0, 1], [1, 0], [1, 1], [0, 0]], [0, 1, 1, 0])


def test_non_binary_X_for_bernoulli():
    with pytest.raises(
        ValueError, match=r"X must be binary \(0/1 values\), got values such as \[2"
    ):
        du.BernoulliNaiveBayes().fit([[0, 2], [1, 0]], [0, 1])
    nb = du.BernoulliNaiveBayes().fit([[0, 1], [1, 0]], [0, 1])
    with pytest.raises(ValueError, match="must be binary"):
        nb.predict([[0.5, 1.0]])


MODELS = [du.BernoulliNaiveBayes, du.GaussianNaiveBayes, du.LogisticRegression]


@pytest.mark.parametrize("make", MODELS)
def test_mismatched_lengths(make):
    with pytest.raises(ValueError, match="X has 3 samples, y has 2"):
        make().fit([[0, 1], [1, 0], [1, 1]], [0, 1])


@pytest.mark.parametrize("make", MODELS)
def test_single_class(make):
    with pytest.raises(ValueError, match="single class"):
        make().fit([[0, 1], [1, 0], [1, 1]], [4, 4, 4])


@pytest.mark.parametrize("make", MODELS)
def test_nan_in_training_data(make):
    with pytest.raises(ValueError, match=r"X contains NaN, first at \[1, 0\].*prediction time"):
        make().fit([[0, 1], [np.nan, 0], [1, 1]], [0, 1, 1])


@pytest.mark.parametrize("make", MODELS)
@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_predict_before_fit(make, method):
    with pytest.raises(NotFittedError, match=f"This {make.__name__} instance is not fitted"):
        getattr(make(), method)([[0, 1]])


@pytest.mark.parametrize("make", MODELS)
def test_wrong_number_of_features_at_predict(make):
    model = make().fit([[0, 1], [1, 0], [1, 1], [0, 0]], [0, 1, 1, 0])
    with pytest.raises(ValueError, match=r"Expected X of shape \(n_samples, 2\), got \(1, 3\)"):
        model.predict([[0, 1, 1]])


@pytest.mark.parametrize("make", MODELS)
def test_unfitted_model_is_caught_as_scikit_learn_callers_expect(make):
    """Code written for scikit-learn catches an unfitted model as ValueError or
    AttributeError, and sklearn's own check_is_fitted agrees the model is not fitted."""
    from sklearn.utils.validation import check_is_fitted

    for caught in (ValueError, AttributeError):
        with pytest.raises(caught):
            make().predict([[0, 1]])
    with pytest.raises(NotFittedError):
        check_is_fitted(make())
    check_is_fitted(make().fit([[0, 1], [1, 0], [1, 1], [0, 0]], [0, 1, 1, 0]))


# ------------------------------------------------------------------ helpers


def test_calibration_curve_matches_sklearn():
    rng = np.random.default_rng(4)
    p = rng.random(500) ** 2
    y = (rng.random(500) < p).astype(int)
    ours_p, ours_f, counts = du.calibration_curve(y, p, n_bins=8)
    ref_f, ref_p = sk_calibration_curve(y, p, n_bins=8)
    np.testing.assert_allclose(ours_p, ref_p, atol=1e-12)
    np.testing.assert_allclose(ours_f, ref_f, atol=1e-12)
    assert counts.sum() == 500
    # A perfectly calibrated constant predictor has zero ECE.
    assert du.expected_calibration_error([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.0
    assert du.expected_calibration_error([1, 1], [0.2, 0.2]) == pytest.approx(0.8)


@pytest.mark.parametrize("n_bins", [2, 4, 5, 10])
def test_calibration_curve_matches_sklearn_on_bin_edges(n_bins):
    """Probabilities exactly on the bin edges land in the same bins as scikit-learn's."""
    assert len(du.calibration_curve([0, 1, 1, 0], [0.1, 0.2, 0.5, 0.5], n_bins=n_bins)[0]) == len(
        sk_calibration_curve([0, 1, 1, 0], [0.1, 0.2, 0.5, 0.5], n_bins=n_bins)[0]
    )
    rng = np.random.default_rng(n_bins)
    p = np.linspace(0.0, 1.0, n_bins + 1)[rng.integers(0, n_bins + 1, 200)]
    y = (rng.random(200) < p).astype(int)
    ours_p, ours_f, counts = du.calibration_curve(y, p, n_bins=n_bins)
    ref_f, ref_p = sk_calibration_curve(y, p, n_bins=n_bins)
    np.testing.assert_allclose(ours_p, ref_p, atol=1e-12)
    np.testing.assert_allclose(ours_f, ref_f, atol=1e-12)
    assert counts.sum() == 200


def test_spam_corpus_generative_process():
    X, y, vocab = du.make_spam_corpus(4000, np.random.default_rng(5))
    assert X.shape == (4000, len(vocab)) and X.dtype == np.uint8
    assert set(np.unique(X)) == {0, 1}
    assert abs(y.mean() - 0.4) < 0.03
    bank, account = vocab.index("bank"), vocab.index("account")
    np.testing.assert_array_equal(X[:, bank], X[:, account])
    # "winner" belongs to one spam topic only: p = (0.6 + 2 * 0.04) / 3 in spam.
    winner = X[y == 1, vocab.index("winner")].mean()
    assert winner == pytest.approx((0.6 + 2 * 0.04) / 3, abs=0.03)
    # Same seed, same corpus.
    X2, y2, _ = du.make_spam_corpus(4000, np.random.default_rng(5))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)


def test_learning_curves_shapes_and_values(digits):
    X_train, X_test, y_train, y_test = digits
    errors = du.learning_curves(
        {"nb": du.BernoulliNaiveBayes},
        X_train,
        y_train,
        X_test,
        y_test,
        sizes=[20, len(y_train)],
        n_draws=3,
        rng=np.random.default_rng(0),
    )
    assert errors["nb"].shape == (3, 2)
    # The largest size is the whole pool: every draw gives the same model.
    full = 1 - du.BernoulliNaiveBayes().fit(X_train, y_train).score(X_test, y_test)
    np.testing.assert_allclose(errors["nb"][:, 1], full)
    with pytest.raises(ValueError, match="sizes must increase"):
        du.learning_curves(
            {"nb": du.BernoulliNaiveBayes}, X_train, y_train, X_test, y_test, [50, 20], 1, 0
        )


# ------------------------------------------------------------------ exercises


def _exercises():
    path = resources.files("dgm_utils").joinpath("data", "exercises_05.json")
    return json.loads(path.read_text())


def test_exercise_ids_are_chapter_5():
    assert all(k.startswith("ch05-") for k in _exercises())


def test_exercise_answers_computed_independently():
    # Bernoulli NB with n binary features and two classes: 1 prior + 2 n conditionals.
    vocab = 50
    assert is_correct("ch05-nb-params", 1 + 2 * vocab)
    # A word with p(w | spam) = 0.8, p(w | ham) = 0.2 duplicated 3 times, even prior:
    # fitted by counting from a data set with exactly those frequencies.
    X = np.array([[1], [1], [1], [1], [0], [1], [0], [0], [0], [0]])
    y = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
    nb = du.BernoulliNaiveBayes(alpha=1e-12).fit(np.repeat(X, 3, axis=1), y)
    assert is_correct("ch05-double-count", nb.predict_proba([[1, 1, 1]])[0, 1])
    # The logistic weight naive Bayes implies for that word: log odds ratio.
    nb1 = du.BernoulliNaiveBayes(alpha=1e-12).fit(X, y)
    implied = nb1.predict_joint_log_proba([[1]]) - nb1.predict_joint_log_proba([[0]])
    assert is_correct("ch05-implied-weight", implied[0, 1] - implied[0, 0])
    # The 0.9 contour of sigmoid(-1 + 2 x1 + x2) crosses x1 = 0 where -1 + x2 = logit(0.9).
    assert is_correct("ch05-contour", 1 + np.log(0.9 / 0.1))
    # Marginalising x2: 30 spam (27 with x1 = 1, 15 with x2 = 1), 70 ham (21 and 56).
    spam = np.column_stack([np.arange(30) < 27, np.arange(30) < 15])
    ham = np.column_stack([np.arange(70) < 21, np.arange(70) >= 14])
    nb2 = du.BernoulliNaiveBayes(alpha=1e-12).fit(np.vstack([spam, ham]), [1] * 30 + [0] * 70)
    np.testing.assert_allclose(np.exp(nb2.feature_log_prob_), [[0.3, 0.8], [0.9, 0.5]])
    assert is_correct("ch05-marginal", nb2.predict_proba([[1, np.nan]])[0, 1])
    assert not is_correct("ch05-marginal", nb2.predict_proba([[1, 0]])[0, 1])


def test_spam_posterior_brute_force_and_calibrated():
    X, y, vocab = du.make_spam_corpus(20000, np.random.default_rng(6))
    post = du.spam_posterior(X)
    # One e-mail by explicit sums over the six topics of the generator.
    x = X[0]
    total = {0: 0.0, 1: 0.0}
    for cls, prior in (("ham", 0.6), ("spam", 0.4)):
        for words in du.spam_corpus.SPAM_TOPICS[cls].values():
            lik = prior / 3
            for phrase in {
                w for t in du.spam_corpus.SPAM_TOPICS.values() for ws in t.values() for w in ws
            } | set(spam_corpus._NEUTRAL_WORDS):
                p = (
                    0.6
                    if phrase in words
                    else 0.35
                    if phrase in spam_corpus._NEUTRAL_WORDS
                    else 0.04
                )
                on = x[vocab.index(phrase.split()[0])]
                lik *= p if on else 1 - p
            total[int(cls == "spam")] += lik
    assert post[0] == pytest.approx(total[1] / (total[0] + total[1]), rel=1e-10)
    # The true posterior is calibrated: among e-mails given p in a bin, a fraction p is spam.
    mean_p, frac, counts = du.calibration_curve(y, post, n_bins=5)
    assert np.all(np.abs(mean_p - frac)[counts > 500] < 0.03)


def test_with_copies_and_hide_features():
    X = np.arange(12).reshape(3, 4)
    X3 = du.with_copies(X, 1, 3)
    assert X3.shape == (3, 6)
    np.testing.assert_array_equal(X3[:, 4], X[:, 1])
    np.testing.assert_array_equal(X3[:, 5], X[:, 1])
    np.testing.assert_array_equal(du.with_copies(X, 2, 1), X)
    with pytest.raises(ValueError, match="column must index"):
        du.with_copies(X, 4, 2)
    rng = np.random.default_rng(7)
    H = du.hide_features(np.ones((50, 64)), 0.3, rng)
    np.testing.assert_array_equal(np.isnan(H).sum(axis=1), round(0.3 * 64))
    # Every feature gets hidden somewhere, and visible entries are untouched.
    assert np.isnan(H).any(axis=0).all()
    assert np.all(H[~np.isnan(H)] == 1)
    with pytest.raises(ValueError, match="fraction must be <= 1"):
        du.hide_features(np.ones((2, 2)), 1.5, rng)


def test_linear_log_odds_reproduces_naive_bayes():
    X, y, _ = du.make_spam_corpus(500, np.random.default_rng(8))
    nb = du.BernoulliNaiveBayes(alpha=0.5).fit(X, y)
    coef, intercept = nb.linear_log_odds()
    p = 1 / (1 + np.exp(-(X @ coef + intercept)))
    np.testing.assert_allclose(p, nb.predict_proba(X)[:, 1], atol=1e-12)
    with pytest.raises(ValueError, match="needs two classes"):
        du.BernoulliNaiveBayes().fit([[0], [1], [1]], [0, 1, 2]).linear_log_odds()


# ------------------------------------------------------------------ plotting helpers (chapter 5)


def test_reliability_diagram_plots_the_calibration_curve():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(9)
    p = rng.random(300)
    y = (rng.random(300) < p).astype(int)
    fig, ax = plt.subplots()
    du.plotting.reliability_diagram(y, p, ax=ax, n_bins=5)
    mean_p, frac, _ = du.calibration_curve(y, p, n_bins=5)
    x_line, y_line = ax.lines[1].get_data()
    np.testing.assert_allclose(x_line, mean_p)
    np.testing.assert_allclose(y_line, frac)
    plt.close(fig)


def test_plot_logistic_plane_boundary_is_the_line_alpha_x_zero():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    alpha = np.array([-1.0, 2.0, 1.0])
    fig, ax = plt.subplots()
    du.plotting.plot_logistic_plane(alpha, ax=ax, levels=())
    boundary = ax.collections[-1].get_paths()[0].vertices  # the black p = 0.5 contour
    np.testing.assert_allclose(
        alpha[0] + boundary @ alpha[1:], 0.0, atol=1e-4
    )  # grid interpolation
    with pytest.raises(ValueError, match="alpha_0, alpha_1, alpha_2"):
        du.plotting.plot_logistic_plane([1.0, 2.0], ax=ax)
    with pytest.raises(ValueError, match=r"errors of shape \(n_draws, 3\)"):
        du.plotting.plot_learning_curve([1, 2, 3], np.zeros((4, 2)), ax=ax)
    plt.close(fig)


@pytest.mark.parametrize("x", [3.0, 1e3, 1e10, 1e100, 1e160, 1e200, -1e300])
def test_gaussian_naive_bayes_far_points_against_exact_arithmetic(x):
    """Far from the data the squared distances overflow (scikit-learn's GaussianNB returns
    NaN there); the posterior must still be the exact one, computed here in 400 digits."""
    import mpmath

    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0.0, 1.0, 20), rng.normal(4.0, 2.0, 20)][:, None]
    y = np.repeat([0, 1], 20)
    nb = du.GaussianNaiveBayes().fit(X, y)
    with mpmath.workdps(400):
        log_joint = [
            mpmath.log(mpmath.mpf(float(p)))
            - mpmath.log(2 * mpmath.pi * mpmath.mpf(float(v))) / 2
            - (mpmath.mpf(x) - mpmath.mpf(float(m))) ** 2 / (2 * mpmath.mpf(float(v)))
            for p, m, v in zip(nb.class_prior_, nb.theta_[:, 0], nb.var_[:, 0], strict=True)
        ]
        p1 = float(1 / (1 + mpmath.exp(log_joint[0] - log_joint[1])))
    got = nb.predict_proba([[x]])
    assert np.isfinite(got).all()
    np.testing.assert_allclose(got[0], [1 - p1, p1], rtol=1e-9, atol=1e-300)
