"""Timings of dgm_utils.binary_densities against torch.distributions, on MNIST-sized binary data.

Run: python benchmarks/bench_discrete.py
Prints, for 20,000 binary vectors of 784 pixels, the time of fit / log_prob / sample for
IndependentBernoulli and BinaryMarkovChain (snake order), next to the same log-densities
computed with torch.distributions (single thread), their ratio and the largest difference.
"""

from __future__ import annotations

import numpy as np
import torch
from _timing import best_of

from dgm_utils.binary_densities import BinaryMarkovChain, IndependentBernoulli, pixel_order

N, SHAPE = 20_000, (28, 28)
D = SHAPE[0] * SHAPE[1]


def synthetic_images(rng: np.random.Generator) -> np.ndarray:
    """Binary images with strong neighbour correlations (a thresholded smoothed noise field)."""
    field = rng.standard_normal((N, *SHAPE))
    for axis in (1, 2):
        field = field + np.roll(field, 1, axis=axis) + np.roll(field, -1, axis=axis)
    return (field > 1.0).reshape(N, D).astype(np.uint8)


def torch_independent(probs: np.ndarray, X: np.ndarray) -> np.ndarray:
    dist = torch.distributions.Independent(torch.distributions.Bernoulli(torch.as_tensor(probs)), 1)
    return dist.log_prob(torch.as_tensor(X, dtype=torch.float64)).numpy()


def torch_chain(model: BinaryMarkovChain, X: np.ndarray) -> np.ndarray:
    Xo = torch.as_tensor(X[:, model.order_], dtype=torch.float64)
    first = torch.distributions.Bernoulli(torch.tensor(model.initial_prob_, dtype=torch.float64))
    trans = torch.as_tensor(model.transition_probs_)
    p_next = trans[torch.arange(D - 1), Xo[:, :-1].long()]
    rest = torch.distributions.Independent(torch.distributions.Bernoulli(p_next), 1)
    return (first.log_prob(Xo[:, 0]) + rest.log_prob(Xo[:, 1:])).numpy()


def main() -> None:
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    X = synthetic_images(rng)
    print(f"data: {N:,} binary images of {SHAPE[0]}x{SHAPE[1]} = {D} pixels\n")
    print(f"{'operation':<36} {'dgm_utils':>10} {'torch':>10} {'ratio':>7} {'max |diff|':>11}")

    ind = IndependentBernoulli().fit(X)
    t_fit, _ = best_of(lambda: IndependentBernoulli().fit(X))
    print(f"{'IndependentBernoulli.fit':<36} {t_fit * 1e3:>8.1f}ms {'':>10} {'':>7} {'':>11}")
    t_ours, lp = best_of(lambda: ind.log_prob(X))
    t_ref, ref = best_of(lambda: torch_independent(ind.probs_, X))
    print(
        f"{'IndependentBernoulli.log_prob':<36} {t_ours * 1e3:>8.1f}ms {t_ref * 1e3:>8.1f}ms "
        f"{t_ours / t_ref:>7.2f} {np.abs(lp - ref).max():>11.1e}"
    )
    t_s, _ = best_of(lambda: ind.sample(N, np.random.default_rng(1)))
    print(f"{'IndependentBernoulli.sample':<36} {t_s * 1e3:>8.1f}ms")

    order = pixel_order("snake", SHAPE)
    chain = BinaryMarkovChain(order=order).fit(X)
    t_fit, _ = best_of(lambda: BinaryMarkovChain(order=order).fit(X))
    print(f"{'BinaryMarkovChain.fit':<36} {t_fit * 1e3:>8.1f}ms")
    t_ours, lp = best_of(lambda: chain.log_prob(X))
    t_ref, ref = best_of(lambda: torch_chain(chain, X))
    print(
        f"{'BinaryMarkovChain.log_prob':<36} {t_ours * 1e3:>8.1f}ms {t_ref * 1e3:>8.1f}ms "
        f"{t_ours / t_ref:>7.2f} {np.abs(lp - ref).max():>11.1e}"
    )
    t_s, S = best_of(lambda: chain.sample(N, np.random.default_rng(1)))
    print(f"{'BinaryMarkovChain.sample (ancestral)':<36} {t_s * 1e3:>8.1f}ms")
    print(
        f"\nsanity check: mean log-likelihood of the chain's own samples "
        f"{chain.score(S):.1f} vs data {chain.score(X):.1f} nats/image; "
        f"independent model on data {ind.score(X):.1f}"
    )


if __name__ == "__main__":
    main()
