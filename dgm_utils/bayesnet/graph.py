"""Directed acyclic graphs: the structure of a Bayesian network.

Introduced in chapter 4, Bayesian networks. :class:`DAG` holds each node's parents (in the
order of its CPT's axes, hence lists, never sets) and answers questions about the graph
alone: topological order, d-separation, local independencies. The algorithms are
networkx's; :class:`~dgm_utils.bayesnet.model.BayesianNetwork` adds the CPTs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import networkx as nx

from .._validation import describe
from ..joint_table import check_disjoint


class DAG:
    """A directed acyclic graph given by each node's parents (pgmpy's ``DAG``).

    Introduced in chapter 4, Bayesian networks.

    Parameters
    ----------
    parents : dict of str -> list of str
        Each node's parents. Every node is a key, including nodes without parents
        (``parents["D"] = []``); the order of the keys is the order of ``nodes``.

    Raises
    ------
    TypeError
        If ``parents`` is not a dict, a name is not a string, or a node's parents are given
        as a set (their order is the order of the CPT's axes; a set's order is arbitrary).
    ValueError
        If a parent is unknown, named twice, or the graph has a directed cycle (named).
    """

    def __init__(self, parents: Mapping[str, Sequence[str]]):
        self._parents = _check_graph(parents)
        self._nodes = list(self._parents)
        self._index = {v: j for j, v in enumerate(self._nodes)}
        self._graph = nx.DiGraph()
        self._graph.add_nodes_from(self._nodes)
        self._graph.add_edges_from((p, v) for v, pa in self._parents.items() for p in pa)
        if not nx.is_directed_acyclic_graph(self._graph):
            cycle = [u for u, _ in nx.find_cycle(self._graph)]
            cycle.append(cycle[0])
            raise ValueError(
                f"The graph has a directed cycle: {' -> '.join(cycle)}. A Bayesian network needs a "
                "directed acyclic graph (otherwise the product of CPDs need not sum to 1); "
                f"remove one of these edges, e.g. {cycle[-2]!r} from parents[{cycle[-1]!r}]."
            )
        self._order = list(nx.lexicographical_topological_sort(self._graph, key=self._index.get))

    @property
    def nodes(self) -> list[str]:
        """The variables, in the order given (the column order of samples)."""
        return list(self._nodes)

    @property
    def parents(self) -> dict[str, list[str]]:
        """Each node's parents, in the order of its CPT's axes."""
        return {v: list(pa) for v, pa in self._parents.items()}

    def topological_order(self) -> list[str]:
        """The nodes with every parent before its children (ties broken by ``nodes`` order).

        Introduced in chapter 4, Bayesian networks.
        """
        return list(self._order)

    def to_networkx(self) -> nx.DiGraph:
        """The graph as a ``networkx.DiGraph`` (a copy; nodes in ``nodes`` order).

        Introduced in chapter 4, Bayesian networks.
        """
        return self._graph.copy()

    def __repr__(self) -> str:
        shown = [
            v + (f"({', '.join(self._parents[v])})" if self._parents[v] else "")
            for v in self._nodes[:12]
        ]
        more = f", ... ({len(self._nodes) - 12} more)" if len(self._nodes) > 12 else ""
        return f"{type(self).__name__}({len(self._nodes)} nodes: {', '.join(shown)}{more})"

    def _check_variable(self, v, what: str = "variable") -> str:
        if not isinstance(v, str):
            raise TypeError(f"{what} must be a variable name (str), got {describe(v)} {v!r}.")
        if v not in self._index:
            raise ValueError(f"Unknown variable {v!r}; known variables: {self._nodes}.")
        return v

    def _check_variables(self, vs, what: str, *, ordered: bool = False) -> list[str]:
        if isinstance(vs, str):
            vs = [vs]
        if ordered and isinstance(vs, (set, frozenset, Mapping)):
            raise TypeError(
                f"{what} must be a list or tuple of names, got {describe(vs)}: its order fixes "
                f"the axes of the result, and a {type(vs).__name__}'s order is arbitrary."
            )
        if not isinstance(vs, Iterable):
            raise TypeError(
                f"{what} must be a variable name or a list of names, got {describe(vs)}."
            )
        vs = [self._check_variable(v, what) for v in vs]
        if len(set(vs)) != len(vs):
            raise ValueError(f"{what} names a variable twice: {vs}.")
        return vs

    def is_d_separated(
        self, xs: str | Iterable[str], ys: str | Iterable[str], given: str | Iterable[str] = ()
    ) -> bool:
        """Whether xs and ys are d-separated given ``given`` in the graph.

        Introduced in chapter 4, Bayesian networks. d-separation implies conditional
        independence in every distribution that factorises along the graph. A trail is
        active through a collider only if the collider or one of its descendants is observed,
        and through any other node only if that node is unobserved; networkx's
        ``is_d_separator`` decides whether any trail from xs to ys is active.

        Parameters
        ----------
        xs, ys : str or iterable of str
            Two disjoint, non-empty sets of variables.
        given : str or iterable of str, default ()
            The observed variables, disjoint from xs and ys.

        Returns
        -------
        bool
        """
        xs, ys, given = self._check_sets(xs, ys, given)
        return nx.is_d_separator(self._graph, set(xs), set(ys), set(given))

    def _check_sets(self, xs, ys, given) -> tuple[list[str], list[str], list[str]]:
        return check_disjoint(
            self._check_variables(xs, "xs"),
            self._check_variables(ys, "ys"),
            self._check_variables(given, "given"),
        )

    def local_independencies(self) -> list[tuple[str, list[str], list[str]]]:
        """The local Markov statements: each node is independent of its non-descendants
        (other than its parents) given its parents.

        Introduced in chapter 4, Bayesian networks.

        Returns
        -------
        statements : list of (node, non_descendants, parents)
            In topological order; nodes whose non-descendants are all parents are left out.
        """
        result = []
        for v in self._order:
            descendants = nx.descendants(self._graph, v)
            others = [
                u
                for u in self._order
                if u != v and u not in descendants and u not in self._parents[v]
            ]
            if others:
                result.append((v, others, list(self._parents[v])))
        return result


def _check_graph(parents) -> dict[str, tuple[str, ...]]:
    if not isinstance(parents, Mapping):
        raise TypeError(
            f"parents must be a dict of node -> list of parent names, got {describe(parents)}."
        )
    if not parents:
        raise ValueError("parents is empty; a network needs at least one node.")
    graph: dict[str, tuple[str, ...]] = {}
    for v, pa in parents.items():
        if not isinstance(v, str):
            raise TypeError(f"Node names must be strings, got {describe(v)} {v!r}.")
        if isinstance(pa, (set, frozenset)):
            raise TypeError(
                f"parents[{v!r}] must be a list or tuple of parent names, got a "
                f"{type(pa).__name__} {sorted(pa)!r}: the order of the parents fixes the order "
                f"of the axes of the CPT of {v!r}, and a set's order changes from run to run. "
                f"Write parents[{v!r}] = {sorted(pa)!r} (in your CPT's axis order)."
            )
        if isinstance(pa, str) or not isinstance(pa, Iterable):
            raise TypeError(
                f"parents[{v!r}] must be a list of parent names, got {describe(pa)} {pa!r}. "
                f"For a single parent write [{pa!r}]; for none, []."
                if isinstance(pa, str)
                else f"parents[{v!r}] must be a list of parent names, got {describe(pa)}."
            )
        pa = tuple(pa)
        for p in pa:
            if not isinstance(p, str):
                raise TypeError(f"Parent names must be strings; parents[{v!r}] contains {p!r}.")
        if len(set(pa)) != len(pa):
            raise ValueError(f"parents[{v!r}] names a parent twice: {list(pa)}.")
        graph[v] = pa
    for v, pa in graph.items():
        for p in pa:
            if p not in graph:
                raise ValueError(
                    f"Unknown parent {p!r} of {v!r}; known variables: {list(graph)}. Every node, "
                    f"even one without parents, needs an entry (parents[{p!r}] = [])."
                )
    return graph
