"""Timing and held-out likelihood of the digits VAE of chapter 7.

Usage: python benchmarks/bench_vae.py

Trains the chapter's VAE (64 -> 256 -> 128 -> 2-D latent, Bernoulli decoder, 200 epochs of
Adam, batch 64) on the binarised digits with the shared loop ``du.train``, on one thread as
in the notebook, and prints

* its training time against the chapter's 45 s budget, and against a bare PyTorch loop doing
  the same number of Adam steps on the same architecture with the ELBO written directly
  with ``torch.distributions`` (no input checks, no validation pass): the ratio is the cost
  of the shared loop and the checks;
* the held-out negative log-likelihood estimated by the importance-weighted bound with
  k = 1000, next to the negative ELBO and the independent-pixel baseline.
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch.distributions import Bernoulli, Independent, Normal, kl_divergence

import dgm_utils as du

EPOCHS, BATCH, LR, HIDDEN = 200, 64, 2e-3, (256, 128)


def data():
    X_train, X_test, _, _ = du.load_binarized_digits()
    X_fit, X_val = du.split_validation(X_train, n_val=270, rng=0)  # chapter 6's split
    return X_fit, X_val, X_test


def bare_loop(X_fit: np.ndarray) -> float:
    """The same model and number of Adam steps in plain PyTorch: seconds."""
    torch.manual_seed(0)
    vae = du.VAE(64, 2, HIDDEN)  # only its two nn.Sequential are used
    enc, dec = vae.encoder, vae.decoder
    opt = torch.optim.Adam(vae.parameters(), lr=LR)
    X = torch.as_tensor(X_fit, dtype=torch.float64)
    prior = Independent(Normal(torch.zeros(2), torch.ones(2)), 1)
    start = time.perf_counter()
    for _ in range(EPOCHS):
        order = torch.randperm(len(X))
        for i in range(0, len(X), BATCH):
            xb = X[order[i : i + BATCH]]
            loc, log_scale = enc(xb).chunk(2, dim=-1)
            q = Independent(Normal(loc, log_scale.exp()), 1)
            z = q.rsample()
            elbo = Independent(Bernoulli(logits=dec(z)), 1).log_prob(xb) - kl_divergence(q, prior)
            loss = -elbo.mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return time.perf_counter() - start


def main() -> None:
    du.reproducible()  # the chapters' configuration: float64, rounded gradients
    torch.set_num_threads(1)
    X_fit, X_val, X_test = data()
    torch.manual_seed(0)
    vae = du.VAE(64, 2, HIDDEN, likelihood="bernoulli")
    history = du.train(
        vae,
        X_fit,
        X_val,
        objective=lambda m, x: m.elbo(x),
        epochs=EPOCHS,
        batch_size=BATCH,
        lr=LR,
        progress=False,
    )
    bare = bare_loop(X_fit)

    x_test = torch.as_tensor(X_test, dtype=torch.float64)
    start = time.perf_counter()
    with torch.no_grad():
        iwae = vae.iwae_bound(x_test, 1000, rng=torch.Generator().manual_seed(0)).mean()
        elbo = vae.elbo(x_test, n_samples=100, rng=torch.Generator().manual_seed(1)).mean()
    eval_seconds = time.perf_counter() - start
    independent = du.IndependentBernoulli(alpha=1.0).fit(X_fit)
    nll_independent = -independent.log_prob(X_test).mean()

    print(f"digits VAE, {EPOCHS} epochs, hidden {HIDDEN}, 2-D latent, 1 thread")
    print(f"{'':38s} {'seconds':>8s}")
    print(f"{'du.train (with validation each epoch)':38s} {history.seconds:8.1f}")
    print(f"{'bare PyTorch loop, same Adam steps':38s} {bare:8.1f}")
    print(f"{'ratio du.train / bare loop':38s} {history.seconds / bare:8.2f}")
    print(f"{'ratio du.train / 45 s budget':38s} {history.seconds / 45:8.2f}")
    print(f"{'IWAE k=1000 + ELBO on 450 test images':38s} {eval_seconds:8.1f}")
    print()
    print(f"{'test NLL (nats per image)':38s}")
    print(f"{'VAE, -L_1000 (importance-weighted)':38s} {-float(iwae):8.2f}")
    print(f"{'VAE, -ELBO':38s} {-float(elbo):8.2f}")
    print(f"{'independent pixels (baseline)':38s} {nll_independent:8.2f}")


if __name__ == "__main__":
    main()
