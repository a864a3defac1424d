"""Chapter 6: the ancestral sampler shown in the chapter draws from the model's own p(x)."""

import numpy as np
import pytest
import torch

import dgm_utils as du


@pytest.mark.parametrize("name", ["FVSBN", "NADE"])
def test_sample_frequencies_match_exact_probabilities(name):
    """Independent reference: p(x) of all 2^4 images from log_prob, vs sample frequencies."""
    g = torch.Generator().manual_seed(5)
    model = du.FVSBN(4) if name == "FVSBN" else du.NADE(4, hidden=3, rng=g)
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0.0, 1.0, generator=g)
        states = torch.tensor(
            [[(k >> (3 - j)) & 1 for j in range(4)] for k in range(16)], dtype=torch.float64
        )
        exact = model.log_prob(states).exp().numpy()
    x = model.sample(100_000, torch.Generator().manual_seed(1)).numpy()
    codes = (x @ (2 ** np.arange(3, -1, -1))).astype(int)
    freq = np.bincount(codes, minlength=16) / len(x)
    assert np.abs(freq - exact).max() < 5 * np.sqrt(exact.max() / len(x))
