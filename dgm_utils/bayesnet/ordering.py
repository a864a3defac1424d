"""Elimination orderings for variable elimination: greedy heuristics and their cost.

Introduced in chapter 4, Bayesian networks. Summing out a variable multiplies every factor
that mentions it; the product is a table over the variable and its neighbours in the
*interaction graph* (two variables are neighbours when some factor mentions both), and the
neighbours become a clique. The order decides how large these tables get. Finding the best
order is NP-hard, so, as pgmpy does, greedy heuristics pick the next variable by a score:

* ``"min_weight"``: the fewest entries in the new table (product of the neighbours' cards);
* ``"min_fill"``: the fewest new edges (pairs of neighbours not yet joined);
* ``"weighted_min_fill"``: the smallest sum, over new edges, of the product of their two
  endpoints' cardinalities;
* ``"min_neighbours"``: the fewest neighbours.

Each order comes with its cost, the entries of the tables it multiplies out, so the orders
of several heuristics can be compared and the cheapest kept (:func:`cheapest_order`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence

HEURISTICS = ("min_weight", "min_fill", "weighted_min_fill", "min_neighbours")
#: An order whose cost is below this many einsum entries runs in about a millisecond, no
#: longer than greedy search with the other heuristics takes on a network of a few dozen
#: nodes: searching further would cost more time than it could save.
CHEAP_ENOUGH = 2_000_000


def interaction_graph(scopes: Iterable[Sequence[str]]) -> dict[str, set[str]]:
    """Each variable's neighbours: the other variables that share a factor with it."""
    neighbours: dict[str, set[str]] = {}
    for scope in scopes:
        for u in scope:
            neighbours.setdefault(u, set()).update(scope)
    for u, nb in neighbours.items():
        nb.discard(u)
    return neighbours


def _score(heuristic: str, card: Mapping[str, int]) -> Callable[[str, dict], float]:
    def min_weight(v, neighbours):
        return math.prod(card[u] for u in neighbours[v])

    def min_fill(v, neighbours):
        # Pairs of neighbours, less those already joined (each joined pair counted twice).
        nb = neighbours[v]
        joined = sum(len(neighbours[a] & nb) for a in nb)
        return len(nb) * (len(nb) - 1) // 2 - joined // 2

    def weighted_min_fill(v, neighbours):
        # The same count, each pair (a, b) weighted by card[a] * card[b].
        nb = neighbours[v]
        total = sum(card[a] for a in nb) ** 2 - sum(card[a] ** 2 for a in nb)
        joined = sum(card[a] * sum(card[b] for b in neighbours[a] & nb) for a in nb)
        return (total - joined) // 2

    def min_neighbours(v, neighbours):
        return len(neighbours[v])

    return {
        "min_weight": min_weight,
        "min_fill": min_fill,
        "weighted_min_fill": weighted_min_fill,
        "min_neighbours": min_neighbours,
    }[heuristic]


def greedy_order(
    scopes: Iterable[Sequence[str]],
    hidden: Sequence[str],
    card: Mapping[str, int],
    heuristic: str = "min_weight",
    *,
    check: Callable[[set[str], int], None] | None = None,
) -> tuple[list[str], int]:
    """A greedy elimination order of ``hidden``, lowest score first (ties: first in ``hidden``),
    and its cost.

    Introduced in chapter 4, Bayesian networks. Incremental: eliminating ``v`` joins its
    neighbours into a clique, which changes only the scores of the variables within two
    steps of ``v``; only those are recomputed (a heap whose stale entries are skipped).

    Parameters
    ----------
    scopes : iterable of sequences of str
        The variables of each factor.
    hidden : sequence of str
        The variables to sum out (each must appear in some scope).
    card : dict of str -> int
        Each variable's number of states.
    heuristic : {"min_weight", "min_fill", "weighted_min_fill", "min_neighbours"}
    check : callable, optional
        Called as ``check(neighbours, weight)`` before each elimination, e.g. to refuse a
        table too large for memory as soon as the order would build it.

    Returns
    -------
    order : list of str
    cost : int
        The entries of the tables that the eliminations multiply out: for each variable, the
        product of its own and its neighbours' cardinalities at the time it is eliminated
        (the work of one ``numpy.einsum`` over the factors that mention it).
    """
    if heuristic not in HEURISTICS:
        raise ValueError(f"heuristic must be one of {list(HEURISTICS)}, got {heuristic!r}.")
    score = _score(heuristic, card)
    neighbours = interaction_graph(scopes)
    rank = {v: i for i, v in enumerate(hidden)}
    current = {v: score(v, neighbours) for v in hidden}
    heap = [(s, rank[v], v) for v, s in current.items()]
    heapq.heapify(heap)
    # min_weight and min_neighbours depend on the neighbours only; the fill scores also on
    # the edges among them, which eliminating v changes for neighbours of v's neighbours.
    two_steps = heuristic in ("min_fill", "weighted_min_fill")
    order: list[str] = []
    cost = 0
    while heap:
        s, _, v = heapq.heappop(heap)
        if current.get(v) != s:  # eliminated already, or a stale score
            continue
        del current[v]
        nb = neighbours.pop(v)
        weight = math.prod(card[u] for u in nb)
        if check is not None:
            check(nb, weight)
        cost += weight * card[v]
        order.append(v)
        for u in nb:
            others = neighbours[u]
            others.discard(v)
            others.update(nb)
            others.discard(u)
        touched = set(nb)
        if two_steps:
            for u in nb:
                touched.update(neighbours[u])
        for u in touched:
            if u in current:
                current[u] = score(u, neighbours)
                heapq.heappush(heap, (current[u], rank[u], u))
    return order, cost


def cheapest_order(
    scopes: Sequence[Sequence[str]],
    hidden: Sequence[str],
    card: Mapping[str, int],
    *,
    check: Callable[[set[str], int], None] | None = None,
) -> list[str]:
    """The cheapest, by the cost :func:`greedy_order` reports, of the heuristics' orders.

    Introduced in chapter 4, Bayesian networks. Min-weight comes first (``check`` applies
    to it, so an intractable query is refused as soon as its first too-large table appears);
    when its order is already cheap (below ``CHEAP_ENOUGH`` entries) the others are not
    tried, since the search would cost more than it could save. Another heuristic's order
    replaces it only if it is cheaper and passes ``check`` too.
    """
    best, best_cost = greedy_order(scopes, hidden, card, "min_weight", check=check)
    if best_cost <= CHEAP_ENOUGH:
        return best
    # weighted_min_fill is left out: its score costs a Python loop per pair of neighbours,
    # more planning time than its orders saved over min_fill's on the bnlearn networks.
    for heuristic in ("min_neighbours", "min_fill"):
        order, cost = greedy_order(scopes, hidden, card, heuristic)
        if cost < best_cost:
            if check is not None:
                try:
                    greedy_order(scopes, hidden, card, heuristic, check=check)
                except ValueError:
                    continue
            best, best_cost = order, cost
    return best
