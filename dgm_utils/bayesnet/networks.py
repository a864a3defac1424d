"""Ready-made Bayesian networks: the lecture's student network, and random networks.

Introduced in chapter 4, Bayesian networks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._validation import check_float, check_int, check_rng
from .model import BayesianNetwork

#: random_network shuffles every forward pair of nodes; above this many nodes (4.5 million
#: pairs, about a second of work) it refuses instead of running for minutes.
MAX_RANDOM_NODES = 3000
#: random_network refuses CPTs with more entries than this in total (8 bytes each).
MAX_RANDOM_ENTRIES = 2**25


def student_network() -> BayesianNetwork:
    """The lecture's student network, with the CPTs of Koller & Friedman (2009, Figure 3.4).

    Introduced in chapter 4, Bayesian networks. Difficulty D (easy, hard) and intelligence
    I (low, high) are roots; the grade G (A, B, C) depends on both; the SAT score S (low,
    high) on I; the recommendation letter L (weak, strong) on G.

    Returns
    -------
    BayesianNetwork
        ``BayesianNetwork(5 nodes: D, I, G(D, I), S(I), L(G))``.
    """
    parents = {"D": [], "I": [], "G": ["D", "I"], "S": ["I"], "L": ["G"]}
    cpts = {
        "D": [0.6, 0.4],
        "I": [0.7, 0.3],
        # G[d, i, :]: rows (easy, low), (easy, high), (hard, low), (hard, high)
        "G": [[[0.3, 0.4, 0.3], [0.9, 0.08, 0.02]], [[0.05, 0.25, 0.7], [0.5, 0.3, 0.2]]],
        "S": [[0.95, 0.05], [0.2, 0.8]],
        "L": [[0.1, 0.9], [0.4, 0.6], [0.99, 0.01]],
    }
    states = {
        "D": ["easy", "hard"],
        "I": ["low", "high"],
        "G": ["A", "B", "C"],
        "S": ["low", "high"],
        "L": ["weak", "strong"],
    }
    return BayesianNetwork(parents, cpts, states)


def random_network(
    n_nodes: int,
    n_edges: int,
    cardinalities: tuple[int, int],
    rng: np.random.Generator,
    *,
    max_parents: int | None = 4,
    alpha: float = 1.0,
) -> BayesianNetwork:
    """A random DAG with random CPTs, for benchmarks and tests.

    Introduced in chapter 4, Bayesian networks. A random ordering of the nodes is drawn, then
    ``n_edges`` distinct edges that point forward in it (so the graph is acyclic; the node
    names ``X0, X1, ...`` are not in topological order). Each CPT row is drawn from a
    symmetric Dirichlet(alpha).

    Parameters
    ----------
    n_nodes : int
    n_edges : int
    cardinalities : (low, high)
        Each node's number of states is uniform in ``low..high`` (inclusive), ``low >= 1``.
    rng : numpy.random.Generator
    max_parents : int or None, default 4
        At most this many parents per node (the ALARM network has at most 4).
        ``n_nodes`` is at most ``MAX_RANDOM_NODES`` and the CPTs at most
        ``MAX_RANDOM_ENTRIES`` entries in total: larger requests raise ValueError at once.
    alpha : float, default 1.0
        Dirichlet concentration of each CPT row (1 = uniform over the simplex).

    Returns
    -------
    BayesianNetwork
    """
    n_nodes = check_int(n_nodes, "n_nodes", minimum=1)
    n_edges = check_int(n_edges, "n_edges", minimum=0)
    rng = check_rng(rng)
    alpha = check_float(alpha, "alpha", low=0.0, low_inclusive=False)
    if (
        not isinstance(cardinalities, Sequence)
        or len(cardinalities) != 2
        or isinstance(cardinalities, str)
    ):
        raise TypeError(f"cardinalities must be a pair (low, high), got {cardinalities!r}.")
    low = check_int(cardinalities[0], "cardinalities[0]", minimum=1)
    high = check_int(cardinalities[1], "cardinalities[1]", minimum=low)
    cap = n_nodes if max_parents is None else check_int(max_parents, "max_parents", minimum=0)
    if n_nodes > MAX_RANDOM_NODES:
        raise ValueError(
            f"n_nodes={n_nodes:,} is above the {MAX_RANDOM_NODES:,} nodes random_network "
            f"handles: it shuffles all n_nodes * (n_nodes - 1) / 2 = "
            f"{n_nodes * (n_nodes - 1) // 2:,} forward pairs of nodes to place the edges."
        )
    order = rng.permutation(n_nodes)
    # Every forward pair (order[a], order[b]), a < b, in row-major order of (a, b), shuffled
    # through an index array (the same draws as shuffling the list of pairs).
    a, b = np.triu_indices(n_nodes, k=1)
    shuffled = np.arange(a.size)
    rng.shuffle(shuffled)
    parent_sets: list[list[int]] = [[] for _ in range(n_nodes)]
    added = 0
    for k in shuffled:
        if added == n_edges:
            break
        p, c = int(order[a[k]]), int(order[b[k]])
        if len(parent_sets[c]) < cap:
            parent_sets[c].append(int(p))
            added += 1
    if added < n_edges:
        raise ValueError(
            f"Cannot place {n_edges} edges on {n_nodes} nodes with at most {max_parents} parents "
            f"per node (placed {added}); lower n_edges or raise max_parents."
        )
    names = [f"X{i}" for i in range(n_nodes)]
    card = rng.integers(low, high + 1, size=n_nodes)
    parents = {names[i]: [names[p] for p in sorted(parent_sets[i])] for i in range(n_nodes)}
    entries = sum(
        int(card[i]) * math.prod(int(card[p]) for p in parent_sets[i]) for i in range(n_nodes)
    )
    if entries > MAX_RANDOM_ENTRIES:
        raise ValueError(
            f"The CPTs would hold {entries:,} entries in total (limit {MAX_RANDOM_ENTRIES:,}); "
            "lower max_parents or the cardinalities."
        )
    cpts = {}
    for i in range(n_nodes):
        shape = [int(card[p]) for p in sorted(parent_sets[i])]
        rows = rng.dirichlet(np.full(int(card[i]), alpha), size=math.prod(shape))
        cpts[names[i]] = rows.reshape(*shape, int(card[i]))
    return BayesianNetwork(parents, cpts)
