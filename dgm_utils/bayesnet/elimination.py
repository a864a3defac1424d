"""Exact inference by variable elimination (pgmpy's ``VariableElimination``).

Introduced in chapter 4, Bayesian networks. A query p(variables | evidence) is answered in
two stages. *Planning* looks at the graph only: the nodes that cannot change the answer are
dropped, an elimination order is chosen (:mod:`dgm_utils.bayesnet.ordering`) and turned into
a list of ``numpy.einsum`` calls; plans are cached per (query, observed variables).
*Execution* fixes the evidence in the CPTs and runs the einsum calls.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from .._validation import _format_bytes
from .ordering import cheapest_order

if TYPE_CHECKING:
    from .model import BayesianNetwork

#: Variable elimination refuses a query whose largest intermediate factor would take more
#: than this many bytes (float64 entries), before computing anything.
MAX_FACTOR_BYTES = 2**28
#: np.einsum takes at most this many distinct labels and (safely) this many operands.
_MAX_LABELS = 52
_MAX_OPERANDS = 32
#: A new factor whose largest entry is below this is divided by it (a pass over the table
#: that larger factors skip): far above float64's smallest normal number, 2.2e-308.
_RESCALE_BELOW = 1e-100
#: Forward samples tried to show that a part d-separated from the query has evidence of
#: positive probability, before summing it exactly.
_CERTIFICATE_SAMPLES = 16
#: Below this many entries (the product of all of a step's variables' cardinalities), one
#: pass of np.einsum beats the Python cost of finding a pairwise contraction path.
_PATH_MIN_ENTRIES = 100_000


class VariableElimination:
    """Variable elimination on a :class:`~dgm_utils.bayesnet.model.BayesianNetwork`.

    Introduced in chapter 4, Bayesian networks. ``net.query(variables, evidence)`` uses one
    of these; make your own to plan afresh for every call (``cache_plans=False``, as a
    benchmark of first calls does).

    Parameters
    ----------
    net : BayesianNetwork
    cache_plans : bool, default True
        Keep each plan for the next query over the same variables with the same observed
        variables (whatever their observed values).

    Examples
    --------
    >>> from dgm_utils.bayesnet import VariableElimination, student_network
    >>> VariableElimination(student_network()).query(["G"], {"I": "high"}).round(3)
    array([0.74 , 0.168, 0.092])
    """

    def __init__(self, net: BayesianNetwork, *, cache_plans: bool = True):
        self.net = net
        self.cache_plans = bool(cache_plans)
        self._cpts = net.cpts
        self._card = net.cardinality
        self._order = net.topological_order()
        self._family = {v: (*pa, v) for v, pa in net.parents.items()}
        self._graph = net.to_networkx()
        self._has_zero = {v: not cpt.all() for v, cpt in self._cpts.items()}
        self._plans: dict[tuple, _Plan] = {}

    def query(self, variables: Sequence[str], evidence: Mapping | None = None) -> np.ndarray:
        """p(variables | evidence); see :meth:`~dgm_utils.bayesnet.model.BayesianNetwork.query` (same checks and errors).

        Introduced in chapter 4, Bayesian networks.
        """
        variables, evidence = self.net.check_query(variables, evidence)
        return self.net.normalise(self.unnormalised(variables, evidence), evidence)

    def unnormalised(self, variables: list[str], evidence: dict[str, int]) -> np.ndarray:
        """A table proportional to p(variables, evidence), all zeros if the evidence is
        impossible. ``variables`` and ``evidence`` (state indices) must be checked already
        (:meth:`~dgm_utils.bayesnet.model.BayesianNetwork.check_query`).

        Introduced in chapter 4, Bayesian networks.
        """
        plan = self._plan(tuple(variables), frozenset(evidence))
        zeros = np.zeros([self._card[v] for v in variables])
        for part in plan.checks:  # parts d-separated from the query, which may vanish
            if self._positive_somewhere(part, evidence):
                continue
            scopes = {v: tuple(u for u in self._family[v] if u not in evidence) for v in part}
            if self._run(self._build(part, scopes, evidence, ()), evidence) is None:
                return zeros
        table = self._run(plan, evidence)
        return zeros if table is None else table

    def _run(self, plan: _Plan, evidence: Mapping[str, int]) -> np.ndarray | None:
        """The plan's last factor, or None when a factor vanishes (impossible evidence)."""
        # One factor per node of the plan: its CPT with the observed axes fixed to their states.
        factors = []
        for v in plan.nodes:
            factor = self._cpts[v][tuple(evidence.get(u, slice(None)) for u in self._family[v])]
            if v in evidence:  # a likelihood column p(x_v | parents): may be small everywhere
                scale = factor.max(initial=0.0)
                if scale == 0.0:
                    return None
                factor = factor / scale
            factors.append(factor)
        for operands, out, path in plan.steps:
            args = [a for slot, labels in operands for a in (factors[slot], labels)]
            result = np.einsum(*args, out, optimize=path)
            # Rescaling a new factor by its maximum once it gets small keeps long products
            # from underflowing; constants cancel in the final normalisation.
            scale = result.max(initial=0.0)
            if scale == 0.0:
                return None
            factors.append(result / scale if scale < _RESCALE_BELOW else result)
        return factors[-1]

    def _positive_somewhere(self, nodes: list[str], evidence: Mapping[str, int]) -> bool:
        """Whether one of a few forward samples of the unobserved ``nodes`` (in topological
        order, the observed ones clamped) gives the evidence positive probability: a proof
        that the part's constant is positive, found at the cost of a few table lookups
        (likelihood weighting, with a fixed seed so that answers do not vary). False proves
        nothing: the part is then summed exactly."""
        rng = np.random.default_rng(0)
        state = {v: np.full(_CERTIFICATE_SAMPLES, s) for v, s in evidence.items()}
        alive = np.ones(_CERTIFICATE_SAMPLES, dtype=bool)
        for v in nodes:  # plan.nodes are in topological order
            rows = self._cpts[v][tuple(state[u] for u in self._family[v][:-1])]
            rows = np.broadcast_to(rows, (_CERTIFICATE_SAMPLES, rows.shape[-1]))
            if v in evidence:
                alive &= rows[np.arange(_CERTIFICATE_SAMPLES), evidence[v]] > 0
            else:
                u = rng.random(_CERTIFICATE_SAMPLES)[:, None]
                state[v] = np.minimum(
                    (u >= np.cumsum(rows, axis=-1)).sum(axis=-1), rows.shape[-1] - 1
                )
            if not alive.any():
                return False
        return True

    def _plan(self, variables: tuple[str, ...], observed: frozenset[str]) -> _Plan:
        key = (variables, observed)
        if key in self._plans:
            return self._plans[key]
        # Nodes that are not ancestors of a query or evidence variable sum out to 1 (barren).
        ancestral = set(variables) | observed
        for v in (*variables, *observed):
            ancestral |= nx.ancestors(self._graph, v)
        scopes = {
            v: tuple(u for u in self._family[v] if u not in observed)
            for v in self._order
            if v in ancestral
        }
        # A factor not joined to the query by a chain of factors sharing unobserved variables
        # contributes a constant, which cancels on normalising: these are the factors of the
        # nodes d-separated from the query given the evidence (Lauritzen's criterion:
        # separation in the moral graph of the ancestral set once the evidence is removed,
        # the factors' scopes being its cliques). pgmpy drops them. The constant of such a
        # part is p(its evidence), though, and when that is zero the query must be refused,
        # as enumeration refuses it. A part whose CPTs have no zero entry has a positive
        # constant and is dropped; any other part gets a plan of its own (it shares no
        # unobserved variable with the query, so its tables never meet the query's), run
        # unless a forward sample already shows its evidence possible.
        parts = _connected_parts(scopes, variables)
        plan = self._build(parts[0], scopes, observed, variables)
        plan.checks = [part for part in parts[1:] if self._may_vanish(part)]
        if self.cache_plans:
            self._plans[key] = plan
        return plan

    def _build(self, nodes, scopes, observed, variables) -> _Plan:
        """The einsum steps that sum the factors of ``nodes`` down to a table over
        ``variables``."""
        relevant = [scopes[v] for v in nodes]
        hidden = [v for v in nodes if v not in observed and v not in variables]
        builder = _PlanBuilder(relevant, self._card)
        for v in cheapest_order(relevant, hidden, self._card, check=self._check_size):
            slots = sorted(builder.where[v])
            union = tuple(dict.fromkeys(u for s in slots for u in builder.live[s]))
            builder.emit(slots, tuple(u for u in union if u != v))
        builder.emit(sorted(builder.live), tuple(variables))
        return _Plan(nodes, builder.steps)

    def _may_vanish(self, part: Iterable[str]) -> bool:
        return any(self._has_zero[v] for v in part)

    def _check_size(self, scope: Iterable[str], size: int) -> None:
        check_factor_size(scope, self._card, size)


def _connected_parts(
    scopes: Mapping[str, tuple[str, ...]], variables: Sequence[str]
) -> list[list[str]]:
    """The keys of ``scopes`` grouped by the connected parts of the bipartite graph of
    factors and the variables they share: the query's part first, each part in key order."""
    graph = nx.Graph()
    graph.add_nodes_from((0, v) for v in scopes)  # (0, v): the factor of node v
    graph.add_edges_from(((0, v), (1, u)) for v, scope in scopes.items() for u in scope)
    graph.add_nodes_from((1, u) for u in variables)  # (1, u): variable u
    main = set().union(*(nx.node_connected_component(graph, (1, u)) for u in variables))
    parts = [[v for v in scopes if (0, v) in main]]
    seen = set(parts[0])
    for v in scopes:
        if v not in seen:
            component = nx.node_connected_component(graph, (0, v))
            parts.append([w for w in scopes if (0, w) in component])
            seen.update(parts[-1])
    return parts


class _Plan:
    """A variable-elimination plan: the nodes whose CPTs enter, the einsum steps, and the
    nodes of each part d-separated from the query whose constant may be zero (planned only
    when a forward sample does not show it positive)."""

    __slots__ = ("checks", "nodes", "steps")

    def __init__(self, nodes: list[str], steps: list):
        self.nodes = nodes
        self.steps = steps
        self.checks: list[list[str]] = []


class _PlanBuilder:
    """Records einsum steps over factor slots, with per-step integer labels (< 52)."""

    def __init__(self, scopes: list[tuple[str, ...]], card: Mapping[str, int]):
        self.live = dict(enumerate(scopes))
        self.card = card
        # Which live slots hold each variable: the factors that eliminating it multiplies.
        self.where: dict[str, set[int]] = {}
        for slot, scope in self.live.items():
            for u in scope:
                self.where.setdefault(u, set()).add(slot)
        self.next_slot = len(scopes)
        self.steps: list = []

    def emit(self, slots: list[int], out: tuple[str, ...]) -> None:
        while len(slots) > _MAX_OPERANDS:  # np.einsum takes a bounded number of operands
            group, slots = slots[:_MAX_OPERANDS], slots[_MAX_OPERANDS:]
            union = tuple(dict.fromkeys(u for s in group for u in self.live[s]))
            slots.append(self._record(group, union))
        self._record(slots, out)

    def _record(self, slots: list[int], out: tuple[str, ...]) -> int:
        check_factor_size(out, self.card)
        names = list(dict.fromkeys([*(u for s in slots for u in self.live[s]), *out]))
        if len(names) > _MAX_LABELS:
            raise ValueError(
                f"Variable elimination would build a factor over {len(names)} variables; exact "
                "inference is intractable for this network and query."
            )
        label = {u: i for i, u in enumerate(names)}
        operands = []
        for s in slots:
            scope = self.live.pop(s)
            for u in scope:
                self.where[u].discard(s)
            operands.append((s, [label[u] for u in scope]))
        out_labels = [label[u] for u in out]
        self.steps.append((operands, out_labels, self._path(operands, names, out_labels)))
        slot = self.next_slot
        self.live[slot] = out
        for u in out:
            self.where[u].add(slot)
        self.next_slot += 1
        return slot

    def _path(self, operands: list, names: list[str], out: list[int]):
        """``False`` (one pass of np.einsum over all the labels) for a small step; for a
        large one, the pairwise contraction order numpy's ``einsum_path`` finds, which sums
        each variable out as soon as it can and multiplies with BLAS where a pair allows it
        (opt_einsum's greedy search, as numpy ships it)."""
        size = math.prod(self.card[u] for u in names)
        if len(operands) < 2 or size < _PATH_MIN_ENTRIES:
            return False
        shapes = [[self.card[names[i]] for i in labels] for _, labels in operands]
        dummies = [np.broadcast_to(np.float64(0), shape) for shape in shapes]
        args = [a for d, (_, labels) in zip(dummies, operands, strict=True) for a in (d, labels)]
        return np.einsum_path(*args, out, optimize=("greedy", MAX_FACTOR_BYTES // 8))[0]


def check_factor_size(
    scope: Iterable[str], card: Mapping[str, int], size: int | None = None
) -> None:
    """Refuse a factor whose float64 table would exceed ``MAX_FACTOR_BYTES``.

    Introduced in chapter 4, Bayesian networks.

    Raises
    ------
    ValueError
        With the factor's variables, its size in entries and bytes, and what to do instead.
    """
    if size is None:
        size = math.prod(card[u] for u in scope)
    if size * 8 <= MAX_FACTOR_BYTES:
        return
    scope = list(scope)
    shown = ", ".join(scope[:8]) + (f", ... ({len(scope) - 8} more)" if len(scope) > 8 else "")
    raise ValueError(
        f"Exact inference would build an intermediate factor over {len(scope)} variables "
        f"({shown}) with {size:.3g} entries, {_format_bytes(size * 8)} as float64, above the "
        f"memory budget of {_format_bytes(MAX_FACTOR_BYTES)} "
        "(dgm_utils.bayesnet.elimination.MAX_FACTOR_BYTES). Variable elimination costs memory "
        "exponential in the width of its elimination order (at least the treewidth of the "
        "moralised network, once the evidence and the nodes irrelevant to the query are "
        "removed), and this query's is too large. Query fewer variables together, observe "
        "variables that cut the network apart, or estimate the answer by sampling."
    )
