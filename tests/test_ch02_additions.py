"""Chapter 2's new exercise: the stored answer agrees with an independent computation."""

from scipy import integrate, stats

from dgm_utils.exercises import is_correct


def test_chapter_2_beta_posterior_mean():
    a, b, k, n = 2, 8, 3, 10

    # posterior mean by numerical integration of likelihood x prior, no conjugacy used
    def unnorm(p):
        return p**k * (1 - p) ** (n - k) * stats.beta.pdf(p, a, b)

    z = integrate.quad(unnorm, 0, 1)[0]
    mean = integrate.quad(lambda p: p * unnorm(p), 0, 1)[0] / z
    assert is_correct("ch02-beta-posterior-mean", mean)
    assert not is_correct("ch02-beta-posterior-mean", (k + a - 1) / (n + a + b - 2))  # MAP
    assert not is_correct("ch02-beta-posterior-mean", k / n)
