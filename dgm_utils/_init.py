"""Random initial weights that are the same on every machine."""

from __future__ import annotations

import math

import torch
from torch import nn


@torch.no_grad()
def uniform_(tensor: torch.Tensor, bound: float, generator: torch.Generator | None = None):
    """Fill ``tensor`` with Uniform(-bound, bound) draws from ``generator``, in place.

    Computed as ``(2u - 1) * bound`` from ``u = torch.rand(...)``: each operation rounds
    once, so every CPU gets the same bits. (``torch.nn.init.uniform_`` fuses them into one
    multiply-add, which CPUs with and without FMA instructions round differently: a last-bit
    difference that training then amplifies into other results.)
    """
    u = torch.rand(tensor.shape, generator=generator, dtype=tensor.dtype, device=tensor.device)
    return tensor.copy_((2 * u - 1) * bound)


def init_linear_(layer: nn.Linear, generator: torch.Generator | None = None) -> nn.Linear:
    """PyTorch's default Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias."""
    bound = 1.0 / math.sqrt(layer.in_features)
    uniform_(layer.weight, bound, generator)
    uniform_(layer.bias, bound, generator)
    return layer
