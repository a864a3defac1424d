"""Elimination orderings (dgm_utils.bayesnet.ordering), against from-scratch recomputation:
each greedy step re-multiplies the remaining factors symbolically (no incremental updates)."""

import itertools
import math

import numpy as np
import pytest

from dgm_utils.bayesnet import random_network
from dgm_utils.bayesnet.ordering import CHEAP_ENOUGH, HEURISTICS, cheapest_order, greedy_order


def reference_scores(live, v, card):
    """The four heuristics' scores of eliminating v, from the live factors' scopes."""
    union = set().union(*(s for s in live if v in s))
    nb = union - {v}
    joined = {frozenset(p) for s in live for p in itertools.combinations(s, 2)}
    fill = [(a, b) for a, b in itertools.combinations(sorted(nb), 2) if {a, b} not in joined]
    return {
        "min_weight": math.prod(card[u] for u in nb),
        "min_fill": len(fill),
        "weighted_min_fill": sum(card[a] * card[b] for a, b in fill),
        "min_neighbours": len(nb),
    }


def reference_order(scopes, hidden, card, heuristic):
    """The greedy order and its cost, every score recomputed at every step."""
    live, hidden, order, cost = [set(s) for s in scopes], list(hidden), [], 0
    while hidden:
        v = min(hidden, key=lambda u: reference_scores(live, u, card)[heuristic])  # first min
        hidden.remove(v)
        order.append(v)
        union = set().union(*(s for s in live if v in s))
        cost += math.prod(card[u] for u in union)
        live = [s for s in live if v not in s] + [union - {v}]
    return order, cost


def random_problem(seed):
    net = random_network(18, 30, (2, 4), np.random.default_rng(seed))
    rng = np.random.default_rng(seed)
    observed = set(rng.choice(net.nodes, size=4, replace=False))
    scopes = [tuple(u for u in (*pa, v) if u not in observed) for v, pa in net.parents.items()]
    hidden = [v for v in net.topological_order() if v not in observed][1:]
    return scopes, hidden, net.cardinality


@pytest.mark.parametrize("heuristic", HEURISTICS)
def test_incremental_greedy_orders_match_recomputing_every_score(heuristic):
    for seed in range(12):
        scopes, hidden, card = random_problem(seed)
        assert greedy_order(scopes, hidden, card, heuristic) == reference_order(
            scopes, hidden, card, heuristic
        )


def test_cheapest_order_is_the_cheapest_of_the_heuristics_it_tries():
    """Networks of 30 nodes with 4-8 states, where min-weight's order costs more than
    CHEAP_ENOUGH entries, so the other orders are tried and the cheapest kept."""
    improved = 0
    for seed in range(8):
        net = random_network(30, 60, (4, 8), np.random.default_rng(seed))
        scopes = [(*pa, v) for v, pa in net.parents.items()]
        hidden, card = net.topological_order()[1:], net.cardinality
        costs = {h: reference_order(scopes, hidden, card, h)[1] for h in HEURISTICS}
        assert costs["min_weight"] > CHEAP_ENOUGH
        best_cost = reference_order_cost(scopes, cheapest_order(scopes, hidden, card), card)
        assert best_cost == min(costs["min_weight"], costs["min_fill"], costs["min_neighbours"])
        improved += best_cost < costs["min_weight"]
    assert improved > 0


def reference_order_cost(scopes, order, card):
    live, cost = [set(s) for s in scopes], 0
    for v in order:
        union = set().union(*(s for s in live if v in s))
        cost += math.prod(card[u] for u in union)
        live = [s for s in live if v not in s] + [union - {v}]
    return cost


def test_unknown_heuristic_is_refused():
    with pytest.raises(ValueError, match=r"heuristic must be one of \['min_weight'"):
        greedy_order([("A", "B")], ["A"], {"A": 2, "B": 2}, "min_degree")
