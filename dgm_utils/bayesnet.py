"""Bayesian networks over discrete variables: a DAG and one conditional probability table per node.

Introduced in chapter 4, Bayesian networks. The joint distribution factorises along the graph,

.. math:: p(x_1, \\dots, x_n) = \\prod_i p(x_i \\mid x_{\\mathrm{pa}(i)}),

and everything here (sampling, exact inference, d-separation, parameter counts) works from
that factorisation. The nouns follow pgmpy (``BayesianNetwork``, CPT, ``query(variables,
evidence)``); a CPT is an array of shape ``(*parent_cards, child_card)`` whose last axis sums
to 1.
"""

from __future__ import annotations

import heapq
import itertools
import math
import numbers
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from . import _graph
from ._validation import (
    as_float_array,
    check_float,
    check_int,
    check_rng,
    check_sample_size,
    describe,
)

__all__ = ["BayesianNetwork", "random_network", "student_network"]

#: Enumeration visits every joint assignment of the non-evidence variables; above this many
#: it refuses (variable elimination answers the same query exactly).
ENUMERATION_LIMIT = 2**22
#: Variable elimination refuses a query whose largest intermediate factor would take more
#: than this many bytes (float64 entries), before computing anything.
MAX_FACTOR_BYTES = 2**28
_METHODS = ("variable_elimination", "enumeration")
#: np.einsum takes at most this many distinct labels and (safely) this many operands.
_MAX_LABELS = 52
_MAX_OPERANDS = 32
#: Samples drawn per block: the working columns of one block stay in the CPU cache.
_SAMPLE_BLOCK = 1 << 15
_ROW_ATOL = 1e-6


def _fmt_sum(s: float) -> str:
    text = f"{s:.2f}"
    return text if text != "1.00" else f"{s:.8f}".rstrip("0")


class BayesianNetwork:
    """A Bayesian network over discrete variables: a DAG plus one CPT per node.

    Introduced in chapter 4, Bayesian networks. The network is immutable: build a new one
    (e.g. with :meth:`add_edge`, or from ``net.parents`` and a changed ``net.cpts``) to change it.

    Parameters
    ----------
    parents : dict of str -> list of str
        The graph: each node's parents, in the order of its CPT's axes. Every node is a key,
        including nodes without parents (``parents["D"] = []``); the order of the keys is the
        order of :attr:`nodes` and of the columns of :meth:`sample` and :meth:`log_prob`.
    cpts : dict of str -> array of shape ``(*[card(p) for p in parents[node]], card(node))``
        ``cpts[node][pa_1, ..., pa_k, x]`` is ``p(node = x | parents = (pa_1, ..., pa_k))``:
        non-negative, and summing to 1 along the last axis (to within 1e-6; rows are then
        renormalised exactly). The last axis fixes the node's number of states.
    states : dict of str -> list, optional
        Names of the states of some or all nodes (e.g. ``{"G": ["A", "B", "C"]}``). Where
        given, values may be given by name or by index; state names take precedence.

    Raises
    ------
    TypeError
        If ``parents``, ``cpts`` or ``states`` are not dicts, names are not strings, or a
        CPT does not hold numbers.
    ValueError
        If a parent is unknown, the graph has a directed cycle (named in the message), a CPT
        is missing or has the wrong shape (the expected shape is given), has negative
        entries, or has a row that does not sum to 1 (the row and its sum are given).

    Examples
    --------
    >>> net = BayesianNetwork(
    ...     {"Rain": [], "WetGrass": ["Rain"]},
    ...     {"Rain": [0.8, 0.2], "WetGrass": [[0.9, 0.1], [0.2, 0.8]]},
    ... )
    >>> net
    BayesianNetwork(2 nodes: Rain, WetGrass(Rain))
    >>> net.query("Rain", evidence={"WetGrass": 1}).round(3)
    array([0.333, 0.667])
    """

    def __init__(
        self,
        parents: Mapping[str, Sequence[str]],
        cpts: Mapping[str, np.ndarray],
        states: Mapping[str, Sequence] | None = None,
    ):
        self._parents = _check_graph(parents)
        self._nodes = list(self._parents)
        self._index = {v: j for j, v in enumerate(self._nodes)}
        self._children = _graph.children_of(self._parents)
        cycle = _graph.find_cycle(self._parents, self._children)
        if cycle is not None:
            raise ValueError(
                f"The graph has a directed cycle: {' -> '.join(cycle)}. A Bayesian network needs a "
                "directed acyclic graph (otherwise the product of CPDs need not sum to 1); "
                f"remove one of these edges, e.g. {cycle[-2]!r} from parents[{cycle[-1]!r}]."
            )
        self._order = _graph.topological_order(self._parents, self._children)
        self._states = self._check_states(states, cpts)
        self._cpts, self._card = self._check_cpts(cpts)
        self._plans: dict[tuple, _Plan] = {}
        self._prepare_tables()

    # ------------------------------------------------------------------ construction checks

    def _check_states(self, states, cpts) -> dict[str, list | None]:
        result: dict[str, list | None] = dict.fromkeys(self._nodes)
        if states is None:
            return result
        if not isinstance(states, Mapping):
            raise TypeError(
                f"states must be a dict of node -> list of state names, got {describe(states)}."
            )
        for node, names in states.items():
            if node not in self._index:
                raise ValueError(
                    f"states names an unknown variable {node!r}; known variables: {self._nodes}."
                )
            if isinstance(names, str) or not isinstance(names, Iterable):
                raise TypeError(
                    f"states[{node!r}] must be a list of state names, got {describe(names)}."
                )
            names = list(names)
            if len(set(names)) != len(names):
                raise ValueError(f"states[{node!r}] has repeated names: {names}.")
            result[node] = names
        return result

    def _check_cpts(self, cpts) -> tuple[dict[str, np.ndarray], dict[str, int]]:
        if not isinstance(cpts, Mapping):
            raise TypeError(f"cpts must be a dict of node -> array, got {describe(cpts)}.")
        unknown = [v for v in cpts if v not in self._index]
        if unknown:
            raise ValueError(
                f"cpts has an entry for unknown variable {unknown[0]!r}; known variables: "
                f"{self._nodes}. Add it to parents (parents[{unknown[0]!r}] = [...]) first."
            )
        missing = [v for v in self._nodes if v not in cpts]
        if missing:
            raise ValueError(
                f"No CPT for {missing[0]!r}: every node needs cpts[{missing[0]!r}] of shape "
                "(*parent cardinalities, own cardinality)."
            )
        arrays: dict[str, np.ndarray] = {}
        for v in self._nodes:
            raw = cpts[v]
            arr = as_float_array(raw, f"CPT for {v!r}")
            if arr.ndim == 0 or arr.shape[-1] == 0:
                raise ValueError(
                    f"CPT for {v!r} has shape {arr.shape}; the last axis must list {v}'s states."
                )
            arrays[v] = arr
        card = {v: int(arrays[v].shape[-1]) for v in self._nodes}
        for v, names in self._states.items():
            if names is not None and len(names) != card[v]:
                raise ValueError(
                    f"states[{v!r}] lists {len(names)} states {names}, but the CPT of {v!r} has "
                    f"{card[v]} along its last axis."
                )
        checked: dict[str, np.ndarray] = {}
        for v in self._nodes:
            arr, pa = arrays[v], self._parents[v]
            expected = (*(card[p] for p in pa), card[v])
            if arr.shape != expected:
                axes = ", ".join(pa)
                layout = f"one axis per parent ({axes}), then" if pa else "a root node has only"
                raise ValueError(
                    f"CPT for {v!r} has shape {arr.shape}; expected {expected}: {layout} "
                    f"{v}'s own {card[v]} states."
                )
            if not np.isfinite(arr).all():
                where = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
                raise ValueError(
                    f"CPT for {v!r} contains NaN or infinite values, first at "
                    f"{self._label(pa + (v,), where)}."
                )
            if (arr < 0).any():
                where = tuple(int(i) for i in np.argwhere(arr < 0)[0])
                raise ValueError(
                    f"CPT for {v!r} has a negative entry {arr[where]:.3g} at "
                    f"{self._label(pa + (v,), where)}; probabilities are non-negative."
                )
            sums = arr.sum(axis=-1)
            bad = np.abs(sums - 1.0) > _ROW_ATOL
            if bad.any():
                row = tuple(int(i) for i in np.argwhere(bad)[0])
                which = f"the row for {self._label(pa, row)}" if pa else "its only row"
                raise ValueError(
                    f"CPT for {v!r} is not normalised: {which} sums to {_fmt_sum(sums[row])}, "
                    f"expected 1. The child's states lie along the last axis."
                )
            arr = arr / sums[..., None]
            arr.setflags(write=False)
            checked[v] = arr
        return checked, card

    def _label(self, variables: Sequence[str], index: Sequence[int]) -> str:
        """``(D=hard, I=low)``: an index into a CPT, in the variables' state names."""
        parts = [f"{v}={self._state_name(v, i)}" for v, i in zip(variables, index, strict=True)]
        return "(" + ", ".join(parts) + ")"

    def _state_name(self, v: str, i: int):
        names = self._states[v]
        return names[i] if names is not None else i

    def _prepare_tables(self) -> None:
        """Flat tables for vectorised sampling and log-probabilities (column order = nodes)."""
        self._family = {v: (*self._parents[v], v) for v in self._nodes}
        self._flat_log = {}
        self._strides = {}
        self._cdf_cols = {}
        for v in self._nodes:
            cpt, pa = self._cpts[v], self._parents[v]
            # Row of the CPT for a parent assignment: a row-major index over the parents' states.
            strides = np.cumprod([1] + [self._card[p] for p in reversed(pa)])[:-1][::-1]
            self._strides[v] = [(self._index[p], int(s)) for p, s in zip(pa, strides, strict=True)]
            with np.errstate(divide="ignore"):
                self._flat_log[v] = np.log(cpt).ravel()
            cdf = np.cumsum(cpt.reshape(-1, self._card[v]), axis=1)
            cdf[:, -1] = 1.0  # so that u < 1 always falls in some state despite rounding
            self._cdf_cols[v] = [np.ascontiguousarray(cdf[:, s]) for s in range(self._card[v] - 1)]
        self._dtype = np.int8 if max(self._card.values()) <= 127 else np.int32

    # ------------------------------------------------------------------ basic properties

    @property
    def nodes(self) -> list[str]:
        """The variables, in the order given (the column order of samples)."""
        return list(self._nodes)

    @property
    def cardinality(self) -> dict[str, int]:
        """Number of states of each variable."""
        return dict(self._card)

    @property
    def parents(self) -> dict[str, list[str]]:
        """Each node's parents, in the order of its CPT's axes."""
        return {v: list(pa) for v, pa in self._parents.items()}

    @property
    def cpts(self) -> dict[str, np.ndarray]:
        """Each node's CPT (read-only arrays of shape ``(*parent_cards, card)``)."""
        return dict(self._cpts)

    @property
    def states(self) -> dict[str, list]:
        """The state names of each node (``[0, 1, ...]`` where none were given)."""
        return {
            v: list(n) if n is not None else list(range(self._card[v]))
            for v, n in self._states.items()
        }

    def topological_order(self) -> list[str]:
        """The nodes with every parent before its children (ties broken by ``nodes`` order).

        Introduced in chapter 4, Bayesian networks.
        """
        return list(self._order)

    def num_params(self) -> int:
        """Number of free parameters, sum over nodes of (card - 1) * prod(card of parents).

        Introduced in chapter 4, Bayesian networks. Each CPT row is a distribution over the
        node's states, so one entry of each row is fixed by the others. Exact (Python int).
        """
        return sum(
            (self._card[v] - 1) * math.prod(self._card[p] for p in self._parents[v])
            for v in self._nodes
        )

    def factorization(self) -> str:
        """The joint as a product of CPDs, e.g. ``P(D) P(I) P(G | D, I) P(S | I) P(L | G)``.

        Introduced in chapter 4, Bayesian networks. Factors appear in topological order.
        """
        return " ".join(_cpd_name(v, self._parents[v]) for v in self._order)

    def describe_cpt(self, node: str, decimals: int = 3) -> str:
        """The CPT of ``node`` as a text table: one row per parent assignment.

        Introduced in chapter 4, Bayesian networks.

        Parameters
        ----------
        node : str
        decimals : int, default 3

        Returns
        -------
        table : str
        """
        node = self._check_variable(node, "node")
        decimals = check_int(decimals, "decimals", minimum=0)
        pa = self._parents[node]
        cpt = self._cpts[node].reshape(-1, self._card[node])
        rows = [
            ", ".join(f"{p}={self._state_name(p, i)}" for p, i in zip(pa, idx, strict=True))
            for idx in itertools.product(*(range(self._card[p]) for p in pa))
        ]
        head = [f"{node}={self._state_name(node, s)}" for s in range(self._card[node])]
        width = max(len(_cpd_name(node, pa)), *(len(r) for r in rows))
        col = max(decimals + 3, *(len(h) for h in head))
        lines = [_cpd_name(node, pa).ljust(width) + "  " + "  ".join(h.rjust(col) for h in head)]
        for r, probs in zip(rows, cpt, strict=True):
            lines.append(
                r.ljust(width) + "  " + "  ".join(f"{q:.{decimals}f}".rjust(col) for q in probs)
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        shown = [
            v + (f"({', '.join(self._parents[v])})" if self._parents[v] else "")
            for v in self._nodes[:12]
        ]
        more = f", ... ({len(self._nodes) - 12} more)" if len(self._nodes) > 12 else ""
        return f"BayesianNetwork({len(self._nodes)} nodes: {', '.join(shown)}{more})"

    def add_edge(self, parent: str, child: str, cpt) -> BayesianNetwork:
        """A new network with the edge ``parent -> child`` and ``child``'s new CPT.

        Introduced in chapter 4, Bayesian networks.

        Parameters
        ----------
        parent, child : str
        cpt : array of shape ``(*old_parent_cards, card(parent), card(child))``
            The child's new CPT: ``parent`` becomes its last parent axis.

        Returns
        -------
        BayesianNetwork

        Raises
        ------
        ValueError
            If the edge exists already or would create a directed cycle (which is named).
        """
        parent = self._check_variable(parent, "parent")
        child = self._check_variable(child, "child")
        if parent in self._parents[child]:
            raise ValueError(f"The edge {parent} -> {child} is already in the network.")
        path = _graph.directed_path(self._children, child, parent)
        if path is not None:
            raise ValueError(
                f"Adding the edge {parent} -> {child} would create the cycle "
                f"{' -> '.join([*path, child])}."
            )
        parents = self.parents
        parents[child] = [*parents[child], parent]
        cpts = {**self._cpts, child: cpt}
        states = {v: n for v, n in self._states.items() if n is not None}
        return BayesianNetwork(parents, cpts, states)

    # ------------------------------------------------------------------ names and values

    def _check_variable(self, v, what: str = "variable") -> str:
        if not isinstance(v, str):
            raise TypeError(f"{what} must be a variable name (str), got {describe(v)} {v!r}.")
        if v not in self._index:
            raise ValueError(f"Unknown variable {v!r}; known variables: {self._nodes}.")
        return v

    def _check_variables(self, vs, what: str) -> list[str]:
        if isinstance(vs, str):
            vs = [vs]
        if not isinstance(vs, Iterable):
            raise TypeError(
                f"{what} must be a variable name or a list of names, got {describe(vs)}."
            )
        vs = [self._check_variable(v, what) for v in vs]
        if len(set(vs)) != len(vs):
            raise ValueError(f"{what} names a variable twice: {vs}.")
        return vs

    def _state_index(self, v: str, value) -> int:
        names = self._states[v]
        if names is not None and not isinstance(value, np.ndarray):
            try:
                if value in names:
                    return names.index(value)
            except TypeError:  # an unhashable or incomparable value: not a name
                pass
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            if 0 <= int(value) < self._card[v]:
                return int(value)
        known = (
            f"{names} or an index 0 to {self._card[v] - 1}"
            if names
            else (f"indices 0 to {self._card[v] - 1}")
        )
        raise ValueError(f"Unknown state {value!r} for {v!r}; known states: {known}.")

    def _check_evidence(self, evidence) -> dict[str, int]:
        if evidence is None:
            return {}
        if not isinstance(evidence, Mapping):
            raise TypeError(
                f"evidence must be a dict of variable -> state (e.g. {{'G': 0}}), got "
                f"{describe(evidence)}."
            )
        return {
            self._check_variable(v, "evidence"): self._state_index(v, s)
            for v, s in evidence.items()
        }

    def _describe_evidence(self, evidence: Mapping[str, int]) -> str:
        return ", ".join(f"{v}={self._state_name(v, s)}" for v, s in evidence.items())

    # ------------------------------------------------------------------ probabilities

    def joint_prob(self, assignment: Mapping) -> float:
        """Probability of one full assignment: the product of one entry of each CPT.

        Introduced in chapter 4, Bayesian networks.

        Parameters
        ----------
        assignment : dict of str -> state (name or index)
            A state for every node.

        Returns
        -------
        p : float

        Examples
        --------
        >>> student = student_network()
        >>> round(student.joint_prob({"D": "easy", "I": "high", "G": "B", "S": "high",
        ...                           "L": "weak"}), 6)
        0.004608
        """
        values = self._check_evidence(assignment)
        missing = [v for v in self._nodes if v not in values]
        if missing:
            raise ValueError(
                f"joint_prob needs a state for every node; missing {missing}. For a marginal "
                "probability use query(variables, evidence)."
            )
        x = np.array([[values[v] for v in self._nodes]])
        return float(np.exp(self.log_prob(x)[0]))

    def log_prob(self, X) -> np.ndarray:
        """Log-probability of each row of X, the sum over nodes of log p(x_i | x_pa(i)).

        Introduced in chapter 4, Bayesian networks.

        Parameters
        ----------
        X : array of shape (n, len(nodes)) of state indices, columns in :attr:`nodes` order

        Returns
        -------
        log_p : array of shape (n,)
            ``-inf`` for assignments of probability zero.
        """
        X = self._check_assignments(X)
        out = np.zeros(X.shape[0])
        for v in self._nodes:
            flat = X[:, self._index[v]].astype(np.intp)
            for col, stride in self._strides[v]:
                flat += X[:, col].astype(np.intp) * (stride * self._card[v])
            out += self._flat_log[v][flat]
        return out

    def _check_assignments(self, X) -> np.ndarray:
        d = len(self._nodes)
        if isinstance(X, Mapping):
            raise TypeError("X must be an array of state indices; for a dict use joint_prob.")
        arr = np.asarray(X)
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
        ):
            raise TypeError(f"X must hold state indices (integers), got {describe(arr)}.")
        if arr.ndim != 2 or arr.shape[1] != d:
            hint = " For one assignment use x[None, :]." if arr.shape == (d,) else ""
            raise ValueError(
                f"Expected X of shape (n, {d}) (one column per node, in the order {self._nodes}), "
                f"got {arr.shape}.{hint}"
            )
        if np.issubdtype(arr.dtype, np.floating):
            if not np.isfinite(arr).all() or (arr != np.round(arr)).any():
                raise ValueError("X must hold whole-number state indices; got non-integer values.")
            arr = arr.astype(np.intp)
        for v, j in self._index.items():
            col = arr[:, j]
            bad = (col < 0) | (col >= self._card[v])
            if bad.any():
                raise ValueError(
                    f"X[:, {j}] (variable {v!r}) has state {col[bad][0]}; {v!r} has states "
                    f"0 to {self._card[v] - 1}."
                )
        return arr

    # ------------------------------------------------------------------ sampling

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw n joint samples by ancestral sampling.

        Introduced in chapter 4, Bayesian networks. Nodes are visited in topological order;
        each node's CPT row is picked by its parents' sampled states, and one uniform number
        per sample is turned into a state by the inverse CDF of that row. Vectorised over
        samples (in cache-sized blocks), so the Python loop runs over nodes only.

        Parameters
        ----------
        n : int
            Number of samples (>= 0).
        rng : numpy.random.Generator

        Returns
        -------
        X : array of shape (n, len(nodes)) of state indices, columns in :attr:`nodes` order
            dtype int8 (int32 if some variable has more than 127 states).
        """
        # The result, plus one block of uniforms (bounded, not per sample).
        n = check_sample_size(
            n, "n", bytes_per_sample=len(self._nodes) * np.dtype(self._dtype).itemsize
        )
        rng = check_rng(rng)
        # Filled one node (row) at a time and returned transposed: each node's column of
        # samples is contiguous in memory while it is written.
        out = np.empty((len(self._nodes), n), dtype=self._dtype)
        for start in range(0, n, _SAMPLE_BLOCK):
            self._sample_block(out[:, start : start + _SAMPLE_BLOCK], rng)
        return out.T

    def _sample_block(self, block: np.ndarray, rng: np.random.Generator) -> None:
        """Ancestral sampling of ``block.shape[1]`` samples into block (one row per node)."""
        u_all = rng.random((len(self._order), block.shape[1]))
        for v, u in zip(self._order, u_all, strict=True):
            state = block[self._index[v]]
            state[:] = 0
            if not self._strides[v]:  # a root: a single CPT row
                for cdf_s in self._cdf_cols[v]:
                    state += u >= cdf_s[0]
                continue
            # The CPT row of each sample, indexed by its parents' (already sampled) states.
            (col, stride), *rest = self._strides[v]
            row = block[col] * np.intp(stride)
            for col, stride in rest:
                row += block[col] * np.intp(stride)
            # Inverse CDF: the state is the number of cumulative probabilities <= u.
            for cdf_s in self._cdf_cols[v]:
                state += u >= cdf_s.take(row)

    # ------------------------------------------------------------------ inference

    def query(
        self,
        variables: str | Sequence[str],
        evidence: Mapping | None = None,
        *,
        method: str = "variable_elimination",
    ) -> np.ndarray:
        """The conditional distribution p(variables | evidence), computed exactly.

        Introduced in chapter 4, Bayesian networks.

        Parameters
        ----------
        variables : str or list of str
            The query variables (none of them observed).
        evidence : dict of str -> state (name or index), optional
        method : {"variable_elimination", "enumeration"}
            ``"variable_elimination"`` (default) first drops the nodes whose CPTs cannot change
            the answer (barren nodes, and nodes d-separated from the query given the
            evidence), then sums out the hidden variables one at a time with
            ``numpy.einsum``, in a greedy order that keeps intermediate factors small; the
            plan is cached per (query, observed variables). ``"enumeration"`` sums the joint
            over every assignment of the hidden variables: the definition, for teaching, and
            feasible only for small networks.

        Returns
        -------
        table : array of shape (card(v) for v in variables)
            One axis per query variable in the order given; the entries sum to 1.

        Raises
        ------
        ValueError
            Unknown variable or state, a variable both queried and observed, or evidence of
            probability zero (detected whenever the query depends on that evidence, or a single
            CPT gives it probability zero). With variable elimination, also when the largest
            intermediate factor would exceed ``dgm_utils.bayesnet.MAX_FACTOR_BYTES``
            (256 MiB): this is checked while planning, before anything is computed, and the
            message gives the factor's size.
        """
        variables = self._check_variables(variables, "variables")
        if not variables:
            raise ValueError("variables is empty; name at least one query variable.")
        evidence = self._check_evidence(evidence)
        both = [v for v in variables if v in evidence]
        if both:
            v = both[0]
            raise ValueError(
                f"Variable {v!r} is both queried and observed (evidence {v}="
                f"{self._state_name(v, evidence[v])}); its conditional distribution is a point "
                "mass. Remove it from variables or from evidence."
            )
        if method == "variable_elimination":
            table = self._eliminate(variables, evidence)
        elif method == "enumeration":
            table = self._enumerate(variables, evidence)
        else:
            raise ValueError(f"method must be one of {list(_METHODS)}, got {method!r}.")
        total = table.sum()
        if not total > 0:
            raise ValueError(
                f"The evidence ({self._describe_evidence(evidence)}) has probability zero under "
                "this network, so the conditional distribution given it is undefined."
            )
        return table / total

    def _enumerate(self, variables: list[str], evidence: dict[str, int]) -> np.ndarray:
        """Unnormalised p(variables, evidence): the joint summed over every hidden assignment."""
        free = [v for v in self._nodes if v not in evidence]
        n_terms = math.prod(self._card[v] for v in free)
        if n_terms > ENUMERATION_LIMIT:
            raise ValueError(
                f"Enumeration would visit {n_terms:,} joint assignments (limit "
                f"{ENUMERATION_LIMIT:,}); use method='variable_elimination'."
            )
        # One row per term of the sum: every assignment of the free variables, evidence fixed.
        X = np.empty((n_terms, len(self._nodes)), dtype=np.intp)
        grid = np.indices([self._card[v] for v in free]).reshape(len(free), -1)
        for v, states in zip(free, grid, strict=True):
            X[:, self._index[v]] = states
        for v, s in evidence.items():
            X[:, self._index[v]] = s
        p = np.exp(self.log_prob(X))
        table = np.zeros([self._card[v] for v in variables])
        np.add.at(table, tuple(X[:, self._index[v]] for v in variables), p)
        return table

    def _eliminate(self, variables: list[str], evidence: dict[str, int]) -> np.ndarray:
        """Unnormalised p(variables, evidence) by variable elimination (a cached einsum plan)."""
        plan = self._plan(tuple(variables), frozenset(evidence))
        zeros = np.zeros([self._card[v] for v in variables])
        # Observed nodes left out of the plan still rule the evidence out if their CPT gives
        # it probability zero whatever the unobserved parents.
        if any(not self._reduced_cpt(v, evidence).any() for v in plan.pruned_evidence):
            return zeros
        # One factor per node of the plan: its CPT with the observed axes fixed to their states.
        factors = []
        for v in plan.nodes:
            factor = self._reduced_cpt(v, evidence)
            if v in evidence:  # a likelihood column p(x_v | parents): may be small everywhere
                scale = factor.max(initial=0.0)
                if scale == 0.0:
                    return zeros
                factor = factor / scale
            factors.append(factor)
        for operands, out in plan.steps:
            args = [a for slot, labels in operands for a in (factors[slot], labels)]
            result = np.einsum(*args, out)
            # Rescaling each new factor by its maximum keeps long products from underflowing;
            # constants cancel in the final normalisation.
            scale = result.max(initial=0.0)
            if scale == 0.0:
                return zeros
            factors.append(result / scale)
        return factors[-1]

    def _reduced_cpt(self, v: str, evidence: Mapping[str, int]) -> np.ndarray:
        """The CPT of v with the axes of observed variables fixed to their states."""
        return self._cpts[v][tuple(evidence.get(u, slice(None)) for u in self._family[v])]

    def _plan(self, variables: tuple[str, ...], observed: frozenset[str]) -> _Plan:
        """Which CPTs to use and in which order to sum variables out (greedy, min-weight)."""
        key = (variables, observed)
        if key in self._plans:
            return self._plans[key]
        # Nodes that are not ancestors of a query or evidence variable sum out to 1 (barren).
        ancestral = _graph.ancestors(self._parents, (*variables, *observed))
        scopes = {
            v: tuple(u for u in self._family[v] if u not in observed)
            for v in self._order
            if v in ancestral
        }
        # A factor not joined to the query by a chain of factors sharing unobserved variables
        # contributes a constant, which cancels on normalising. These are the factors of the
        # nodes d-separated from the query given the evidence: by Lauritzen's criterion,
        # d-separation is separation in the moral graph of the ancestral set once the
        # evidence is removed, and the factors' scopes are that graph's cliques.
        nodes = _connected_factors(scopes, variables)
        kept = set(nodes)
        pruned_evidence = [v for v in self._order if v in observed and v not in kept]
        # An unobserved variable in a kept factor is connected, so its own factor is kept too.
        hidden = [v for v in nodes if v not in observed and v not in variables]
        relevant_scopes = [scopes[v] for v in nodes]
        order = _min_weight_order(relevant_scopes, hidden, self._card)
        builder = _PlanBuilder(relevant_scopes, self._card)
        for v in order:
            slots = sorted(builder.where[v])
            union = tuple(dict.fromkeys(u for s in slots for u in builder.live[s]))
            builder.emit(slots, tuple(u for u in union if u != v))
        builder.emit(sorted(builder.live), variables)
        plan = _Plan(nodes, builder.steps, pruned_evidence)
        self._plans[key] = plan
        return plan

    # ------------------------------------------------------------------ independence

    def is_d_separated(
        self, xs: str | Iterable[str], ys: str | Iterable[str], given: str | Iterable[str] = ()
    ) -> bool:
        """Whether xs and ys are d-separated given ``given`` in the graph.

        Introduced in chapter 4, Bayesian networks. d-separation implies conditional
        independence in every distribution that factorises along the graph. Uses the
        "reachable" (Bayes-ball) algorithm of Koller & Friedman (2009, Algorithm 3.1): a trail
        is active through a collider only if the collider or one of its descendants is observed,
        and through any other node only if that node is unobserved.

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
        return not (_graph.reachable(self._parents, self._children, xs, given) & set(ys))

    def _check_sets(self, xs, ys, given) -> tuple[list[str], list[str], list[str]]:
        xs = self._check_variables(xs, "xs")
        ys = self._check_variables(ys, "ys")
        given = self._check_variables(given, "given")
        if not xs or not ys:
            raise ValueError("xs and ys must each name at least one variable.")
        for a, b, name in (
            (xs, ys, "xs and ys"),
            (xs, given, "xs and given"),
            (ys, given, "ys and given"),
        ):
            common = [v for v in a if v in b]
            if common:
                raise ValueError(f"{name} must be disjoint; both contain {common}.")
        return xs, ys, given

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
            descendants = _graph.descendants(self._children, v)
            others = [
                u
                for u in self._order
                if u != v and u not in descendants and u not in self._parents[v]
            ]
            if others:
                result.append((v, others, list(self._parents[v])))
        return result

    def mutual_information(
        self, xs: str | Iterable[str], ys: str | Iterable[str], given: str | Iterable[str] = ()
    ) -> float:
        """Conditional mutual information I(xs; ys | given) in nats, computed exactly.

        Introduced in chapter 4, Bayesian networks. Zero exactly when xs and ys are
        conditionally independent given ``given``: a numerical check of independence.

        Parameters
        ----------
        xs, ys : str or iterable of str
            Two disjoint, non-empty sets of variables.
        given : str or iterable of str, default ()

        Returns
        -------
        mi : float (>= 0; rounding errors below zero are clipped)
        """
        xs, ys, given = self._check_sets(xs, ys, given)
        table = self.query([*xs, *ys, *given])
        nx = math.prod(self._card[v] for v in xs)
        ny = math.prod(self._card[v] for v in ys)
        p = table.reshape(nx, ny, -1)
        p_xz = p.sum(axis=1, keepdims=True)
        p_yz = p.sum(axis=0, keepdims=True)
        p_z = p.sum(axis=(0, 1), keepdims=True)
        nz = p > 0
        # sum p(x,y,z) log [p(x,y,z) p(z) / (p(x,z) p(y,z))], over entries with p(x,y,z) > 0
        ratio = (p * p_z)[nz] / (p_xz * p_yz)[nz]
        return max(float(np.sum(p[nz] * np.log(ratio))), 0.0)


class _Plan:
    """A cached variable-elimination plan: the nodes whose CPTs enter, the einsum steps, and
    the observed nodes left out as irrelevant (whose evidence must still be possible)."""

    __slots__ = ("nodes", "pruned_evidence", "steps")

    def __init__(self, nodes: list[str], steps: list, pruned_evidence: list[str]):
        self.nodes = nodes
        self.steps = steps
        self.pruned_evidence = pruned_evidence


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
        _check_factor_size(out, self.card)
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
        self.steps.append((operands, [label[u] for u in out]))
        slot = self.next_slot
        self.live[slot] = out
        for u in out:
            self.where[u].add(slot)
        self.next_slot += 1
        return slot


def _connected_factors(
    scopes: Mapping[str, tuple[str, ...]], variables: Iterable[str]
) -> list[str]:
    """The keys of the scopes joined to a query variable through shared variables (in key
    order): a breadth-first search over the bipartite graph of variables and factors."""
    holding: dict[str, list[str]] = {}
    for v, scope in scopes.items():
        for u in scope:
            holding.setdefault(u, []).append(v)
    seen_vars = set(variables)
    frontier = list(seen_vars)
    kept: set[str] = set()
    while frontier:
        u = frontier.pop()
        for v in holding.get(u, ()):
            if v not in kept:
                kept.add(v)
                for w in scopes[v]:
                    if w not in seen_vars:
                        seen_vars.add(w)
                        frontier.append(w)
    return [v for v in scopes if v in kept]


def _min_weight_order(
    scopes: Iterable[tuple[str, ...]], hidden: Sequence[str], card: Mapping[str, int]
) -> list[str]:
    """A greedy elimination order of ``hidden``: next, the variable whose new factor (over its
    neighbours in the interaction graph of the factors) has the fewest entries; ties go to the
    first in ``hidden``.

    Incremental: eliminating v joins its neighbours into a clique and changes only their
    weights, so only theirs are recomputed (a heap with stale entries skipped). Raises
    ValueError as soon as a new factor would exceed the memory budget.
    """
    neighbours: dict[str, set[str]] = {}
    for scope in scopes:
        for u in scope:
            neighbours.setdefault(u, set()).update(scope)
    for u, nb in neighbours.items():
        nb.discard(u)
    rank = {v: i for i, v in enumerate(hidden)}
    weight = {v: math.prod(card[u] for u in neighbours[v]) for v in hidden}
    heap = [(w, rank[v], v) for v, w in weight.items()]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        w, _, v = heapq.heappop(heap)
        if weight.get(v) != w:  # eliminated already, or a stale weight
            continue
        del weight[v]
        nb = neighbours.pop(v)
        _check_factor_size(nb, card, w)
        order.append(v)
        for u in nb:
            others = neighbours[u]
            others.discard(v)
            others.update(nb)
            others.discard(u)
            if u in weight:
                weight[u] = math.prod(card[x] for x in others)
                heapq.heappush(heap, (weight[u], rank[u], u))
    return order


def _fmt_bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError  # unreachable


def _check_factor_size(scope: Iterable[str], card: Mapping[str, int], size: int | None = None):
    """Refuse a factor whose float64 table would exceed MAX_FACTOR_BYTES."""
    if size is None:
        size = math.prod(card[u] for u in scope)
    if size * 8 <= MAX_FACTOR_BYTES:
        return
    scope = list(scope)
    shown = ", ".join(scope[:8]) + (f", ... ({len(scope) - 8} more)" if len(scope) > 8 else "")
    raise ValueError(
        f"Exact inference would build an intermediate factor over {len(scope)} variables "
        f"({shown}) with {size:.3g} entries, {_fmt_bytes(size * 8)} as float64, above the "
        f"memory budget of {_fmt_bytes(MAX_FACTOR_BYTES)} (dgm_utils.bayesnet.MAX_FACTOR_BYTES). "
        "Variable elimination costs memory exponential in the width of its elimination order "
        "(at least the treewidth of the moralised network, once the evidence and the nodes "
        "irrelevant to the query are removed), and this query's is too large. Query fewer "
        "variables together, observe variables that cut the network apart, or estimate the "
        "answer by sampling."
    )


# ---------------------------------------------------------------------- graph helpers


def _cpd_name(v: str, parents: Sequence[str]) -> str:
    return f"P({v} | {', '.join(parents)})" if parents else f"P({v})"


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


# ---------------------------------------------------------------------- ready-made networks


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
    order = rng.permutation(n_nodes)
    candidates = [(order[a], order[b]) for a in range(n_nodes) for b in range(a + 1, n_nodes)]
    rng.shuffle(candidates)
    parent_sets: list[list[int]] = [[] for _ in range(n_nodes)]
    added = 0
    for p, c in candidates:
        if added == n_edges:
            break
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
    cpts = {}
    for i in range(n_nodes):
        shape = [int(card[p]) for p in sorted(parent_sets[i])]
        rows = rng.dirichlet(np.full(int(card[i]), alpha), size=math.prod(shape))
        cpts[names[i]] = rows.reshape(*shape, int(card[i]))
    return BayesianNetwork(parents, cpts)


# ---------------------------------------------------------------------- readable versions


def ancestral_sample(net: BayesianNetwork, n: int, rng: np.random.Generator) -> np.ndarray:
    """Ancestral sampling written for reading: the algorithm of :meth:`BayesianNetwork.sample`.

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
    X = np.zeros((n, len(net.nodes)), dtype=np.intp)
    column = {v: j for j, v in enumerate(net.nodes)}
    u = rng.random((len(net.nodes), n))  # one uniform number per node and sample
    for v, u_v in zip(net.topological_order(), u, strict=True):
        parent_states = tuple(X[:, column[p]] for p in net.parents[v])
        rows = net.cpts[v][parent_states]  # the CPT row of each sample
        cdf = np.cumsum(np.broadcast_to(rows, (n, net.cardinality[v])), axis=1)
        X[:, column[v]] = (u_v[:, None] >= cdf[:, :-1]).sum(axis=1)  # inverse CDF
    return X


def enumerate_query(net: BayesianNetwork, variables, evidence=None) -> np.ndarray:
    """p(variables | evidence) by enumeration, written for reading: the definition.

    Introduced in chapter 4, Bayesian networks. Sums the joint probability, a product of CPT
    entries, over every assignment of the unobserved variables, then normalises. Agrees with
    ``net.query(variables, evidence)``; its cost is exponential in the number of unobserved
    variables, so use it on small networks only.

    Parameters
    ----------
    net : BayesianNetwork
    variables : str or list of str
    evidence : dict of str -> state (name or index), optional

    Returns
    -------
    table : array of shape (card(v) for v in variables), summing to 1
    """
    variables = [variables] if isinstance(variables, str) else list(variables)
    evidence = net._check_evidence(evidence)  # state names -> indices
    hidden = [v for v in net.nodes if v not in evidence]
    table = np.zeros([net.cardinality[v] for v in variables])
    for values in itertools.product(*[range(net.cardinality[v]) for v in hidden]):
        x = {**evidence, **dict(zip(hidden, values, strict=True))}  # one full assignment
        table[tuple(x[v] for v in variables)] += net.joint_prob(x)
    return table / table.sum()


__all__ += ["ancestral_sample", "enumerate_query"]
