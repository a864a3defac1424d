"""Conditional probability tables: their checks, and their entries in words.

Introduced in chapter 4, Bayesian networks. A CPT is an array of shape
``(*parent_cards, child_card)`` whose last axis sums to 1; these functions check one as
:class:`~dgm_utils.bayesnet.model.BayesianNetwork` receives it, and name or print its entries.
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from .._validation import as_float_array, describe

_ROW_ATOL = 1e-6


def _fmt_sum(s: float) -> str:
    text = f"{s:.2f}"
    return text if text != "1.00" else f"{s:.8f}".rstrip("0")


def cpd_name(v: str, parents: Sequence[str]) -> str:
    return f"P({v} | {', '.join(parents)})" if parents else f"P({v})"


def check_states(states, nodes) -> dict[str, list | None]:
    result: dict[str, list | None] = dict.fromkeys(nodes)
    if states is None:
        return result
    if not isinstance(states, Mapping):
        raise TypeError(
            f"states must be a dict of node -> list of state names, got {describe(states)}."
        )
    for node, names in states.items():
        if node not in result:
            raise ValueError(
                f"states names an unknown variable {node!r}; known variables: {nodes}."
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


def check_cpts(cpts, parents, states) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    nodes = list(parents)
    if not isinstance(cpts, Mapping):
        raise TypeError(f"cpts must be a dict of node -> array, got {describe(cpts)}.")
    unknown = [v for v in cpts if v not in parents]
    if unknown:
        raise ValueError(
            f"cpts has an entry for unknown variable {unknown[0]!r}; known variables: "
            f"{nodes}. Add it to parents (parents[{unknown[0]!r}] = [...]) first."
        )
    missing = [v for v in nodes if v not in cpts]
    if missing:
        raise ValueError(
            f"No CPT for {missing[0]!r}: every node needs cpts[{missing[0]!r}] of shape "
            "(*parent cardinalities, own cardinality)."
        )
    arrays: dict[str, np.ndarray] = {}
    for v in nodes:
        raw = cpts[v]
        arr = as_float_array(raw, f"CPT for {v!r}")
        if arr.ndim == 0 or arr.shape[-1] == 0:
            raise ValueError(
                f"CPT for {v!r} has shape {arr.shape}; the last axis must list {v}'s states."
            )
        arrays[v] = arr
    card = {v: int(arrays[v].shape[-1]) for v in nodes}
    for v, names in states.items():
        if names is not None and len(names) != card[v]:
            raise ValueError(
                f"states[{v!r}] lists {len(names)} states {names}, but the CPT of {v!r} has "
                f"{card[v]} along its last axis."
            )
    checked: dict[str, np.ndarray] = {}
    for v in nodes:
        arr, pa = arrays[v], parents[v]
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
                f"{label(states, pa + (v,), where)}."
            )
        if (arr < 0).any():
            where = tuple(int(i) for i in np.argwhere(arr < 0)[0])
            raise ValueError(
                f"CPT for {v!r} has a negative entry {arr[where]:.3g} at "
                f"{label(states, pa + (v,), where)}; probabilities are non-negative."
            )
        sums = arr.sum(axis=-1)
        bad = np.abs(sums - 1.0) > _ROW_ATOL
        if bad.any():
            row = tuple(int(i) for i in np.argwhere(bad)[0])
            which = f"the row for {label(states, pa, row)}" if pa else "its only row"
            raise ValueError(
                f"CPT for {v!r} is not normalised: {which} sums to {_fmt_sum(sums[row])}, "
                f"expected 1. The child's states lie along the last axis."
            )
        arr = arr / sums[..., None]
        arr.setflags(write=False)
        checked[v] = arr
    return checked, card


def label(states: Mapping[str, list | None], variables: Sequence[str], index: Sequence[int]) -> str:
    """``(D=hard, I=low)``: an index into a CPT, in the variables' state names."""
    parts = [
        f"{v}={states[v][i] if states[v] is not None else i}"
        for v, i in zip(variables, index, strict=True)
    ]
    return "(" + ", ".join(parts) + ")"


def check_assignments(X, index: Mapping[str, int], card: Mapping[str, int]) -> np.ndarray:
    nodes = list(index)
    d = len(nodes)
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
            f"Expected X of shape (n, {d}) (one column per node, in the order {nodes}), "
            f"got {arr.shape}.{hint}"
        )
    if np.issubdtype(arr.dtype, np.floating):
        if not np.isfinite(arr).all() or (arr != np.round(arr)).any():
            raise ValueError("X must hold whole-number state indices; got non-integer values.")
        arr = arr.astype(np.intp)
    for v, j in index.items():
        col = arr[:, j]
        bad = (col < 0) | (col >= card[v])
        if bad.any():
            raise ValueError(
                f"X[:, {j}] (variable {v!r}) has state {col[bad][0]}; {v!r} has states "
                f"0 to {card[v] - 1}."
            )
    return arr


def cpt_table(node: str, pa: Sequence[str], cpt: np.ndarray, states, decimals: int) -> str:
    """The text table of :meth:`BayesianNetwork.describe_cpt`: one row per parent assignment."""
    rows_p = cpt.reshape(-1, cpt.shape[-1])
    rows = [
        ", ".join(f"{p}={states[p][i]}" for p, i in zip(pa, idx, strict=True))
        for idx in itertools.product(*(range(len(states[p])) for p in pa))
    ]
    head = [f"{node}={states[node][s]}" for s in range(cpt.shape[-1])]
    width = max(len(cpd_name(node, pa)), *(len(r) for r in rows))
    col = max(decimals + 3, *(len(h) for h in head))
    lines = [cpd_name(node, pa).ljust(width) + "  " + "  ".join(h.rjust(col) for h in head)]
    for r, probs in zip(rows, rows_p, strict=True):
        lines.append(
            r.ljust(width) + "  " + "  ".join(f"{q:.{decimals}f}".rjust(col) for q in probs)
        )
    return "\n".join(lines)


def state_index(names: list | None, card: int, v: str, value) -> int:
    """The index of state ``value`` (a name in ``names`` or an index) of ``v``, or ValueError."""
    if names is not None and not isinstance(value, np.ndarray):
        try:
            if value in names:
                return names.index(value)
        except TypeError:  # an unhashable or incomparable value: not a name
            pass
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if 0 <= int(value) < card:
            return int(value)
    known = f"{names} or an index 0 to {card - 1}" if names else (f"indices 0 to {card - 1}")
    raise ValueError(f"Unknown state {value!r} for {v!r}; known states: {known}.")
