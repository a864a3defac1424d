"""Chapter 6 additions: the readable autoregressive sampler agrees with the models' sample."""

import numpy as np
import pytest
import torch

import dgm_utils as du
from dgm_utils.neural import sample_autoregressive


def _random_models():
    g = torch.Generator().manual_seed(3)
    fvsbn, nade = du.FVSBN(12), du.NADE(12, hidden=5, generator=g)
    with torch.no_grad():
        for p in [*fvsbn.parameters(), *nade.parameters()]:
            p.normal_(0.0, 1.5, generator=g)
    return {"FVSBN": fvsbn, "NADE": nade}


@pytest.mark.parametrize("name", ["FVSBN", "NADE"])
def test_sample_autoregressive_equals_sample(name):
    model = _random_models()[name]
    a = sample_autoregressive(model, 500, torch.Generator().manual_seed(7))
    with torch.no_grad():
        b = model.sample(500, generator=torch.Generator().manual_seed(7))
    torch.testing.assert_close(a, b, rtol=0, atol=0)


@pytest.mark.parametrize("name", ["FVSBN", "NADE"])
def test_sample_autoregressive_frequencies_match_exact_probabilities(name):
    """Independent reference: p(x) of all 2^4 images from log_prob, vs sample frequencies."""
    g = torch.Generator().manual_seed(5)
    model = du.FVSBN(4) if name == "FVSBN" else du.NADE(4, hidden=3, generator=g)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 1.0, generator=g)
        states = torch.tensor(
            [[(k >> (3 - j)) & 1 for j in range(4)] for k in range(16)], dtype=torch.float64
        )
        exact = model.log_prob(states).exp().numpy()
    x = sample_autoregressive(model, 100_000, torch.Generator().manual_seed(1)).numpy()
    codes = (x @ (2 ** np.arange(3, -1, -1))).astype(int)
    freq = np.bincount(codes, minlength=16) / len(x)
    assert np.abs(freq - exact).max() < 5 * np.sqrt(exact.max() / len(x))
