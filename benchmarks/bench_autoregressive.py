"""Chapter 6's comparison table, reproduced, and NADE's O(nh) log_prob against the O(n^2 h) one.

Usage: python benchmarks/bench_autoregressive.py

Prints one JSON document:

* ``models``: for each density model of the binarised digits (same split as chapter 6: the
  1,347 training images split into 1,077 for fitting and 270 for validation by
  ``du.split_validation``; the 450 test images held out), its number of parameters,
  held-out negative log-likelihood in nats per image and training seconds. The models are
  fitted by ``du.fit_digit_models``, the very call of chapters 6 and 7.
* ``nade_log_prob``: milliseconds per call of ``NADE.log_prob`` (the recurrence
  a_{i+1} = a_i + W[:, i] x_i, O(nh) per image) against a direct implementation of the
  definition that recomputes every pre-activation c + W[:, :i] x_<i (O(n^2 h), one matrix
  product per pixel), and against the same O(nh) recurrence written as one vectorised
  cumulative sum over a (batch, n, h) array. On the digits (n = 64), n = 256 and MNIST size
  (n = 784, h = 500), with the ratio of multiply-adds (n / 2) and the largest difference
  between the implementations. The naive version's extra arithmetic runs in matrix
  products near the CPU's peak, so the measured speed-up stays well below n / 2; the
  vectorised cumulative sum is limited by memory traffic, which is why the package uses the
  loop.
"""

from __future__ import annotations

import json

import numpy as np
import torch
from _timing import best_of

import dgm_utils as du
from dgm_utils.autoregressive import NADE

SEED = 0


def comparison_table(X_fit, X_val, X_test) -> list[dict]:
    """Chapter 6's five models, fitted by the same call as in the chapter, on the test images."""
    fits = du.fit_digit_models(X_fit, X_val, rng=np.random.default_rng(SEED))
    return [
        {
            "model": fit.label,
            "params": int(fit.model.num_params()),
            "test_nll": round(float(fit.nll(X_test).mean()), 3),
            # the mixture's time includes the search over K
            "train_seconds": round(fit.seconds, 2),
        }
        for fit in fits.values()
    ]


def nade_logits_naive(model: NADE, x: torch.Tensor) -> torch.Tensor:
    """The definition, pixel by pixel: h_i = sigmoid(c + W[:, :i] x_<i), O(i h) for pixel i."""
    out = []
    for i in range(model.n_features):
        h = torch.sigmoid(model.c + x[:, :i] @ model.W[:, :i].T)
        out.append(model.b[i] + h @ model.V[i])
    return torch.stack(out, dim=1)


def nade_logits_cumsum(model: NADE, x: torch.Tensor) -> torch.Tensor:
    """The same O(nh) recurrence as one cumulative sum over a (batch, n, h) array."""
    steps = torch.cat([model.c.expand(x.shape[0], 1, -1), x[:, :-1, None] * model.W.T], dim=1)
    h = torch.sigmoid(torch.cumsum(steps, dim=1))
    return model.b + (h * model.V).sum(dim=-1)


def best_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    return 1000 * best_of(fn, repeats)[0]


@torch.no_grad()
def nade_timing() -> list[dict]:
    rows = []
    for n, h, batch, repeats in [(64, 64, 450, 20), (256, 256, 64, 5), (784, 500, 16, 5)]:
        g = torch.Generator().manual_seed(SEED)
        model = NADE(n, h, rng=g, dtype=torch.float64)
        x = torch.bernoulli(torch.full((batch, n), 0.3, dtype=torch.float64), generator=g)
        fast = best_ms(lambda model=model, x=x: model.log_prob(x), repeats)
        slow = best_ms(lambda model=model, x=x: nade_logits_naive(model, x), repeats)
        cumsum = best_ms(lambda model=model, x=x: nade_logits_cumsum(model, x), repeats)
        logits = model.logits(x)
        diff = max(
            (logits - nade_logits_naive(model, x)).abs().max().item(),
            (logits - nade_logits_cumsum(model, x)).abs().max().item(),
        )
        rows.append(
            {
                "n": n,
                "hidden": h,
                "batch": batch,
                "log_prob_ms": round(fast, 2),
                "naive_ms": round(slow, 2),
                "vectorised_cumsum_ms": round(cumsum, 2),
                "speedup": round(slow / fast, 1),
                # pre-activation multiply-adds: sum_i (i - 1) h against (n - 1) h
                "multiply_add_ratio": n / 2,
                "max_abs_logit_difference": float(f"{diff:.2g}"),
            }
        )
    return rows


if __name__ == "__main__":
    du.reproducible()  # the chapters' configuration: float64, rounded gradients
    torch.set_num_threads(1)  # as in the chapter: deterministic, and fastest for these sizes
    X_train, X_test, _, _ = du.load_binarized_digits()
    X_fit, X_val = du.split_validation(X_train, n_val=270, rng=SEED)
    report = {
        "split": {"fit": len(X_fit), "validation": len(X_val), "test": len(X_test)},
        "models": comparison_table(X_fit, X_val, X_test),
        "nade_log_prob": nade_timing(),
    }
    print(json.dumps(report, indent=2))
