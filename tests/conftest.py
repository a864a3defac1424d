"""Fixtures for the unit tests."""

import pytest


@pytest.fixture(autouse=True)
def _torch_one_thread():
    """Tiny tensors: one thread is fastest, deterministic, and avoids contention."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
