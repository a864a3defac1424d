"""Parameter counting: how many numbers it takes to write down p(x_1, ..., x_n).

Chapters 2 and 3 ask the lecture's representation question and answer it exactly, for any
factorisation (:func:`num_params_joint`, :func:`num_params_independent`,
:func:`num_params_markov_chain`, :func:`chain_rule_param_counts`), with Python integers so
that ``2**784 - 1`` is not rounded.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from ._validation import (
    describe,
)

__all__ = [
    "num_params_joint",
    "num_params_independent",
    "num_params_markov_chain",
    "chain_rule_param_counts",
]


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
