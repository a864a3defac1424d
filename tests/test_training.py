"""Tests of dgm_utils.training.train: what it records, early stopping and best-epoch restore,
determinism, the VAE-style objective hook, the stable progress display, and bad inputs."""

import numpy as np
import pytest
import torch
from torch import nn

from dgm_utils import training
from dgm_utils.autoregressive import FVSBN, NADE
from dgm_utils.training import TrainingHistory, evaluate, train


def gen(seed):
    return torch.Generator().manual_seed(seed)


def binary_data(n, d, p=0.3, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.bernoulli(torch.full((n, d), p), generator=g)


@pytest.fixture
def data():
    # Correlated pixels: copies of one coin with 10% flips, so FVSBN has something to learn.
    g = torch.Generator().manual_seed(0)
    base = torch.bernoulli(torch.full((300, 1), 0.5), generator=g)
    flips = torch.bernoulli(torch.full((300, 6), 0.1), generator=g)
    X = (base + flips) % 2
    return X[:200], X[200:]


def test_history_records_every_epoch_and_the_loss_falls(data):
    X_train, X_val = data
    history = train(FVSBN(6), X_train, X_val, epochs=15, lr=0.05, progress=False)
    assert isinstance(history, TrainingHistory)
    assert history.epochs == len(history.train_loss) == len(history.val_loss) == 15
    assert history.train_loss[-1] < history.train_loss[0] - 0.5
    assert history.seconds > 0 and not history.stopped_early
    assert "15 epochs" in repr(history)


def test_model_holds_the_parameters_of_the_best_validation_epoch(data):
    X_train, X_val = data
    model = FVSBN(6)
    history = train(model, X_train, X_val, epochs=25, lr=0.05, progress=False)
    assert history.best_epoch == int(np.argmin(history.val_loss)) + 1
    assert evaluate(model, X_val) == pytest.approx(min(history.val_loss), abs=1e-5)
    assert not model.training


def test_restores_an_earlier_epoch_when_validation_gets_worse():
    # Train on 10 images, validate on a different distribution: val loss must turn up.
    X_train = binary_data(10, 8, p=0.2, seed=1)
    X_val = binary_data(100, 8, p=0.5, seed=2)
    model = FVSBN(8)
    history = train(model, X_train, X_val, epochs=60, lr=0.1, batch_size=10, progress=False)
    assert history.best_epoch < 60
    assert evaluate(model, X_val) == pytest.approx(min(history.val_loss), abs=1e-5)
    assert evaluate(model, X_val) < history.val_loss[-1]


def test_patience_stops_early():
    X_train = binary_data(10, 8, p=0.2, seed=1)
    X_val = binary_data(100, 8, p=0.5, seed=2)
    history = train(
        FVSBN(8), X_train, X_val, epochs=200, lr=0.1, batch_size=10, patience=3, progress=False
    )
    assert history.stopped_early
    assert history.epochs == history.best_epoch + 3 < 200


def test_same_rng_same_run_and_different_rng_different_run(data):
    X_train, X_val = data
    runs = [
        train(FVSBN(6), X_train, X_val, epochs=3, rng=gen(s), progress=False).train_loss
        for s in (0, 0, 1)
    ]
    assert runs[0] == runs[1] and runs[0] != runs[2]
    with pytest.warns(FutureWarning, match="seed= is renamed rng="):
        old = train(FVSBN(6), X_train, X_val, epochs=3, seed=0, progress=False).train_loss
    assert old == runs[0]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_trains_in_the_model_dtype(data, dtype):
    X_train, X_val = data
    model = FVSBN(6, dtype=dtype)
    history = train(model, X_train, X_val, epochs=2, progress=False)
    assert all(p.dtype == dtype for p in model.parameters())
    assert evaluate(model, X_val) == pytest.approx(min(history.val_loss), rel=1e-6)


def test_accepts_numpy_uint8_and_leaves_the_input_alone(data):
    X_train, _ = data
    arr = X_train.numpy().astype(np.uint8)
    before = arr.copy()
    history = train(FVSBN(6), arr, epochs=2, progress=False)
    assert history.epochs == 2 and history.val_loss == [] and history.best_epoch == 2
    np.testing.assert_array_equal(arr, before)


def test_evaluate_is_the_mean_negative_log_likelihood(data):
    X_train, X_val = data
    model = FVSBN(6)
    train(model, X_train, epochs=2, progress=False)
    with torch.no_grad():
        expected = -model.log_prob(X_val).mean().item()
    assert evaluate(model, X_val, batch_size=7) == pytest.approx(expected, abs=1e-5)


class TinyVAELike(nn.Module):
    """Stands in for chapter 7's VAE: a model trained through ``objective=m.elbo``."""

    def __init__(self, n_features):
        super().__init__()
        self.n_features = n_features
        self.logits = nn.Parameter(torch.zeros(n_features))

    def elbo(self, x):
        noise = 0.01 * torch.randn(x.shape[0])  # sampling inside the objective
        dist = torch.distributions.Independent(torch.distributions.Bernoulli(logits=self.logits), 1)
        return dist.log_prob(x) + noise


def test_custom_objective_such_as_an_elbo(data):
    X_train, X_val = data
    model = TinyVAELike(6)
    history = train(
        model,
        X_train,
        X_val,
        epochs=40,
        lr=0.1,
        objective=lambda m, x: m.elbo(x),
        progress=False,
        rng=gen(0),
    )
    assert history.train_loss[-1] < history.train_loss[0]
    # The independent-Bernoulli optimum is the pixel frequencies.
    torch.testing.assert_close(torch.sigmoid(model.logits), X_train.mean(0), atol=0.05, rtol=0)
    # The width check reads the model's n_features.
    with pytest.raises(ValueError, match=r"X_train of shape \(n_samples, 6\), got \(200, 5\)"):
        train(TinyVAELike(6), X_train[:, :5], progress=False)


def test_progress_display_ends_as_it_started(monkeypatch, data):
    """nbval compares the first display; the saved notebook holds the last update."""
    shown = []

    class Handle:
        def update(self, obj, raw=False):
            shown.append(obj["text/plain"])

    def fake_display(obj, raw=False, display_id=False):
        shown.append(obj["text/plain"])
        return Handle()

    import IPython
    import IPython.display

    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", fake_display)
    X_train, X_val = data
    train(FVSBN(6), X_train, X_val, epochs=4, progress="Training FVSBN")
    assert shown[0] == shown[-1] == "Training FVSBN (4 epochs)"
    assert len(shown) == 1 + 4 + 1
    assert shown[2].startswith("Training FVSBN (4 epochs): [#####") and "val loss" in shown[2]


def test_no_progress_display_outside_ipython(capsys, data):
    X_train, _ = data
    train(FVSBN(6), X_train, epochs=1, progress=True)
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"model": "FVSBN"}, TypeError, "torch.nn.Module, got str"),
        (
            {"X_train": torch.zeros(5, 7)},
            ValueError,
            r"X_train of shape \(n_samples, 6\).*\(5, 7\)",
        ),
        ({"X_train": torch.zeros(6)}, ValueError, r"X_train of shape"),
        ({"X_train": np.array([["a"] * 6])}, TypeError, "numeric"),
        ({"X_train": torch.full((4, 6), float("nan"))}, ValueError, "NaN"),
        ({"X_val": torch.zeros(5, 3)}, ValueError, r"X_val of shape \(n_samples, 6\)"),
        ({"epochs": 0}, ValueError, "epochs must be at least 1"),
        ({"epochs": 2.0}, TypeError, "epochs must be an integer"),
        ({"batch_size": 0}, ValueError, "batch_size must be at least 1"),
        ({"lr": 0.0}, ValueError, "lr must be > 0"),
        ({"weight_decay": -1.0}, ValueError, "weight_decay must be >= 0"),
        ({"rng": 0}, TypeError, "rng must be a torch.Generator"),
        ({"rng": np.random.default_rng(0)}, TypeError, "rng must be a torch.Generator"),
        ({"grad_bits": -1}, ValueError, "grad_bits must be at least 0"),
        ({"grad_bits": 60}, ValueError, "grad_bits must be at most 52"),
        ({"grad_bits": True}, TypeError, "grad_bits"),
        ({"grad_step": 1e30}, ValueError, "grad_step must be <="),
        ({"patience": 3}, ValueError, "patience .* pass X_val"),
        ({"objective": lambda m, x: m.log_prob(x).mean()}, ValueError, r"one value per example"),
        ({"objective": lambda m, x: 1.0}, TypeError, "must return a tensor"),
        ({"objective": lambda m, x: m.log_prob(x) * np.nan}, FloatingPointError, "learning rate"),
        ({"model": nn.Identity()}, ValueError, "no trainable parameters"),
    ],
)
def test_bad_inputs_raise_helpful_errors(kwargs, error, match, data):
    X_train, X_val = data
    args = {"model": FVSBN(6), "X_train": X_train, "X_val": None, "epochs": 2, "progress": False}
    if "patience" not in kwargs and "X_val" not in kwargs:
        args["X_val"] = X_val
    args.update(kwargs)
    model, X = args.pop("model"), args.pop("X_train")
    with pytest.raises(error, match=match):
        train(model, X, **args)


def test_default_device_is_cpu_without_cuda():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert training.default_device().type == expected


def test_train_with_rng_leaves_the_global_rng_stream_alone():
    """Training is reproducible from `rng` without re-seeding the caller's torch RNG."""
    X = torch.bernoulli(torch.full((40, 4), 0.3), generator=gen(0))
    model = FVSBN(4)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    train(model, X, epochs=2, rng=gen(0), progress=False)
    assert torch.equal(torch.rand(3), expected)


def test_relative_rounding_keeps_every_tensor_nonzero_and_on_its_own_grid():
    bits = 16
    model = NADE(6, hidden=4, rng=gen(0), dtype=torch.float64)
    scales = [1e-30, 1e-7, 1.0, 1e20]
    for p, scale in zip(model.parameters(), scales, strict=True):
        p.grad = scale * torch.randn(p.shape, dtype=p.dtype, generator=gen(1))
    before = [p.grad.clone() for p in model.parameters()]
    training.round_gradients_(model, bits)
    for p, g in zip(model.parameters(), before, strict=True):
        # the grid: 2**(e - bits) with 2**(e - 1) <= max|g| < 2**e, computed independently
        e = int(np.floor(np.log2(g.abs().max().item()))) + 1
        step = 2.0 ** (e - bits)
        assert torch.equal(p.grad / step, torch.round(p.grad / step))  # on the grid
        assert (p.grad - g).abs().max() <= step / 2  # the nearest grid point
        assert p.grad.abs().max() > 0  # never all zero
        rel = ((p.grad - g).abs().max() / g.abs().max()).item()
        assert rel <= 2.0**-bits


def _plain_adam(model, X, objective, epochs, lr, batch_size, rng):
    """The textbook loop, written out: shuffle, minibatch mean, Adam step."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=rng)
        for i in range(0, X.shape[0], batch_size):
            xb = X[order[i : i + batch_size]]
            loss = -objective(model, xb).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    return evaluate(model, X)


@pytest.mark.parametrize("scale", [1e-6, 1e-7])
@pytest.mark.parametrize("opt_in", [False, True])
def test_small_scale_objectives_train_like_plain_adam(data, scale, opt_in):
    """A sum turned into a mean over many images shrinks every gradient: the loop must
    still learn (the former absolute rounding grid turned them all into zero)."""
    X_train, _ = data
    objective = lambda m, x: scale * m.log_prob(x)  # noqa: E731
    settings = dict(epochs=8, lr=0.05, batch_size=32)
    with training.reproducible(opt_in):
        X = X_train.to(torch.get_default_dtype())
        start = evaluate(FVSBN(6), X)
        reference = _plain_adam(FVSBN(6), X, objective, rng=gen(0), **settings)
        model = FVSBN(6)
        train(model, X, objective=objective, rng=gen(0), progress=False, **settings)
        ours = evaluate(model, X)
    assert reference < start - 0.5  # plain Adam learns at this scale
    assert ours == pytest.approx(reference, rel=0.01)


def test_absolute_rounding_zeroes_small_gradients_and_train_warns(data):
    X_train, _ = data
    model = FVSBN(6)
    with pytest.warns(FutureWarning, match="grad_bits"):
        with pytest.warns(RuntimeWarning, match="Every gradient is exactly zero"):
            with pytest.warns(RuntimeWarning, match="did not learn"):
                train(
                    model,
                    X_train,
                    objective=lambda m, x: 1e-6 * m.log_prob(x),
                    epochs=3,
                    grad_step=2.0**-20,
                    progress=False,
                )
    assert all(not p.any() for p in model.parameters())  # FVSBN starts at zero: unchanged


def test_an_objective_without_gradient_warns(data):
    X_train, _ = data
    with pytest.warns(RuntimeWarning, match="Every gradient is exactly zero in epoch 1"):
        train(FVSBN(6), X_train, objective=lambda m, x: 0 * m.log_prob(x), epochs=2, progress=False)


def test_reproducible_switches_dtype_and_rounding_and_restores_them(data):
    before = torch.get_default_dtype()
    with training.reproducible() as switch:
        assert torch.get_default_dtype() == torch.float64
        assert FVSBN(3).weight.dtype == torch.float64
        assert "16 significant bits" in repr(switch)
        # rounding is on: the run differs from plain Adam's last bits, not from its result
        X_train, _ = data
        X = X_train.double()
        a, b = FVSBN(6), FVSBN(6)
        train(a, X, epochs=2, rng=gen(0), progress=False)
        train(b, X, epochs=2, rng=gen(0), progress=False, grad_bits=0)
        assert not torch.equal(a.weight, b.weight)
        torch.testing.assert_close(a.weight, b.weight, rtol=1e-3, atol=1e-4)
    assert torch.get_default_dtype() == before
    with pytest.raises(TypeError, match="True or False"):
        training.reproducible("yes")
