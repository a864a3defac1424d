"""Algorithms on directed graphs given as ``parents[node] -> parents of node`` (private).

Shared by :class:`dgm_utils.bayesnet.BayesianNetwork` and :func:`dgm_utils.plotting.draw_dag`,
so that there is one implementation of each: children, topological order, cycle search,
ancestors and descendants, directed paths, d-separation (reachability along active trails)
and the layering that ``draw_dag`` draws. Nodes are hashable names; every node is a key of
``parents``, and ``children`` is the reverse mapping made by :func:`children_of`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence

Parents = Mapping[str, Sequence[str]]


def children_of(parents: Parents) -> dict[str, list[str]]:
    """Each node's children, in the order of the keys of ``parents``."""
    children: dict[str, list[str]] = {v: [] for v in parents}
    for v, pa in parents.items():
        for p in pa:
            children[p].append(v)
    return children


def topological_order(parents: Parents, children: Mapping[str, Sequence[str]]) -> list[str]:
    """Kahn's algorithm; among the nodes ready at each step, the first in key order.

    Assumes the graph is acyclic (check with :func:`find_cycle`).
    """
    index = {v: j for j, v in enumerate(parents)}
    indegree = {v: len(pa) for v, pa in parents.items()}
    ready = [index[v] for v, d in indegree.items() if d == 0]
    nodes = list(parents)
    order: list[str] = []
    while ready:
        v = nodes[heapq.heappop(ready)]
        order.append(v)
        for c in children[v]:
            indegree[c] -= 1
            if indegree[c] == 0:
                heapq.heappush(ready, index[c])
    return order


def find_cycle(parents: Parents, children: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A directed cycle as ``[a, b, ..., a]`` following edges parent -> child, or None."""
    state = dict.fromkeys(parents, 0)  # 0 unvisited, 1 on the current path, 2 done
    for root in parents:
        if state[root]:
            continue
        path = [root]
        iters = [iter(children[root])]
        state[root] = 1
        while iters:
            nxt = next(iters[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iters.pop()
            elif state[nxt] == 1:
                return [*path[path.index(nxt) :], nxt]
            elif state[nxt] == 0:
                state[nxt] = 1
                path.append(nxt)
                iters.append(iter(children[nxt]))
    return None


def _reachable(neighbours: Mapping[str, Sequence[str]], start: Iterable[str]) -> set[str]:
    """The nodes one or more steps away from ``start`` along ``neighbours``."""
    seen: set[str] = set()
    stack = list(start)
    while stack:
        for u in neighbours[stack.pop()]:
            if u not in seen:
                seen.add(u)
                stack.append(u)
    return seen


def ancestors(parents: Parents, vs: Iterable[str]) -> set[str]:
    """The nodes vs and all their ancestors."""
    vs = set(vs)
    return vs | _reachable(parents, vs)


def descendants(children: Mapping[str, Sequence[str]], v: str) -> set[str]:
    """The nodes reachable from v along directed edges (v itself only on a cycle)."""
    return _reachable(children, [v])


def directed_path(
    children: Mapping[str, Sequence[str]], source: str, target: str
) -> list[str] | None:
    """A directed path ``[source, ..., target]``, or None."""
    previous = {source: None}
    stack = [source]
    while stack:
        v = stack.pop()
        if v == target:
            path = [v]
            while previous[path[-1]] is not None:
                path.append(previous[path[-1]])
            return path[::-1]
        for c in children[v]:
            if c not in previous:
                previous[c] = v
                stack.append(c)
    return None


def reachable(
    parents: Parents,
    children: Mapping[str, Sequence[str]],
    sources: Iterable[str],
    given: Iterable[str],
) -> set[str]:
    """Unobserved nodes joined to a source by an active trail given ``given``.

    The "reachable" (Bayes-ball) algorithm of Koller & Friedman (2009, Algorithm 3.1): a trail
    is active through a collider only if the collider or one of its descendants is observed,
    and through any other node only if that node is unobserved.
    """
    given = set(given)
    observed_or_ancestor = ancestors(parents, given)
    # "up": arrived from a child (or start); "down": arrived from a parent.
    to_visit = [(x, "up") for x in sources]
    visited: set[tuple[str, str]] = set()
    result: set[str] = set()
    while to_visit:
        v, direction = to_visit.pop()
        if (v, direction) in visited:
            continue
        visited.add((v, direction))
        if v not in given:
            result.add(v)
        if direction == "up" and v not in given:
            to_visit += [(p, "up") for p in parents[v]]
            to_visit += [(c, "down") for c in children[v]]
        elif direction == "down":
            if v not in given:  # chain: pass on to the children
                to_visit += [(c, "down") for c in children[v]]
            if v in observed_or_ancestor:  # collider with observed descendant: active
                to_visit += [(p, "up") for p in parents[v]]
    return result


def layers(parents: Parents, order: Sequence[str]) -> dict[str, int]:
    """Each node's depth: 0 for a root, else one more than its deepest parent.

    ``order`` is a topological order of the nodes, so every edge goes from a lower layer to a
    strictly higher one.
    """
    depth: dict[str, int] = {}
    for v in order:
        depth[v] = 1 + max((depth[p] for p in parents[v]), default=-1)
    return depth
