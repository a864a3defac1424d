"""Discrete distributions: parameter counting, small joint tables, binary-vector densities.

Chapters 2 and 3 ask the lecture's representation question, *how many numbers does it take
to write down p(x_1, ..., x_n)?*, and answer it three ways:

* exactly, for any factorisation (:func:`num_params_joint`, :func:`num_params_independent`,
  :func:`num_params_markov_chain`, :func:`chain_rule_param_counts`), with Python integers so
  that ``2**784 - 1`` is not rounded;
* on a full joint table of a few variables (:class:`JointTable`), which can be marginalised,
  conditioned and split into chain-rule factors, so the chain rule and Bayes' rule can be
  checked numerically;
* on real data, with two density models of binary vectors that speak the
  ``torch.distributions`` / scikit-learn vocabulary: :class:`IndependentBernoulli`
  (n parameters) and :class:`BinaryMarkovChain` (2n - 1 parameters, along a pixel ordering
  from :func:`pixel_order`).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import NotFittedError

from ._validation import (
    check_binary,
    check_float,
    check_int,
    check_rng,
    check_sample_size,
    describe,
)

__all__ = [
    "num_params_joint",
    "num_params_independent",
    "num_params_markov_chain",
    "chain_rule_param_counts",
    "JointTable",
    "IndependentBernoulli",
    "BinaryMarkovChain",
    "pixel_order",
    "PIXEL_ORDERS",
]


# ----------------------------------------------------------------------------------------
# Parameter counting
# ----------------------------------------------------------------------------------------


def _check_cardinalities(cardinalities) -> list[int]:
    if isinstance(cardinalities, str | bytes) or not isinstance(
        cardinalities, Sequence | np.ndarray
    ):
        raise TypeError(
            "cardinalities must be a sequence of ints (the number of states of each variable), "
            f"e.g. [2] * 64, got {describe(cardinalities)}."
        )
    cards = list(cardinalities)
    if not cards:
        raise ValueError("cardinalities is empty; give the number of states of each variable.")
    out = []
    for i, k in enumerate(cards):
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TypeError(
                f"cardinalities[{i}] must be an int (a number of states), "
                f"got {type(k).__name__} {k!r}."
            )
        if k < 1:
            raise ValueError(
                f"cardinalities[{i}] must be at least 1 (a variable has at least one state), "
                f"got {int(k)}."
            )
        out.append(int(k))
    return out


def num_params_joint(cardinalities: Sequence[int]) -> int:
    r"""Free parameters of a full joint table: :math:`\prod_i k_i - 1`.

    Introduced in chapter 2, Discrete distributions. One probability per joint state, minus
    one because they sum to 1. The result is an exact Python int.

    Parameters
    ----------
    cardinalities : sequence of int
        Number of states :math:`k_i \geq 1` of each variable.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``cardinalities`` is not a sequence of ints.
    ValueError
        If it is empty or a cardinality is below 1.

    Examples
    --------
    >>> num_params_joint([256, 256, 256])  # one RGB pixel
    16777215
    >>> num_params_joint([2] * 784) == 2**784 - 1
    True
    """
    return math.prod(_check_cardinalities(cardinalities)) - 1


def num_params_independent(cardinalities: Sequence[int]) -> int:
    r"""Free parameters of the fully independent model: :math:`\sum_i (k_i - 1)`.

    Introduced in chapter 2, Discrete distributions. :math:`p(x_1, \dots, x_n) =
    \prod_i p(x_i)`, and each marginal :math:`p(x_i)` has :math:`k_i - 1` free entries.

    Parameters
    ----------
    cardinalities : sequence of int
        Number of states :math:`k_i \geq 1` of each variable.

    Returns
    -------
    int

    Examples
    --------
    >>> num_params_independent([2] * 64)
    64
    """
    return sum(k - 1 for k in _check_cardinalities(cardinalities))


def num_params_markov_chain(cardinalities: Sequence[int]) -> int:
    r"""Free parameters of a first-order Markov chain in the given variable order.

    Introduced in chapter 3, Chain rule and conditional independence.
    :math:`p(x_1, \dots, x_n) = p(x_1) \prod_{i \geq 2} p(x_i \mid x_{i-1})`, so the count is
    :math:`(k_1 - 1) + \sum_{i \geq 2} k_{i-1} (k_i - 1)`; for n binary variables,
    :math:`2n - 1`.

    Parameters
    ----------
    cardinalities : sequence of int
        Number of states :math:`k_i \geq 1` of each variable, in chain order.

    Returns
    -------
    int

    Examples
    --------
    >>> num_params_markov_chain([2] * 64)
    127
    """
    cards = _check_cardinalities(cardinalities)
    return (cards[0] - 1) + sum(a * (b - 1) for a, b in zip(cards[:-1], cards[1:], strict=True))


def chain_rule_param_counts(cardinalities: Sequence[int]) -> list[int]:
    r"""Free parameters of each chain-rule factor :math:`p(x_i \mid x_1, \dots, x_{i-1})`.

    Introduced in chapter 3, Chain rule and conditional independence. Factor i is a table
    with one distribution over :math:`k_i` states for each of the :math:`\prod_{j<i} k_j`
    settings of its parents: :math:`(k_i - 1) \prod_{j<i} k_j` numbers. For binary
    variables these are :math:`1, 2, 4, \dots, 2^{n-1}`, and the sum telescopes to
    :func:`num_params_joint`: the chain rule alone saves nothing.

    Parameters
    ----------
    cardinalities : sequence of int

    Returns
    -------
    list of int, one per variable

    Examples
    --------
    >>> chain_rule_param_counts([2, 2, 2, 2])
    [1, 2, 4, 8]
    """
    cards = _check_cardinalities(cardinalities)
    counts, prefix = [], 1
    for k in cards:
        counts.append((k - 1) * prefix)
        prefix *= k
    return counts


# ----------------------------------------------------------------------------------------
# Joint tables
# ----------------------------------------------------------------------------------------


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
        if isinstance(probs, str | bytes) or probs is None:
            raise TypeError(f"probs must be an array of probabilities, got {describe(probs)}.")
        try:
            arr = np.array(probs, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"probs must be an array of numbers, got {describe(probs)} ({exc})."
            ) from exc
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
        pz, pzx, pzy, pzxy = self._four_marginals(xs, ys, given)
        mask = pzxy > 0
        # On the support of p(x, y, z) every marginal in the ratio is positive too.
        log_ratio = np.log(np.where(mask, pzxy * pz, 1.0)) - np.log(np.where(mask, pzx * pzy, 1.0))
        return float(max(np.sum(np.where(mask, pzxy * log_ratio, 0.0)), 0.0))

    def _check_disjoint(self, xs, ys, given):
        xs, ys = self._check_vars(xs, "xs"), self._check_vars(ys, "ys")
        given = self._check_vars(given, "given")
        if not xs or not ys:
            raise ValueError("xs and ys must each name at least one variable.")
        pairs = ((xs, ys, "xs", "ys"), (xs, given, "xs", "given"), (ys, given, "ys", "given"))
        for a, b, la, lb in pairs:
            both = sorted(set(a) & set(b))
            if both:
                raise ValueError(f"{both} appear in both {la} and {lb}; the sets must be disjoint.")
        return xs, ys, given

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


# ----------------------------------------------------------------------------------------
# Pixel orderings
# ----------------------------------------------------------------------------------------

#: The orderings :func:`pixel_order` knows.
PIXEL_ORDERS = ("raster", "column", "snake", "snake-column")


def pixel_order(kind: str = "raster", shape: tuple[int, int] = (8, 8)) -> np.ndarray:
    """A visiting order of the pixels of an h x w image, as flat (row-major) indices.

    Introduced in chapter 3, Chain rule and conditional independence.

    Parameters
    ----------
    kind : {"raster", "column", "snake", "snake-column"}
        ``"raster"``: row by row, left to right (the identity); ``"column"`` (column-major):
        column by column, top to bottom; ``"snake"`` (boustrophedon): row by row, reversing
        direction on every other row so consecutive pixels are always neighbours;
        ``"snake-column"``: the same, column by column.
    shape : tuple of int, default (8, 8)
        ``(height, width)`` of the image.

    Returns
    -------
    order : array of shape (height * width,), dtype int64
        A permutation: ``order[i]`` is the flat index of the i-th pixel visited.

    Examples
    --------
    >>> pixel_order("snake", (2, 3))
    array([0, 1, 2, 5, 4, 3])
    >>> pixel_order("column", (2, 3))
    array([0, 3, 1, 4, 2, 5])
    """
    if not isinstance(kind, str):
        raise TypeError(
            f"kind must be a string, one of {list(PIXEL_ORDERS)}, got {describe(kind)}."
        )
    aliases = {"column-major": "column", "row-major": "raster", "boustrophedon": "snake"}
    kind = aliases.get(kind, kind)
    if kind not in PIXEL_ORDERS:
        raise ValueError(f"kind must be one of {list(PIXEL_ORDERS)}, got {kind!r}.")
    if not isinstance(shape, Sequence) or len(shape) != 2:
        raise TypeError(f"shape must be a pair (height, width), got {shape!r}.")
    h = check_int(shape[0], "shape[0] (height)", minimum=1)
    w = check_int(shape[1], "shape[1] (width)", minimum=1)
    grid = np.arange(h * w, dtype=np.int64).reshape(h, w)
    if kind in ("column", "snake-column"):
        grid = grid.T.copy()
    if kind.startswith("snake"):
        grid[1::2] = grid[1::2, ::-1]
    return grid.ravel()


def _check_order_array(order, n: int | None = None) -> np.ndarray:
    if isinstance(order, str | bytes):
        raise TypeError(
            f"order must be a permutation of pixel indices; for a named ordering use "
            f"pixel_order({order!r}, shape)."
        )
    arr = np.asarray(order)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"order must be a 1-D permutation of 0..n-1, got shape {arr.shape}.")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"order must hold integer pixel indices, got {describe(arr)}.")
    arr = arr.astype(np.int64)
    if n is not None and arr.size != n:
        raise ValueError(f"order has {arr.size} entries but X has {n} features; they must match.")
    if not np.array_equal(np.sort(arr), np.arange(arr.size)):
        counts = np.bincount(arr[(arr >= 0) & (arr < arr.size)], minlength=arr.size)
        missing = np.flatnonzero(counts == 0)[:5].tolist()
        raise ValueError(
            f"order must be a permutation of 0..{arr.size - 1} (each index once); "
            f"missing e.g. {missing}."
        )
    return arr


# ----------------------------------------------------------------------------------------
# Density models of binary vectors
# ----------------------------------------------------------------------------------------


def _log_bernoulli(x: np.ndarray, p: np.ndarray) -> np.ndarray:
    """log p^x (1-p)^(1-x) elementwise, exact at p in {0, 1} (no 0 * log 0 = NaN)."""
    with np.errstate(divide="ignore"):
        return np.where(x == 1, np.log(p), np.log1p(-p))


class _BinaryDensity(DensityMixin, BaseEstimator):
    """Shared plumbing: validation, fitted check, score.

    A scikit-learn estimator: ``__init__`` stores the hyperparameters as given and ``fit``
    checks them, so ``clone`` and ``GridSearchCV`` (which maximises ``score``) work.
    """

    alpha: float

    def _check_alpha(self) -> float:
        return check_float(self.alpha, "alpha", low=0.0)

    def _check_fitted(self) -> None:
        if not hasattr(self, "n_features_in_"):
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet; call fit(X) first."
            )

    def _check_X(self, X, fitted: bool = True) -> np.ndarray:
        n = self.n_features_in_ if fitted else None
        return check_binary(X, "X", n_features=n, hint="For one image use x[None, :].")

    def score(self, X, y=None) -> float:
        """Mean log-likelihood of the rows of ``X``, in nats per sample (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary
        y : ignored

        Returns
        -------
        float
        """
        return float(np.mean(self.log_prob(X)))

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class IndependentBernoulli(_BinaryDensity):
    r"""Fully independent binary pixels: :math:`p(x) = \prod_j p_j^{x_j} (1 - p_j)^{1 - x_j}`.

    Introduced in chapter 2, Discrete distributions. One parameter per pixel; the maximum
    likelihood estimate is the fraction of ones, smoothed by a Beta(alpha, alpha) prior
    (Laplace smoothing when ``alpha = 1``) so a pixel never seen on stays possible and the
    held-out log-likelihood is finite.

    Parameters
    ----------
    alpha : float, default 1.0
        Pseudo-count added to both outcomes of each pixel; 0 gives the plain MLE.

    Attributes
    ----------
    probs_ : array of shape (n_features,)
        :math:`p(x_j = 1)`.
    logits_ : array of shape (n_features,)
        :math:`\log p_j - \log(1 - p_j)`, as in ``torch.distributions.Bernoulli(logits=...)``.
    n_features_in_ : int

    Examples
    --------
    >>> X = np.array([[1, 0], [1, 1], [0, 0]])
    >>> IndependentBernoulli(alpha=0).fit(X).probs_
    array([0.66666667, 0.33333333])
    """

    def __init__(self, alpha: float = 1.0):
        self.alpha = alpha

    def __repr__(self) -> str:
        return f"IndependentBernoulli(alpha={self.alpha!r})"

    def fit(self, X, y=None) -> IndependentBernoulli:
        """Estimate each pixel's probability of being 1.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary
        y : ignored

        Returns
        -------
        self
        """
        alpha = self._check_alpha()
        X = self._check_X(X, fitted=False)
        # Counts and alpha divided by max(alpha, 1) (exact for alpha <= 1): n + 2 alpha cannot
        # overflow for a huge alpha, which then gives p_j = 1/2 as it should.
        s = max(alpha, 1.0)
        a, n = alpha / s, X.shape[0] / s
        self.probs_ = (X.sum(axis=0) / s + a) / (n + 2 * a)
        with np.errstate(divide="ignore"):
            self.logits_ = np.log(self.probs_) - np.log1p(-self.probs_)
        self.n_features_in_ = X.shape[1]
        return self

    def log_prob(self, X) -> np.ndarray:
        r""":math:`\log p(x)` of each row, in nats.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary

        Returns
        -------
        array of shape (n_samples,)
        """
        self._check_fitted()
        X = self._check_X(X)
        return _log_bernoulli(X, self.probs_).sum(axis=1)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n`` independent binary vectors.

        Parameters
        ----------
        n : int
        rng : numpy.random.Generator

        Returns
        -------
        array of shape (n, n_features), dtype uint8
        """
        self._check_fitted()
        # uniforms (8 bytes), their comparison (1) and the uint8 result (1) per pixel
        n = check_sample_size(n, "n", bytes_per_sample=10 * self.n_features_in_)
        rng = check_rng(rng)
        return (rng.random((n, self.n_features_in_)) < self.probs_).astype(np.uint8)

    def num_params(self) -> int:
        """Number of free parameters: one per feature (see :func:`num_params_independent`)."""
        self._check_fitted()
        return num_params_independent([2] * self.n_features_in_)


class BinaryMarkovChain(_BinaryDensity):
    r"""A first-order Markov chain over binary pixels along an ordering.

    Introduced in chapter 3, Chain rule and conditional independence. With
    :math:`o = (o_1, \dots, o_n)` the visiting order,

    .. math:: p(x) = p(x_{o_1}) \prod_{i=2}^{n} p(x_{o_i} \mid x_{o_{i-1}}),

    i.e. :math:`X_{o_{i+1}} \perp X_{o_1}, \dots, X_{o_{i-1}} \mid X_{o_i}`. It has
    :math:`1 + 2(n - 1) = 2n - 1` parameters: :math:`p(x_{o_1} = 1)`, and for each later
    pixel, the probability of a 1 after a 0 and after a 1. Each is estimated by counting, with
    Beta(alpha, alpha) smoothing.

    Parameters
    ----------
    order : array-like of int, optional
        A permutation of ``0 .. n_features - 1`` (e.g. from :func:`pixel_order`); raster order
        ``0, 1, ..., n-1`` by default.
    alpha : float, default 1.0
        Pseudo-count added to both outcomes of every conditional distribution.

    Attributes
    ----------
    order_ : array of shape (n_features,)
    initial_prob_ : float
        :math:`p(x_{o_1} = 1)`.
    transition_probs_ : array of shape (n_features - 1, 2)
        ``transition_probs_[i, a]`` is :math:`p(x_{o_{i+2}} = 1 \mid x_{o_{i+1}} = a)`
        (0-based: the probability that pixel ``order_[i + 1]`` is 1 given pixel
        ``order_[i]`` equals ``a``).
    n_features_in_ : int

    Examples
    --------
    >>> X = np.array([[0, 0, 1], [1, 1, 1], [0, 1, 1]])
    >>> chain = BinaryMarkovChain(alpha=0).fit(X)
    >>> chain.num_params()
    5
    >>> chain.transition_probs_
    array([[0.5, 1. ],
           [1. , 1. ]])
    """

    def __init__(self, order=None, alpha: float = 1.0):
        self.order = order
        self.alpha = alpha

    def __repr__(self) -> str:
        order = "raster" if self.order is None else f"<{np.size(self.order)} indices>"
        return f"BinaryMarkovChain(order={order}, alpha={self.alpha!r})"

    def fit(self, X, y=None) -> BinaryMarkovChain:
        """Estimate the first pixel's probability and every transition table by counting.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary
        y : ignored

        Returns
        -------
        self
        """
        alpha = self._check_alpha()
        X = self._check_X(X, fitted=False)
        n, d = X.shape
        order = np.arange(d) if self.order is None else _check_order_array(self.order, d)
        Xo = X[:, order]
        prev, nxt = Xo[:, :-1], Xo[:, 1:]
        # Counts N(prev = a) and N(prev = a, next = 1) for every consecutive pair.
        ones_after_1 = (prev * nxt).sum(axis=0)
        ones_after_0 = ((1 - prev) * nxt).sum(axis=0)
        n1 = prev.sum(axis=0)
        n0 = n - n1
        self.order_ = order
        # Counts and alpha divided by max(alpha, 1) (exact for alpha <= 1), so that
        # N + 2 alpha cannot overflow for a huge alpha.
        s = max(alpha, 1.0)
        a = alpha / s
        self.initial_prob_ = float((Xo[:, 0].sum() / s + a) / (n / s + 2 * a))
        with np.errstate(invalid="ignore", divide="ignore"):
            trans = np.stack(
                [
                    (ones_after_0 / s + a) / (n0 / s + 2 * a),
                    (ones_after_1 / s + a) / (n1 / s + 2 * a),
                ],
                axis=1,
            )
        # With alpha = 0 a state never seen as a parent leaves 0/0; any value gives the same
        # likelihood on the training data, so use the next pixel's overall frequency.
        unseen = ~np.isfinite(trans)
        if unseen.any():
            marginal = np.broadcast_to(nxt.mean(axis=0)[:, None], trans.shape)
            trans[unseen] = marginal[unseen]
        self.transition_probs_ = trans
        self.n_features_in_ = d
        return self

    def log_prob(self, X) -> np.ndarray:
        r""":math:`\log p(x)` of each row, in nats.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), binary

        Returns
        -------
        array of shape (n_samples,)
        """
        self._check_fitted()
        X = self._check_X(X)
        Xo = X[:, self.order_].astype(np.int64)
        first = _log_bernoulli(Xo[:, 0], np.float64(self.initial_prob_))
        # p(x_{o_{i+1}} = 1 | x_{o_i}) for each sample and step, picked from the table.
        p_next = self.transition_probs_[np.arange(self.n_features_in_ - 1), Xo[:, :-1]]
        return first + _log_bernoulli(Xo[:, 1:], p_next).sum(axis=1)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Ancestral sampling along the order, all ``n`` samples at once.

        Parameters
        ----------
        n : int
        rng : numpy.random.Generator

        Returns
        -------
        array of shape (n, n_features), dtype uint8, pixels in their original positions
        """
        self._check_fitted()
        # uniforms (8 bytes) and the uint8 result (1) per pixel
        n = check_sample_size(n, "n", bytes_per_sample=9 * self.n_features_in_ + 16)
        rng = check_rng(rng)
        d = self.n_features_in_
        u = rng.random((n, d))
        out = np.empty((n, d), dtype=np.uint8)
        prev = (u[:, 0] < self.initial_prob_).astype(np.uint8)
        out[:, self.order_[0]] = prev
        for i in range(1, d):
            prev = (u[:, i] < self.transition_probs_[i - 1, prev]).astype(np.uint8)
            out[:, self.order_[i]] = prev
        return out

    def num_params(self) -> int:
        """Number of free parameters, 2n - 1 (see :func:`num_params_markov_chain`)."""
        self._check_fitted()
        return num_params_markov_chain([2] * self.n_features_in_)
