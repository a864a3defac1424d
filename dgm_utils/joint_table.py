"""Full joint probability tables over a few discrete variables.

Introduced in chapter 2: a :class:`JointTable` can be marginalised, conditioned and split
into chain-rule factors, so the chain rule and Bayes' rule can be checked numerically.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np

from ._validation import (
    as_float_array,
    check_float,
    describe,
)
from .counting import _check_cardinalities

__all__ = ["JointTable", "check_disjoint", "conditional_mutual_information"]


def _check_names(names, what: str = "names") -> tuple[str, ...]:
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise TypeError(
            f"{what} must be a list of variable names such as ['A', 'B'], got {describe(names)}."
        )
    names = tuple(names)
    for n in names:
        if not isinstance(n, str) or not n:
            raise TypeError(f"Variable names must be non-empty strings, got {n!r} in {what}.")
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"{what} contains repeated variables {dup}; each name must be unique.")
    return names


class JointTable:
    r"""A full joint probability table over a few discrete variables.

    Introduced in chapter 3, Chain rule and conditional independence. The table is an array
    with one axis per variable; entry ``probs[a, b, c]`` is :math:`p(A=a, B=b, C=c)`. It can
    be marginalised, conditioned, split into chain-rule factors and rebuilt from them, which
    is all chapter 3 needs to check the chain rule and Bayes' rule by hand.

    Parameters
    ----------
    probs : array-like of shape (k_1, ..., k_n)
        Non-negative, finite, summing to 1 (tolerance 1e-6; the table is then renormalised
        exactly).
    names : sequence of str, length n
        One unique name per axis.
    states : dict of str -> list of str, optional
        State names of some or all variables (the default names are ``0 .. k-1``). Values in
        assignments and evidence may then be given by name or by index.

    Attributes
    ----------
    probs : array of shape (k_1, ..., k_n)
        A read-only copy of the table.
    names : tuple of str
    cardinality : dict of str -> int
    states : dict of str -> tuple of str

    Raises
    ------
    ValueError
        If the table has negative, NaN or infinite entries, does not sum to 1, or its number
        of axes differs from the number of names; if names repeat or state lists have the
        wrong length.

    Examples
    --------
    >>> t = JointTable([[0.3, 0.1], [0.2, 0.4]], ["Rain", "Wet"])
    >>> t.marginal(["Wet"]).probs
    array([0.5, 0.5])
    >>> round(t.prob({"Rain": 1, "Wet": 1}), 3)
    0.4
    >>> t.conditional(["Rain"], given=["Wet"])[1]  # p(Rain | Wet=1)
    array([0.2, 0.8])
    """

    def __init__(self, probs, names: Sequence[str], states: Mapping[str, Sequence] | None = None):
        names = _check_names(names)
        arr = as_float_array(probs, "probs", what="probabilities", copy=True)
        if arr.ndim != len(names):
            raise ValueError(
                f"probs has {arr.ndim} axes (shape {arr.shape}) but {len(names)} names were "
                f"given ({list(names)}); give one name per axis."
            )
        if arr.ndim == 0 or arr.size == 0:
            raise ValueError(f"probs must have at least one axis and one entry, got {arr.shape}.")
        if not np.isfinite(arr).all():
            raise ValueError("probs contains NaN or infinite values.")
        if (arr < 0).any():
            idx = tuple(int(i) for i in np.argwhere(arr < 0)[0])
            raise ValueError(
                f"probs has a negative entry {arr[idx]:.3g} at {idx}; probabilities are >= 0."
            )
        total = arr.sum()
        if not np.isclose(total, 1.0, atol=1e-6, rtol=0):
            raise ValueError(
                f"probs sums to {total:.6g}, expected 1. Divide by the total to normalise."
            )
        arr = arr / total
        arr.flags.writeable = False
        self._probs = arr
        self.names = names
        self.cardinality = {n: int(k) for n, k in zip(names, arr.shape, strict=True)}
        self.states = self._check_states(states)

    def _check_states(self, states) -> dict[str, tuple[str, ...]]:
        out = {n: tuple(str(i) for i in range(k)) for n, k in self.cardinality.items()}
        if states is None:
            return out
        if not isinstance(states, Mapping):
            raise TypeError(
                f"states must be a dict name -> list of state names, got {describe(states)}."
            )
        for name, labels in states.items():
            self._check_var(name, "states")
            labels = tuple(str(s) for s in labels)
            if len(labels) != self.cardinality[name]:
                raise ValueError(
                    f"states[{name!r}] has {len(labels)} names but {name!r} has "
                    f"{self.cardinality[name]} states: {list(labels)}."
                )
            if len(set(labels)) != len(labels):
                raise ValueError(f"states[{name!r}] repeats a state name: {list(labels)}.")
            out[name] = labels
        return out

    # -- helpers ------------------------------------------------------------------------

    @property
    def probs(self) -> np.ndarray:
        return self._probs

    def __repr__(self) -> str:
        shape = "x".join(str(k) for k in self._probs.shape)
        return f"JointTable(P({', '.join(self.names)}); {shape} states)"

    def _check_var(self, name, where: str) -> str:
        if name not in self.names:
            raise ValueError(
                f"Unknown variable {name!r} in {where}; known variables: {list(self.names)}."
            )
        return name

    def _check_vars(self, variables, where: str) -> tuple[str, ...]:
        if isinstance(variables, str):
            variables = [variables]
        variables = _check_names(variables, where)
        for v in variables:
            self._check_var(v, where)
        return variables

    def _state_index(self, name: str, value, where: str) -> int:
        labels = self.states[name]
        if isinstance(value, str):
            if value in labels:
                return labels.index(value)
            raise ValueError(
                f"Unknown state {value!r} of {name!r} in {where}; its states are {list(labels)}."
            )
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(
                f"The value of {name!r} in {where} must be a state index or name, "
                f"got {type(value).__name__} {value!r}."
            )
        if not 0 <= value < len(labels):
            raise ValueError(
                f"State index {int(value)} of {name!r} in {where} is out of range; "
                f"{name!r} has {len(labels)} states (0..{len(labels) - 1})."
            )
        return int(value)

    def _check_assignment(self, assignment, where: str) -> dict[str, int]:
        if not isinstance(assignment, Mapping):
            raise TypeError(
                f"{where} must be a dict variable -> state, e.g. {{'{self.names[0]}': 0}}, "
                f"got {describe(assignment)}."
            )
        return {
            self._check_var(k, where): self._state_index(k, v, where) for k, v in assignment.items()
        }

    def _marginal_array(self, variables: tuple[str, ...]) -> np.ndarray:
        """p(variables) as an array with axes in the order given."""
        axes = tuple(i for i, n in enumerate(self.names) if n not in variables)
        kept = [n for n in self.names if n in variables]
        arr = self._probs.sum(axis=axes)
        return np.transpose(arr, [kept.index(v) for v in variables])

    # -- the operations -------------------------------------------------------------------

    def marginal(self, variables: Sequence[str]) -> JointTable:
        r"""The marginal :math:`p(\text{variables})`, summing out the others.

        Parameters
        ----------
        variables : sequence of str
            Variables to keep, in the order of the new axes.

        Returns
        -------
        JointTable
        """
        variables = self._check_vars(variables, "marginal")
        if not variables:
            raise ValueError("marginal needs at least one variable to keep.")
        return JointTable(
            self._marginal_array(variables), variables, {v: self.states[v] for v in variables}
        )

    def prob(self, assignment: Mapping[str, int | str]) -> float:
        r"""Probability of a (partial) assignment, e.g. :math:`p(A=1, C=0)`.

        Variables not mentioned are summed out.

        Parameters
        ----------
        assignment : dict of str -> int or str
            Variable -> state index (or state name).

        Returns
        -------
        float
        """
        assignment = self._check_assignment(assignment, "assignment")
        index = tuple(assignment.get(n, slice(None)) for n in self.names)
        return float(np.sum(self._probs[index]))

    def condition(self, evidence: Mapping[str, int | str]) -> JointTable:
        r"""The conditional table :math:`p(\text{rest} \mid \text{evidence})`.

        Parameters
        ----------
        evidence : dict of str -> int or str
            Observed variables and their states.

        Returns
        -------
        JointTable
            Over the unobserved variables, in the table's order.

        Raises
        ------
        ValueError
            If the evidence has probability zero, or every variable is observed.
        """
        evidence = self._check_assignment(evidence, "evidence")
        rest = tuple(n for n in self.names if n not in evidence)
        if not rest:
            raise ValueError("Every variable is observed; nothing is left to condition.")
        index = tuple(evidence.get(n, slice(None)) for n in self.names)
        sub = self._probs[index]
        z = sub.sum()
        if z <= 0:
            shown = ", ".join(f"{k}={self.states[k][v]}" for k, v in evidence.items())
            raise ValueError(
                f"The evidence ({shown}) has probability zero; p(. | {shown}) is undefined."
            )
        return JointTable(sub / z, rest, {v: self.states[v] for v in rest})

    def conditional(self, query: Sequence[str], given: Sequence[str] = ()) -> np.ndarray:
        r"""The conditional table :math:`p(\text{query} \mid \text{given})` as an array.

        Computed as :math:`p(\text{query}, \text{given}) / p(\text{given})`.

        Parameters
        ----------
        query : sequence of str
        given : sequence of str, default ()

        Returns
        -------
        array of shape ``(*[k for given], *[k for query])``
            Conditioning variables first, as in a CPT: for each setting of ``given`` the
            trailing axes sum to 1.

        Raises
        ------
        ValueError
            If a variable is both in ``query`` and ``given``, or a setting of ``given`` has
            probability zero (the conditional is then undefined).
        """
        query = self._check_vars(query, "query")
        given = self._check_vars(given, "given")
        if not query:
            raise ValueError("query needs at least one variable.")
        both = sorted(set(query) & set(given))
        if both:
            raise ValueError(
                f"{both} appear both in query and given; a variable is one or the other."
            )
        joint = self._marginal_array(given + query)
        if not given:
            return joint.copy()
        p_given = joint.sum(axis=tuple(range(len(given), len(given) + len(query))))
        if (p_given <= 0).any():
            idx = tuple(int(i) for i in np.argwhere(p_given <= 0)[0])
            shown = ", ".join(f"{g}={self.states[g][i]}" for g, i in zip(given, idx, strict=True))
            raise ValueError(f"p({shown}) = 0, so p({', '.join(query)} | {shown}) is undefined.")
        return joint / p_given.reshape(p_given.shape + (1,) * len(query))

    def chain_rule_factors(self, order: Sequence[str] | None = None) -> list[np.ndarray]:
        r"""The chain-rule factors :math:`p(x_i \mid x_1, \dots, x_{i-1})` along ``order``.

        Parameters
        ----------
        order : sequence of str, optional
            A permutation of :attr:`names` (the table's order by default).

        Returns
        -------
        list of arrays
            Factor i has shape ``(k_1, ..., k_{i-1}, k_i)`` (earlier variables first); its
            last axis sums to 1. :meth:`from_factors` multiplies them back.
        """
        order = self._check_order(order)
        return [self.conditional([v], given=order[:i]) for i, v in enumerate(order)]

    def _check_order(self, order) -> tuple[str, ...]:
        if order is None:
            return self.names
        order = self._check_vars(order, "order")
        if set(order) != set(self.names):
            missing = [n for n in self.names if n not in order]
            raise ValueError(f"order must list every variable once; missing {missing}.")
        return order

    @classmethod
    def from_factors(
        cls,
        factors: Sequence,
        names: Sequence[str],
        states: Mapping[str, Sequence] | None = None,
    ) -> JointTable:
        r"""Multiply chain-rule factors :math:`\prod_i p(x_i \mid x_1, \dots, x_{i-1})`.

        Parameters
        ----------
        factors : sequence of array-like
            Factor i of shape ``(k_1, ..., k_i)``, a conditional distribution of
            ``names[i]`` (last axis, summing to 1) given the earlier variables.
        names : sequence of str
            The variables, in the order of the factors.
        states : dict, optional
            As in :class:`JointTable`.

        Returns
        -------
        JointTable
            With axes in the order of ``names``.
        """
        names = _check_names(names)
        if len(factors) != len(names):
            raise ValueError(
                f"Got {len(factors)} factors for {len(names)} variables; give one factor per "
                "variable, p(x_i | x_1..x_{i-1})."
            )
        joint = np.ones(())
        cards: list[int] = []
        for i, (name, f) in enumerate(zip(names, factors, strict=True)):
            f = np.asarray(f, dtype=np.float64)
            if f.ndim != i + 1 or tuple(f.shape[:-1]) != tuple(cards):
                expected = "(" + ", ".join([*map(str, cards), f"k_{name}"]) + ")"
                raise ValueError(
                    f"The factor of {name!r} must have shape {expected} (earlier variables "
                    f"first, {name!r} last), got {f.shape}."
                )
            if not np.isfinite(f).all() or (f < 0).any():
                raise ValueError(f"The factor of {name!r} has negative, NaN or infinite entries.")
            sums = f.sum(axis=-1)
            if not np.allclose(sums, 1.0, atol=1e-6):
                idx = tuple(
                    int(j) for j in np.unravel_index(np.argmax(np.abs(sums - 1)), sums.shape)
                )
                raise ValueError(
                    f"The factor of {name!r} is not normalised: the row {idx} sums to "
                    f"{sums[idx]:.4g}, expected 1. The child's states lie along the last axis."
                )
            cards.append(f.shape[-1])
            # Broadcast p(x_1..x_{i-1}) against p(x_i | x_1..x_{i-1}).
            joint = joint[..., None] * f
        return cls(joint, names, states)

    def is_independent(
        self,
        xs: Sequence[str],
        ys: Sequence[str],
        given: Sequence[str] = (),
        atol: float = 1e-9,
    ) -> bool:
        r"""Whether :math:`X \perp Y \mid Z` holds in this table.

        Checks :math:`p(x, y, z)\, p(z) = p(x, z)\, p(y, z)` for every setting, which is
        :math:`p(x, y \mid z) = p(x \mid z)\, p(y \mid z)` wherever :math:`p(z) > 0`.

        Parameters
        ----------
        xs, ys : sequence of str
            Disjoint, non-empty sets of variables.
        given : sequence of str, default ()
        atol : float, default 1e-9
            Absolute tolerance on the products above.

        Returns
        -------
        bool
        """
        xs, ys, given = self._check_disjoint(xs, ys, given)
        atol = check_float(atol, "atol", low=0.0)
        pz, pzx, pzy, pzxy = self._four_marginals(xs, ys, given)
        lhs, rhs = pzxy * pz, pzx * pzy
        return bool(np.allclose(lhs, rhs, atol=atol, rtol=0))

    def mutual_information(
        self, xs: Sequence[str], ys: Sequence[str], given: Sequence[str] = ()
    ) -> float:
        r"""The (conditional) mutual information :math:`I(X; Y \mid Z)`, in nats.

        .. math:: I(X; Y \mid Z) = \sum_{x, y, z} p(x, y, z)
            \log \frac{p(x, y, z)\, p(z)}{p(x, z)\, p(y, z)} \geq 0,

        zero exactly when :math:`X \perp Y \mid Z` (see :meth:`is_independent`).

        Parameters
        ----------
        xs, ys : sequence of str
            Disjoint, non-empty sets of variables.
        given : sequence of str, default ()

        Returns
        -------
        float
        """
        xs, ys, given = self._check_disjoint(xs, ys, given)
        p = self._marginal_array(xs + ys + given)
        return conditional_mutual_information(
            p.reshape(math.prod(self._shape(xs)), math.prod(self._shape(ys)), -1)
        )

    def _check_disjoint(self, xs, ys, given):
        return check_disjoint(
            self._check_vars(xs, "xs"), self._check_vars(ys, "ys"), self._check_vars(given, "given")
        )

    def _four_marginals(self, xs, ys, given):
        """p(z), p(z, x), p(z, y), p(z, x, y), broadcast to the axes (z..., x..., y...)."""
        nz, nx, ny = len(given), len(xs), len(ys)
        pz = self._marginal_array(given).reshape(
            tuple(self.cardinality[g] for g in given) + (1,) * (nx + ny)
        )
        pzx = self._marginal_array(given + xs).reshape(pz.shape[:nz] + self._shape(xs) + (1,) * ny)
        pzy = self._marginal_array(given + ys).reshape(pz.shape[:nz] + (1,) * nx + self._shape(ys))
        pzxy = self._marginal_array(given + xs + ys)
        return pz, pzx, pzy, pzxy

    def _shape(self, variables) -> tuple[int, ...]:
        return tuple(self.cardinality[v] for v in variables)

    @classmethod
    def from_samples(
        cls,
        X,
        names: Sequence[str],
        cardinalities: Sequence[int] | None = None,
        alpha: float = 0.0,
        states: Mapping[str, Sequence] | None = None,
    ) -> JointTable:
        r"""The empirical joint of samples of a few discrete variables (plus ``alpha``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_variables)
            State indices (non-negative integers).
        names : sequence of str, length n_variables
        cardinalities : sequence of int, optional
            Number of states per variable (``X.max(axis=0) + 1`` by default).
        alpha : float, default 0.0
            Pseudo-count added to every cell (Laplace smoothing when 1).
        states : dict, optional

        Returns
        -------
        JointTable
        """
        names = _check_names(names)
        arr = np.asarray(X)
        if arr.ndim != 2 or arr.shape[1] != len(names):
            raise ValueError(
                f"Expected X of shape (n_samples, {len(names)}) (one column per name), "
                f"got {arr.shape}."
            )
        if arr.shape[0] == 0:
            raise ValueError("X has no samples.")
        if not np.issubdtype(arr.dtype, np.integer) and not np.issubdtype(arr.dtype, np.bool_):
            if (
                not np.issubdtype(arr.dtype, np.floating)
                or not np.all(np.isfinite(arr))
                or not np.all(arr == np.round(arr))
            ):
                raise ValueError(f"X must hold state indices (integers), got {describe(arr)}.")
        arr = arr.astype(np.int64)
        if (arr < 0).any():
            raise ValueError("X holds negative state indices; states are numbered 0..k-1.")
        cards = (
            [int(k) for k in arr.max(axis=0) + 1]
            if cardinalities is None
            else _check_cardinalities(cardinalities)
        )
        if len(cards) != len(names):
            raise ValueError(f"Got {len(cards)} cardinalities for {len(names)} variables.")
        too_big = np.argwhere(arr >= np.array(cards))
        if too_big.size:
            i, j = too_big[0]
            raise ValueError(
                f"X[{i}, {j}] = {arr[i, j]} but {names[j]!r} has {cards[j]} states "
                f"(0..{cards[j] - 1})."
            )
        alpha = check_float(alpha, "alpha", low=0.0)
        counts = np.zeros(cards) + alpha
        np.add.at(counts, tuple(arr.T), 1.0)
        return cls(counts / counts.sum(), names, states)


def check_disjoint(xs: Sequence[str], ys: Sequence[str], given: Sequence[str]):
    """``(xs, ys, given)`` if xs and ys are non-empty and the three are disjoint, else
    ValueError naming the shared variables (for independence and mutual information)."""
    if not xs or not ys:
        raise ValueError("xs and ys must each name at least one variable.")
    pairs = ((xs, ys, "xs", "ys"), (xs, given, "xs", "given"), (ys, given, "ys", "given"))
    for a, b, la, lb in pairs:
        both = [v for v in a if v in b]
        if both:
            raise ValueError(f"{both} appear in both {la} and {lb}; the sets must be disjoint.")
    return xs, ys, given


def conditional_mutual_information(p: np.ndarray) -> float:
    r"""I(X; Y | Z) in nats from a joint table ``p`` of shape (n_x, n_y, n_z) summing to 1:

    .. math:: I(X; Y \mid Z) = \sum_{x, y, z} p(x, y, z)
        \log \frac{p(x, y, z)\, p(z)}{p(x, z)\, p(y, z)} \geq 0.

    Introduced in chapter 3, chain rule and independence. Entries with p(x, y, z) = 0 add
    nothing; rounding errors below zero are clipped.
    """
    p_xz = p.sum(axis=1, keepdims=True)
    p_yz = p.sum(axis=0, keepdims=True)
    p_z = p.sum(axis=(0, 1), keepdims=True)
    support = p > 0
    # On the support of p(x, y, z) every marginal in the ratio is positive too.
    ratio = (p * p_z)[support] / (p_xz * p_yz)[support]
    return max(float(np.sum(p[support] * np.log(ratio))), 0.0)
