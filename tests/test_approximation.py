"""The one-hidden-layer ReLU network of chapter 6 (universal approximation)."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

import dgm_utils as du


def _target(x):
    return np.sin(3 * x) + 0.3 * x**2


def test_output_layer_is_the_least_squares_fit_that_scikit_learn_finds():
    x = np.linspace(-3, 3, 301)
    net = du.fit_random_relu_network(x, _target(x), width=12, rng=np.random.default_rng(4))
    reference = LinearRegression().fit(net.hidden(x), _target(x))
    np.testing.assert_allclose(net.predict(x), reference.predict(net.hidden(x)), atol=1e-9)
    assert net.num_params() == 3 * 12 + 1 and net.width == 12


def test_the_network_is_piecewise_linear_with_one_kink_per_unit():
    x = np.linspace(-3, 3, 301)
    net = du.fit_random_relu_network(x, _target(x), width=5, rng=1)
    kinks = np.sort(-net.b / net.a)
    # Between two kinks the output is a straight line: np.interp through its values at
    # the kinks and the ends reproduces it everywhere.
    knots = np.r_[-3.0, kinks, 3.0]
    fine = np.linspace(-3, 3, 1001)
    np.testing.assert_allclose(
        net.predict(fine), np.interp(fine, knots, net.predict(knots)), atol=1e-9
    )


def test_a_wider_network_keeps_the_narrower_units_and_fits_no_worse():
    x = np.linspace(-3, 3, 2001)
    nets = [du.fit_random_relu_network(x, _target(x), w, rng=3) for w in (2, 8, 32, 128)]
    for narrow, wide in zip(nets, nets[1:], strict=False):
        np.testing.assert_array_equal(wide.a[: narrow.width], narrow.a)
        np.testing.assert_array_equal(wide.b[: narrow.width], narrow.b)
    sse = [np.sum((net.predict(x) - _target(x)) ** 2) for net in nets]
    assert all(later <= earlier + 1e-9 for earlier, later in zip(sse, sse[1:], strict=False))
    assert sse[-1] < sse[0] / 1000


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (([[0.0, 1.0]], [0.0], 2, 0), ValueError, "x must be a non-empty 1-D array"),
        (([0.0, 1.0], [0.0], 2, 0), ValueError, "got 2 inputs and 1 targets"),
        (([0.0, 1.0], [0.0, np.nan], 2, 0), ValueError, "y must be"),
        (([0.0, 1.0], [0.0, 1.0], 0, 0), ValueError, "width must be at least 1"),
        (([0.0, 1.0], [0.0, 1.0], 2.5, 0), TypeError, "width must be an integer"),
        (([0.0, 1.0], [0.0, 1.0], 2, "seed"), TypeError, "rng must be"),
    ],
)
def test_bad_inputs_name_the_argument(args, error, match):
    with pytest.raises(error, match=match):
        du.fit_random_relu_network(*args)
