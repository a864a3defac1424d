"""Tests of dgm_utils.vae against scipy.stats, numerical integration and the ELBO/IWAE ordering."""

import json
from importlib import resources

import numpy as np
import pytest
import torch
from scipy import integrate, special, stats

import dgm_utils as du
from dgm_utils.vae import VAE, decoder_scale


def make(n_features=3, z_dim=1, hidden=(8,), likelihood="gaussian", seed=0, activation="tanh"):
    """A double-precision model with random (untrained) weights: q(z|x) is far from p(z|x)."""
    torch.manual_seed(seed)
    return VAE(n_features, z_dim, hidden, likelihood=likelihood, activation=activation).double()


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


# ---------------------------------------------------------------- densities vs scipy.stats
def test_encoder_is_a_diagonal_gaussian_matching_scipy():
    vae = make(n_features=4, z_dim=3)
    x = torch.randn(5, 4, dtype=torch.float64)
    q = vae.encode(x)
    assert isinstance(q, torch.distributions.Independent)
    assert q.batch_shape == (5,) and q.event_shape == (3,)
    loc, log_scale = vae.encoder(x).detach().chunk(2, dim=-1)
    z = torch.randn(5, 3, dtype=torch.float64)
    expected = stats.norm.logpdf(z.numpy(), loc.numpy(), np.exp(log_scale.numpy())).sum(1)
    np.testing.assert_allclose(q.log_prob(z).detach().numpy(), expected, rtol=1e-12)


def test_bernoulli_decoder_matches_scipy():
    vae = make(n_features=6, z_dim=2, likelihood="bernoulli")
    z = torch.randn(7, 2, dtype=torch.float64)
    p = vae.decode(z)
    assert p.batch_shape == (7,) and p.event_shape == (6,)
    probs = special.expit(vae.decoder(z).detach().numpy())
    x = torch.bernoulli(torch.full((7, 6), 0.5, dtype=torch.float64), generator=gen())
    expected = stats.bernoulli.logpmf(x.numpy(), probs).sum(1)
    np.testing.assert_allclose(p.log_prob(x).detach().numpy(), expected, rtol=1e-10)


def scale_ref(raw):
    """The documented decoder scale in numpy: log sigma = raw softly clipped to
    [log 1e-3, log 1e3] by a softplus on each side."""
    lo, hi = np.log(1e-3), np.log(1e3)
    log_sigma = lo + np.logaddexp(0.0, raw - lo)
    return np.exp(hi - np.logaddexp(0.0, hi - log_sigma))


def test_decoder_scale_is_bounded_and_close_to_exp_in_the_middle():
    raw = torch.tensor([-1e4, -50.0, -2.0, 0.0, 1.5, 50.0, 1e4], dtype=torch.float64)
    sigma = decoder_scale(raw).numpy()
    np.testing.assert_allclose(sigma, scale_ref(raw.numpy()), rtol=1e-12)
    assert (sigma >= 0.999e-3).all() and (sigma <= 1e3).all()
    assert sigma[0] == pytest.approx(1e-3) and sigma[-1] == pytest.approx(1e3)
    np.testing.assert_allclose(sigma[2:5], np.exp(raw[2:5].numpy()), rtol=1e-2)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_far_latents_never_crash_a_fresh_gaussian_vae(dtype):
    """z deep in the prior's tails used to drive exp(log sigma) to 0 and crash decode."""
    torch.manual_seed(0)
    vae = VAE(3, 2, (32, 32), likelihood="gaussian", dtype=dtype)
    z = torch.tensor([[1e3, -1e3], [-1e4, 1e4], [40.0, 40.0]], dtype=dtype)
    p = vae.decode(z)
    assert torch.isfinite(p.log_prob(torch.zeros(3, 3, dtype=dtype))).all()
    x = torch.randn(5, 3, dtype=dtype) * 100
    with torch.no_grad():
        assert torch.isfinite(vae.elbo(x, n_samples=3)).all()
        assert torch.isfinite(vae.iwae_bound(x, 10)).all()


def test_gaussian_decoder_matches_scipy_and_prior_is_standard_normal():
    vae = make(n_features=3, z_dim=2)
    z = torch.randn(4, 2, dtype=torch.float64)
    mu, log_sigma = vae.decoder(z).detach().chunk(2, dim=-1)
    x = torch.randn(4, 3, dtype=torch.float64)
    expected = stats.norm.logpdf(x.numpy(), mu.numpy(), scale_ref(log_sigma.numpy())).sum(1)
    np.testing.assert_allclose(vae.decode(z).log_prob(x).detach().numpy(), expected, rtol=1e-12)
    expected_prior = stats.multivariate_normal(np.zeros(2), np.eye(2)).logpdf(z.numpy())
    np.testing.assert_allclose(vae.prior().log_prob(z).numpy(), expected_prior, rtol=1e-12)


def test_decode_broadcasts_over_leading_axes():
    vae = make(n_features=3, z_dim=2)
    p = vae.decode(torch.zeros(10, 4, 2, dtype=torch.float64))
    assert p.batch_shape == (10, 4) and p.event_shape == (3,)


# ---------------------------------------------------------------- the ELBO, term by term
def test_single_sample_elbo_equals_scipy_reconstruction_minus_integrated_kl():
    """ELBO = log p(x | z) at z = m + s * eps, minus KL(q || p) integrated by scipy.quad."""
    vae = make(n_features=2, z_dim=1)
    x = torch.tensor([[0.3, -1.2], [2.0, 0.5]], dtype=torch.float64)
    elbo = vae.elbo(x, rng=gen(3)).detach().numpy()
    eps = torch.randn((1, 2, 1), generator=gen(3), dtype=torch.float64)[0, :, 0].numpy()
    m, s = vae.encoder(x).detach().chunk(2, dim=-1)
    m, s = m[:, 0].numpy(), np.exp(s[:, 0].numpy())
    for i in range(2):
        z = m[i] + s[i] * eps[i]
        out = vae.decoder(torch.tensor([[z]], dtype=torch.float64)).detach().numpy()[0]
        rec = stats.norm.logpdf(x[i].numpy(), out[:2], scale_ref(out[2:])).sum()
        q = stats.norm(m[i], s[i])
        kl, _ = integrate.quad(
            lambda t, q=q: q.pdf(t) * (q.logpdf(t) - stats.norm.logpdf(t)), -np.inf, np.inf
        )
        assert elbo[i] == pytest.approx(rec - kl, rel=1e-9)


def test_monte_carlo_kl_agrees_with_analytic_kl_on_average():
    vae = make(n_features=3, z_dim=2)
    x = torch.randn(4, 3, dtype=torch.float64)
    with torch.no_grad():
        analytic = vae.elbo(x, n_samples=20000, rng=gen(1))
        mc = vae.elbo(x, n_samples=20000, kl="mc", rng=gen(2))
    np.testing.assert_allclose(mc.numpy(), analytic.numpy(), atol=0.05)


def _quadrature_elbo(vae, x, n=4001):
    """E_q[log p(x, z) - log q(z | x)] on a z grid (z_dim = 1): the ELBO without sampling."""
    q = vae.encode(x)
    m, s = q.base_dist.loc[:, 0], q.base_dist.scale[:, 0]
    out = []
    for i in range(x.shape[0]):
        z = torch.linspace(float(m[i] - 10 * s[i]), float(m[i] + 10 * s[i]), n, dtype=x.dtype)
        zc = z[:, None]
        qi = torch.distributions.Normal(m[i], s[i])
        integrand = (
            vae.decode(zc).log_prob(x[i]) + vae.prior().log_prob(zc) - qi.log_prob(z)
        ) * qi.log_prob(z).exp()
        out.append(float(torch.trapezoid(integrand, z)))
    return np.array(out)


# ---------------------------------------------------------------- bounds and the marginal
@pytest.fixture(scope="module")
def one_d():
    vae = make(n_features=2, z_dim=1, hidden=(16,), seed=1)
    x = torch.tensor([[0.5, -0.3], [-2.0, 1.0], [3.0, 3.0]], dtype=torch.float64)
    return vae, x


def test_quadrature_marginal_matches_scipy_quad(one_d):
    vae, x = one_d
    got = vae.log_marginal_quadrature(x).detach().numpy()
    for i in range(x.shape[0]):

        def integrand(z, i=i):
            out = vae.decoder(torch.tensor([[z]], dtype=torch.float64)).detach().numpy()[0]
            return np.exp(
                stats.norm.logpdf(x[i].numpy(), out[:2], scale_ref(out[2:])).sum()
                + stats.norm.logpdf(z)
            )

        ref, _ = integrate.quad(integrand, -12, 12, limit=200, epsabs=0)
        assert got[i] == pytest.approx(np.log(ref), abs=1e-6)


def test_quadrature_marginal_integrates_to_one_over_x():
    vae = make(n_features=1, z_dim=1, hidden=(16,), seed=2)
    xs = torch.linspace(-40, 40, 16001, dtype=torch.float64)[:, None]
    with torch.no_grad():
        density = vae.log_marginal_quadrature(xs).exp()
    assert float(torch.trapezoid(density, xs[:, 0])) == pytest.approx(1.0, abs=1e-4)


def test_elbo_below_iwae_below_log_likelihood(one_d):
    """In expectation ELBO = L_1 <= L_10 <= L_100 <= log p(x); checked up to 3 standard errors."""
    vae, x = one_d
    reps = 2000
    with torch.no_grad():
        log_px = vae.log_marginal_quadrature(x).numpy()
        elbo = _quadrature_elbo(vae, x)
        log_w = vae.log_importance_weights(x, 100 * reps, rng=gen(5)).reshape(reps, 100, -1)
        l1 = log_w[:, 0].numpy()
        l10 = (torch.logsumexp(log_w[:, :10], 1) - np.log(10)).numpy()
        l100 = (torch.logsumexp(log_w, 1) - np.log(100)).numpy()
        elbo_mc = vae.elbo(x, n_samples=40000, rng=gen(6)).numpy()
    np.testing.assert_allclose(elbo_mc, elbo, atol=0.03)

    def se(a, b=None):
        return 3 * np.sqrt(a.var(0) / reps + (0 if b is None else b.var(0) / reps))

    assert (np.abs(l1.mean(0) - elbo) < se(l1)).all()  # L_1 is the ELBO
    assert (log_px - elbo > 0.02).all()  # an untrained encoder: a gap to close
    assert (elbo < l10.mean(0) - se(l10)).all()
    assert (l10.mean(0) < l100.mean(0) + se(l10, l100)).all()
    assert (l100.mean(0) < log_px + se(l100)).all()
    # and L_100 closes most of the gap that the ELBO leaves
    assert (log_px - l100.mean(0) < 0.2 * (log_px - elbo)).all()


def test_iwae_with_many_samples_matches_the_integrated_log_likelihood(one_d):
    vae, x = one_d
    k = 50000
    with torch.no_grad():
        log_w = vae.log_importance_weights(x, k, rng=gen(7))
        iwae = (torch.logsumexp(log_w, 0) - np.log(k)).numpy()
        log_px = vae.log_marginal_quadrature(x).numpy()
        assert np.array_equal(iwae, vae.iwae_bound(x, k, rng=gen(7)).numpy())
    # The estimate of p(x) is a mean of k weights: its relative standard error is the
    # standard error of log p(x)'s estimate. Agree within 5 of them.
    w = torch.exp(log_w - log_w.max(0).values).numpy()
    rel_se = w.std(0) / (w.mean(0) * np.sqrt(k))
    assert (np.abs(iwae - log_px) < 5 * rel_se + 1e-6).all(), (iwae - log_px, rel_se)


def test_iwae_on_bernoulli_model_is_a_tighter_bound_than_elbo():
    vae = make(n_features=8, z_dim=2, hidden=(16,), likelihood="bernoulli", seed=4)
    x = torch.bernoulli(torch.full((6, 8), 0.4, dtype=torch.float64), generator=gen())
    with torch.no_grad():
        elbo = vae.elbo(x, n_samples=20000, rng=gen(1)).numpy()
        iwae = vae.iwae_bound(x, 5000, rng=gen(2)).numpy()
        # Exact log p(x) with a 2-D latent by brute-force trapezoid quadrature on a grid.
        g = torch.linspace(-7, 7, 401, dtype=torch.float64)
        zz = torch.cartesian_prod(g, g)
        log_joint = vae.decode(zz).log_prob(x[:, None, :]) + vae.prior().log_prob(zz)
        h = float(g[1] - g[0])
        log_px = (torch.logsumexp(log_joint, 1) + 2 * np.log(h)).numpy()
    assert (elbo < iwae).all()
    np.testing.assert_allclose(iwae, log_px, atol=0.02)


def test_iwae_is_the_log_mean_of_the_importance_weights_in_any_chunking():
    vae = make(n_features=3, z_dim=2)
    x = torch.randn(5, 3, dtype=torch.float64)
    with torch.no_grad():
        log_w = vae.log_importance_weights(x, 300, rng=gen(9), chunk_size=7)
        iwae = vae.iwae_bound(x, 300, rng=gen(9), chunk_size=7)
        whole = vae.log_importance_weights(x, 300, rng=gen(9), chunk_size=300)
    assert log_w.shape == (300, 5) and iwae.shape == (5,)
    expected = np.log(np.exp(log_w.numpy()).mean(0))
    np.testing.assert_allclose(iwae.numpy(), expected, rtol=1e-12)
    # chunks draw the noise in another order: same distribution of the log-weights
    assert stats.ks_2samp(log_w.numpy().ravel(), whole.numpy().ravel()).pvalue > 1e-3


# ---------------------------------------------------------------- sampling
def test_sample_shapes_binary_and_reproducible():
    vae = make(n_features=64, z_dim=2, likelihood="bernoulli")
    x, z = vae.sample(10, gen(0), return_latent=True)
    assert x.shape == (10, 64) and z.shape == (10, 2)
    assert set(x.unique().tolist()) <= {0.0, 1.0}
    assert torch.equal(vae.sample(10, gen(0)), x)
    assert not x.requires_grad


def test_gaussian_samples_have_the_marginal_mean_and_variance():
    vae = make(n_features=1, z_dim=1, hidden=(16,), seed=3)
    x = vae.sample(40000, gen(1))[:, 0].numpy()
    # E[x] and E[x^2] under p(x) = int p(x|z) p(z) dz, by Gauss-Hermite quadrature over z.
    t, w = np.polynomial.hermite_e.hermegauss(80)
    out = vae.decoder(torch.tensor(t[:, None])).detach().numpy()
    mu, sigma = out[:, 0], np.exp(out[:, 1])
    w = w / w.sum()
    mean, second = (w * mu).sum(), (w * (mu**2 + sigma**2)).sum()
    se = np.sqrt((second - mean**2) / x.size)
    assert abs(x.mean() - mean) < 4 * se
    assert x.var() == pytest.approx(second - mean**2, rel=0.03)


# ---------------------------------------------------------------- training
def test_a_gradient_step_lowers_the_negative_elbo():
    vae = make(n_features=8, z_dim=2, hidden=(16,), likelihood="bernoulli")
    x = torch.bernoulli(torch.full((32, 8), 0.3, dtype=torch.float64), generator=gen())
    opt = torch.optim.SGD(vae.parameters(), lr=1e-3)
    loss = -vae.elbo(x, n_samples=4, rng=gen(1)).mean()
    opt.zero_grad()
    loss.backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in vae.parameters())
    opt.step()
    after = -vae.elbo(x, n_samples=4, rng=gen(1)).mean()  # same noise eps
    assert float(after.detach()) < float(loss.detach())


def test_shared_training_loop_improves_the_elbo():
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    X = np.where(rng.random((200, 1)) < 0.5, -2.0, 2.0) + 0.3 * rng.standard_normal((200, 1))
    vae = VAE(1, 1, (16,), likelihood="gaussian", activation="tanh")
    history = du.train(
        vae, X, X[:50], objective=lambda m, x: m.elbo(x), epochs=60, lr=1e-2, progress=False
    )
    assert history.val_loss[-1] < history.val_loss[0] - 0.2
    with torch.no_grad():
        ll = vae.log_marginal_quadrature(torch.as_tensor(X)).mean()
    single_gaussian = stats.norm(X.mean(), X.std()).logpdf(X).mean()
    assert float(ll) > single_gaussian  # the bimodal data are better fitted than by N(m, s)


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_features": 0}, ValueError, "n_features must be at least 1"),
        ({"z_dim": 2.5}, TypeError, "z_dim must be an integer"),
        ({"z_dim": True}, TypeError, "z_dim must be an integer"),
        ({"hidden": "64"}, TypeError, "hidden must be an int or a sequence"),
        ({"hidden": (64, 0)}, ValueError, "hidden width must be at least 1"),
        ({"likelihood": "poisson"}, ValueError, r"likelihood must be one of \['bernoulli'"),
        ({"likelihood": None}, TypeError, "likelihood must be a string"),
        ({"activation": "gelu"}, ValueError, "activation must be one of"),
    ],
)
def test_bad_construction(kwargs, error, match):
    args = {"n_features": 4, "z_dim": 2, "hidden": (8,), **kwargs}
    with pytest.raises(error, match=match):
        VAE(**args)


def test_bad_data_gives_clear_errors():
    vae = VAE(64, 2, 16)
    good = torch.zeros(3, 64)
    with pytest.raises(
        ValueError, match=r"shape \(batch, 64\) \(binarised 8x8 digits\), got \(64,\)"
    ):
        vae.elbo(good[0])
    with pytest.raises(ValueError, match=r"For one example use x\[None, :\]"):
        vae.encode(good[0])
    with pytest.raises(ValueError, match=r"got \(3, 63\)"):
        vae.elbo(good[:, :63])
    bad = good.clone()
    bad[1, 5] = float("nan")
    with pytest.raises(ValueError, match=r"NaN or infinite values, first at \[1, 5\]"):
        vae.iwae_bound(bad, 5)
    with pytest.raises(
        ValueError, match=r"x must be binary \(0/1 values\), got values such as \[0.5\].*gaussian"
    ):
        vae.elbo(good + 0.5)
    with pytest.raises(TypeError, match="torch.Tensor or numpy array"):
        vae.elbo([[0] * 64])
    with pytest.raises(ValueError, match="at least one example"):
        vae.elbo(torch.zeros(0, 64))
    assert vae.elbo(np.zeros((2, 64), dtype=np.uint8)).shape == (2,)  # numpy is accepted


def test_bad_arguments_give_clear_errors():
    vae = VAE(2, 2, 8, likelihood="gaussian")
    x = torch.zeros(3, 2)
    with pytest.raises(ValueError, match="k must be at least 1"):
        vae.iwae_bound(x, 0)
    with pytest.raises(TypeError, match="k must be an integer"):
        vae.iwae_bound(x, 10.0)
    with pytest.raises(ValueError, match="kl must be one of"):
        vae.elbo(x, kl="exact")
    with pytest.raises(TypeError, match="rng must be a torch.Generator"):
        vae.sample(3, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"Expected z of shape \(\.\.\., 2\)"):
        vae.decode(torch.zeros(3, 3))
    with pytest.raises(ValueError, match="z contains NaN"):
        vae.decode(torch.full((1, 2), float("inf")))
    with pytest.raises(ValueError, match="implemented for z_dim = 1.*iwae_bound"):
        vae.log_marginal_quadrature(x)
    one = VAE(2, 1, 8, likelihood="gaussian")
    with pytest.raises(ValueError, match="strictly increasing"):
        one.log_marginal_quadrature(x, grid=torch.tensor([0.0, -1.0, 1.0]))
    with pytest.raises(ValueError, match="n must be at least 1"):
        one.sample(0)


def test_gaussian_decoder_accepts_real_data_and_repr_reads_like_the_maths():
    vae = VAE(2, 1, (8, 4), likelihood="gaussian")
    assert vae.elbo(torch.tensor([[0.3, -7.5]])).shape == (1,)
    assert "n_features=2, z_dim=1, hidden=(8, 4), likelihood='gaussian'" in repr(vae)
    assert [m.out_features for m in vae.decoder if hasattr(m, "out_features")] == [4, 8, 4]


# ---------------------------------------------------------------- exercises of chapter 7
def _answers():
    path = resources.files("dgm_utils").joinpath("data", "exercises_07.json")
    return json.loads(path.read_text())


def test_exercise_answers_are_accepted_and_computed_independently():
    answers = _answers()
    assert set(answers) == {
        "ch07-gaussian-params",
        "ch07-mixture-posterior",
        "ch07-mixture-boundary",
        "ch07-elbo-gap",
        "ch07-uniform-marginal",
        "ch07-which-gaussian",
    }
    d = 64
    assert du.exercises.is_correct("ch07-gaussian-params", d + d * (d + 1) // 2)
    joint = np.array([0.7 * stats.norm.pdf(2, 0, 1), 0.3 * stats.norm.pdf(2, 3, 1)])
    assert du.exercises.is_correct("ch07-mixture-posterior", joint[1] / joint.sum())
    a, b, s, x = -1.0, 1.0, 0.5, 1.0
    marginal, _ = integrate.quad(lambda z: stats.norm.pdf(x, z, s) / (b - a), a, b)
    assert du.exercises.is_correct("ch07-uniform-marginal", marginal)
    # the boundary: where the two weighted components are equal, found by a root finder
    from scipy.optimize import brentq

    boundary = brentq(lambda t: 0.3 * stats.norm.pdf(t, 3, 1) - 0.7 * stats.norm.pdf(t), 0, 3)
    assert du.exercises.is_correct("ch07-mixture-boundary", boundary)
    # the ELBO's gap for q = (0.5, 0.5), as log p(x) - ELBO and as KL(q || p(z | x))
    q = np.array([0.5, 0.5])
    gap = np.log(joint.sum()) - np.sum(q * (np.log(joint) - np.log(q)))
    kl = np.sum(q * np.log(q / (joint / joint.sum())))
    assert abs(gap - kl) < 1e-12
    assert du.exercises.is_correct("ch07-elbo-gap", gap)
    post = joint / joint.sum()
    assert not du.exercises.is_correct("ch07-elbo-gap", np.sum(post * np.log(post / q)))
    assert du.exercises.is_correct("ch07-which-gaussian", {"p(z)", "p(x|z)", "q(z|x)"})
    assert not du.exercises.is_correct("ch07-which-gaussian", {"p(z)", "p(x|z)", "q(z|x)", "p(x)"})


def test_gaussian_ellipse_lies_on_the_mahalanobis_contour():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dgm_utils.plotting import plot_gaussian_ellipse

    mean, cov = np.array([1.0, -2.0]), np.array([[2.0, 1.2], [1.2, 1.0]])
    fig, ax = plt.subplots()
    plot_gaussian_ellipse(mean, cov, ax, n_std=1.5)
    patch = ax.patches[0]
    t, a = np.linspace(0, 2 * np.pi, 50), np.radians(patch.angle)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    unit = np.stack([patch.width / 2 * np.cos(t), patch.height / 2 * np.sin(t)])
    d = (rot @ unit).T + np.asarray(patch.center) - mean
    maha = np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d)
    np.testing.assert_allclose(maha, 1.5**2, rtol=1e-6)
    with pytest.raises(ValueError, match="positive definite"):
        plot_gaussian_ellipse(mean, np.array([[1.0, 2.0], [2.0, 1.0]]), ax)
    plt.close(fig)


def test_x_dim_is_the_former_name_of_n_features():
    """Chapter 7 builds VAE(x_dim=64, ...): the old keyword builds the very same model."""
    torch.manual_seed(0)
    old = VAE(x_dim=5, z_dim=2, hidden=(4,))
    torch.manual_seed(0)
    new = VAE(5, 2, hidden=(4,))
    assert old.n_features == old.x_dim == 5
    for a, b in zip(old.parameters(), new.parameters(), strict=True):
        assert torch.equal(a, b)
    with pytest.raises(TypeError, match="not both"):
        VAE(5, 2, x_dim=5)
    with pytest.raises(TypeError, match="needs n_features"):
        VAE(z_dim=2)
