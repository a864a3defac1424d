"""Ancestral sampling: draw each node from its CPT row, parents first.

Introduced in chapter 4, Bayesian networks. :func:`ancestral_sample` is the algorithm
written for reading; :class:`AncestralSampler` (behind ``BayesianNetwork.sample``) is the
same algorithm vectorised over samples, and returns the same samples from the same
generator state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from .._validation import check_rng, check_sample_size

if TYPE_CHECKING:
    from .model import BayesianNetwork

#: Samples drawn per block: the working columns of one block stay in the CPU cache.
SAMPLE_BLOCK = 1 << 15


class AncestralSampler:
    """Vectorised ancestral sampling from fixed CPTs (the engine of ``BayesianNetwork.sample``).

    Introduced in chapter 4, Bayesian networks.

    Parameters
    ----------
    nodes : list of str
        The column order of the samples.
    order : list of str
        A topological order of the nodes.
    parents : dict of str -> sequence of str
    cpts : dict of str -> array of shape ``(*parent_cards, card)``
    """

    def __init__(
        self,
        nodes: Sequence[str],
        order: Sequence[str],
        parents: Mapping[str, Sequence[str]],
        cpts: Mapping[str, np.ndarray],
    ):
        index = {v: j for j, v in enumerate(nodes)}
        card = {v: cpts[v].shape[-1] for v in nodes}
        self._order = [index[v] for v in order]
        self._strides = {}
        self._cdf_cols = {}
        for v in nodes:
            pa = parents[v]
            # Row of the CPT for a parent assignment: a row-major index over the parents' states.
            strides = np.cumprod([1] + [card[p] for p in reversed(pa)])[:-1][::-1]
            self._strides[index[v]] = [(index[p], int(s)) for p, s in zip(pa, strides, strict=True)]
            cdf = np.cumsum(cpts[v].reshape(-1, card[v]), axis=1)
            cdf[:, -1] = 1.0  # so that u < 1 always falls in some state despite rounding
            self._cdf_cols[index[v]] = [np.ascontiguousarray(cdf[:, s]) for s in range(card[v] - 1)]
        self.dtype = np.int8 if max(card.values()) <= 127 else np.int32

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` samples as an array of shape ``(n, len(nodes))`` of state indices."""
        # The result, plus one block of uniforms (bounded, not per sample).
        n = check_sample_size(
            n, "n", bytes_per_sample=len(self._order) * np.dtype(self.dtype).itemsize
        )
        rng = check_rng(rng)
        # Filled one node (row) at a time and returned transposed: each node's column of
        # samples is contiguous in memory while it is written.
        out = np.empty((len(self._order), n), dtype=self.dtype)
        for start in range(0, n, SAMPLE_BLOCK):
            self._sample_block(out[:, start : start + SAMPLE_BLOCK], rng)
        return out.T

    def _sample_block(self, block: np.ndarray, rng: np.random.Generator) -> None:
        """Ancestral sampling of ``block.shape[1]`` samples into block (one row per node)."""
        u_all = rng.random((len(self._order), block.shape[1]))
        for j, u in zip(self._order, u_all, strict=True):
            state = block[j]
            state[:] = 0
            if not self._strides[j]:  # a root: a single CPT row
                for cdf_s in self._cdf_cols[j]:
                    state += u >= cdf_s[0]
                continue
            # The CPT row of each sample, indexed by its parents' (already sampled) states.
            (col, stride), *rest = self._strides[j]
            row = block[col] * np.intp(stride)
            for col, stride in rest:
                row += block[col] * np.intp(stride)
            # Inverse CDF: the state is the number of cumulative probabilities <= u.
            for cdf_s in self._cdf_cols[j]:
                state += u >= cdf_s.take(row)


def ancestral_sample(net: BayesianNetwork, n: int, rng: np.random.Generator) -> np.ndarray:
    """Ancestral sampling written for reading: the algorithm of :meth:`~dgm_utils.bayesnet.model.BayesianNetwork.sample`.

    Introduced in chapter 4, Bayesian networks. Visit the nodes in topological order and draw
    each from the CPT row that its parents' (already drawn) states select, by the inverse CDF
    of that row. For ``n`` up to 32,768 it returns exactly the samples of
    ``net.sample(n, rng)`` from the same generator state; ``sample`` is the faster version.

    Parameters
    ----------
    net : BayesianNetwork
    n : int
        Number of samples.
    rng : numpy.random.Generator

    Returns
    -------
    X : array of shape (n, len(net.nodes)) of state indices, columns in ``net.nodes`` order
    """
    # The result and the uniforms, one int64 and one float64 per node and sample.
    n = check_sample_size(n, "n", bytes_per_sample=16 * len(net.nodes))
    rng = check_rng(rng)
    X = np.zeros((n, len(net.nodes)), dtype=np.intp)
    column = {v: j for j, v in enumerate(net.nodes)}
    u = rng.random((len(net.nodes), n))  # one uniform number per node and sample
    for v, u_v in zip(net.topological_order(), u, strict=True):
        parent_states = tuple(X[:, column[p]] for p in net.parents[v])
        rows = net.cpts[v][parent_states]  # the CPT row of each sample
        cdf = np.cumsum(np.broadcast_to(rows, (n, net.cardinality[v])), axis=1)
        X[:, column[v]] = (u_v[:, None] >= cdf[:, :-1]).sum(axis=1)  # inverse CDF
    return X
