"""Bayesian networks over discrete variables: a DAG and one conditional probability table per node.

Introduced in chapter 4, Bayesian networks. The joint distribution factorises along the graph,

.. math:: p(x_1, \\dots, x_n) = \\prod_i p(x_i \\mid x_{\\mathrm{pa}(i)}),

and everything here (sampling, exact inference, d-separation, parameter counts) works from
that factorisation. The nouns follow pgmpy (``BayesianNetwork``, CPT, ``query(variables,
evidence)``); a CPT is an array of shape ``(*parent_cards, child_card)`` whose last axis sums
to 1.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np

from .._validation import check_int, describe
from ..joint_table import conditional_mutual_information
from . import elimination, enumeration
from .cpt import check_assignments, check_cpts, check_states, cpd_name, cpt_table, state_index
from .graph import DAG
from .sampling import AncestralSampler

_METHODS = ("variable_elimination", "enumeration")


class BayesianNetwork(DAG):
    """A Bayesian network over discrete variables: a DAG plus one CPT per node.

    Introduced in chapter 4, Bayesian networks. The network is immutable: build a new one
    (e.g. with :meth:`add_edge`, or from ``net.parents`` and a changed ``net.cpts``) to change it.

    Parameters
    ----------
    parents : dict of str -> list of str
        The graph: each node's parents, in the order of its CPT's axes. Every node is a key,
        including nodes without parents (``parents["D"] = []``); the order of the keys is the
        order of ``nodes`` and of the columns of :meth:`sample` and :meth:`log_prob`.
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
        super().__init__(parents)
        self._states = check_states(states, self._nodes)
        self._cpts, self._card = check_cpts(cpts, self._parents, self._states)
        self._family = {v: (*self._parents[v], v) for v in self._nodes}
        self._flat_log = {}
        self._strides = {}
        for v in self._nodes:
            # Row of the CPT for a parent assignment: a row-major index over the parents' states.
            card = [self._card[p] for p in self._parents[v]]
            strides = np.cumprod([1, *reversed(card)])[:-1][::-1]
            self._strides[v] = [
                (self._index[p], int(s)) for p, s in zip(self._parents[v], strides, strict=True)
            ]
            with np.errstate(divide="ignore"):
                self._flat_log[v] = np.log(self._cpts[v]).ravel()
        self._sampler = AncestralSampler(self._nodes, self._order, self._parents, self._cpts)
        self._engine: elimination.VariableElimination | None = None

    def _state_name(self, v: str, i: int):
        names = self._states[v]
        return names[i] if names is not None else i

    # ------------------------------------------------------------------ basic properties

    @property
    def cardinality(self) -> dict[str, int]:
        """Number of states of each variable."""
        return dict(self._card)

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
        return " ".join(cpd_name(v, self._parents[v]) for v in self._order)

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
        return cpt_table(node, self._parents[node], self._cpts[node], self.states, decimals)

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
        if nx.has_path(self._graph, child, parent):
            path = nx.shortest_path(self._graph, child, parent)
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

    def state_indices(self, assignment: Mapping | None) -> dict[str, int]:
        """``assignment`` (variable -> state name or index) with every state as an index.

        Introduced in chapter 4, Bayesian networks.

        Raises
        ------
        TypeError
            If ``assignment`` is not a dict, or a variable is not a string.
        ValueError
            Naming the unknown variable or state, and the known ones.
        """
        if assignment is None:
            return {}
        if not isinstance(assignment, Mapping):
            raise TypeError(
                f"evidence must be a dict of variable -> state (e.g. {{'G': 0}}), got "
                f"{describe(assignment)}."
            )
        return {
            self._check_variable(v, "evidence"): state_index(self._states[v], self._card[v], v, s)
            for v, s in assignment.items()
        }

    def check_query(self, variables, evidence: Mapping | None = None):
        """The checked arguments of :meth:`query`: a list of variables, and the evidence with
        state indices. Every inference algorithm starts here.

        Introduced in chapter 4, Bayesian networks.

        Returns
        -------
        variables : list of str
        evidence : dict of str -> int

        Raises
        ------
        TypeError, ValueError
            As :meth:`query`.
        """
        variables = self._check_variables(variables, "variables", ordered=True)
        if not variables:
            raise ValueError("variables is empty; name at least one query variable.")
        evidence = self.state_indices(evidence)
        both = [v for v in variables if v in evidence]
        if both:
            v = both[0]
            raise ValueError(
                f"Variable {v!r} is both queried and observed (evidence {v}="
                f"{self._state_name(v, evidence[v])}); its conditional distribution is a point "
                "mass. Remove it from variables or from evidence."
            )
        return variables, evidence

    def normalise(self, table: np.ndarray, evidence: Mapping[str, int]) -> np.ndarray:
        """``table`` (proportional to p(variables, evidence)) divided by its sum, or a
        ValueError saying that the evidence (state indices) has probability zero.

        Introduced in chapter 4, Bayesian networks.
        """
        total = table.sum()
        if not total > 0:
            shown = ", ".join(f"{v}={self._state_name(v, s)}" for v, s in evidence.items())
            raise ValueError(
                f"The evidence ({shown}) has probability zero under this network, so the "
                "conditional distribution given it is undefined."
            )
        return table / total

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
        >>> from dgm_utils.bayesnet import student_network
        >>> student = student_network()
        >>> round(student.joint_prob({"D": "easy", "I": "high", "G": "B", "S": "high",
        ...                           "L": "weak"}), 6)
        0.004608
        """
        values = self.state_indices(assignment)
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
        X : array of shape (n, len(nodes)) of state indices, columns in ``nodes`` order

        Returns
        -------
        log_p : array of shape (n,)
            ``-inf`` for assignments of probability zero.
        """
        X = check_assignments(X, self._index, self._card)
        out = np.zeros(X.shape[0])
        for v in self._nodes:
            flat = X[:, self._index[v]].astype(np.intp)
            for col, stride in self._strides[v]:
                flat += X[:, col].astype(np.intp) * (stride * self._card[v])
            out += self._flat_log[v][flat]
        return out

    # ------------------------------------------------------------------ sampling

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw n joint samples by ancestral sampling.

        Introduced in chapter 4, Bayesian networks. Nodes are visited in topological order;
        each node's CPT row is picked by its parents' sampled states, and one uniform number
        per sample is turned into a state by the inverse CDF of that row. Vectorised over
        samples (in cache-sized blocks), so the Python loop runs over nodes only
        (:class:`~dgm_utils.bayesnet.sampling.AncestralSampler`).

        Parameters
        ----------
        n : int
            Number of samples (>= 0).
        rng : numpy.random.Generator

        Returns
        -------
        X : array of shape (n, len(nodes)) of state indices, columns in ``nodes`` order
            dtype int8 (int32 if some variable has more than 127 states).
        """
        return self._sampler.sample(n, rng)

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
        variables, evidence = self.check_query(variables, evidence)
        if method == "variable_elimination":
            if self._engine is None:
                self._engine = elimination.VariableElimination(self)
            table = self._engine.unnormalised(variables, evidence)
        elif method == "enumeration":
            table = enumeration.enumerate_joint(self, variables, evidence)
        else:
            raise ValueError(f"method must be one of {list(_METHODS)}, got {method!r}.")
        return self.normalise(table, evidence)

    # ------------------------------------------------------------------ independence

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
        p = self.query([*xs, *ys, *given])
        n_x = math.prod(self._card[v] for v in xs)
        n_y = math.prod(self._card[v] for v in ys)
        return conditional_mutual_information(p.reshape(n_x, n_y, -1))
