"""Where models train and draw: the CPU by default, a GPU only when asked for.

The CUDA tests run on machines that have CUDA and are skipped elsewhere.
"""

import numpy as np
import pytest
import torch

import dgm_utils as du
from dgm_utils._validation import check_generator

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


def binary(n, d, seed=0):
    return torch.bernoulli(torch.full((n, d), 0.3), generator=torch.Generator().manual_seed(seed))


def test_train_keeps_a_cpu_model_on_the_cpu():
    model = du.FVSBN(5)
    du.train(model, binary(40, 5), epochs=2, progress=False)
    assert {p.device.type for p in model.parameters()} == {"cpu"}


def test_a_generator_on_another_device_is_refused_with_the_fix():
    with pytest.raises(
        ValueError,
        match=r"generator is on cpu but the model is on cuda.*torch\.Generator\(device='cuda'\)",
    ):
        check_generator(torch.Generator(), torch.device("cuda"))
    with pytest.raises(TypeError, match="generator must be a torch.Generator"):
        check_generator(np.random.default_rng(0), "cpu")
    assert check_generator(None, "cuda") is None


@pytest.mark.parametrize("device", ["tpu", "cuda:-1", 3])
def test_unknown_devices_are_refused(device):
    with pytest.raises((ValueError, TypeError), match="device"):
        du.train(du.FVSBN(3), binary(10, 3), epochs=1, device=device, progress=False)


@cuda
def test_training_on_cuda_when_asked_and_drawing_with_a_cuda_generator():
    model = du.NADE(5, hidden=3, rng=torch.Generator().manual_seed(0))
    du.train(model, binary(40, 5), epochs=2, device="cuda", progress=False)
    assert {p.device.type for p in model.parameters()} == {"cuda"}
    x = model.sample(4, rng=torch.Generator(device="cuda").manual_seed(0))
    assert x.device.type == "cuda" and x.shape == (4, 5)
    with pytest.raises(ValueError, match="rng is on cpu but the model is on cuda"):
        model.sample(4, rng=torch.Generator().manual_seed(0))


@cuda
def test_vae_draws_on_cuda_with_a_cuda_generator():
    torch.manual_seed(0)
    vae = du.VAE(n_features=5, z_dim=2, hidden=(8,))
    x = binary(6, 5)
    with torch.no_grad():
        on_cpu = vae.elbo(x, n_samples=3, rng=torch.Generator().manual_seed(1))
        vae.to("cuda")
        eps_free = vae.elbo(
            x.cuda(),
            kl="analytic",
            n_samples=1,
            rng=torch.Generator(device="cuda").manual_seed(1),
        )
    assert eps_free.device.type == "cuda" and torch.isfinite(eps_free).all()
    assert on_cpu.shape == eps_free.shape
    with pytest.raises(ValueError, match="rng is on cpu"):
        vae.sample(2, rng=torch.Generator())
