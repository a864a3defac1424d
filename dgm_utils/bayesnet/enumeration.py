"""Exact inference by enumeration: the definition of a conditional probability, summed out.

Introduced in chapter 4, Bayesian networks. p(variables | evidence) is the joint summed over
every assignment of the unobserved variables, then normalised. Its cost is exponential in the
number of unobserved variables: a reference for small networks, and the chapter's first
algorithm before variable elimination.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .model import BayesianNetwork

#: Enumeration visits every joint assignment of the non-evidence variables; above this many
#: it refuses (variable elimination answers the same query exactly).
ENUMERATION_LIMIT = 2**22


def check_enumerable(net: BayesianNetwork, evidence: Mapping[str, int]) -> list[str]:
    """The unobserved variables, if enumerating their assignments is within
    ``ENUMERATION_LIMIT``; else ValueError with the number of terms.

    Introduced in chapter 4, Bayesian networks.
    """
    card = net.cardinality
    free = [v for v in net.nodes if v not in evidence]
    n_terms = math.prod(card[v] for v in free)
    if n_terms > ENUMERATION_LIMIT:
        raise ValueError(
            f"Enumeration would visit {n_terms:,} joint assignments of the {len(free)} "
            f"unobserved variables (limit {ENUMERATION_LIMIT:,}, "
            "dgm_utils.bayesnet.enumeration.ENUMERATION_LIMIT); use variable elimination "
            "(net.query(variables, evidence)) instead."
        )
    return free


def enumerate_joint(
    net: BayesianNetwork, variables: Sequence[str], evidence: Mapping[str, int]
) -> np.ndarray:
    """p(variables, evidence): the joint summed over every assignment of the unobserved
    variables, vectorised (one row per term of the sum). Arguments must be checked already
    (:meth:`~dgm_utils.bayesnet.model.BayesianNetwork.check_query`); this is ``net.query(..., method="enumeration")``.

    Introduced in chapter 4, Bayesian networks.
    """
    free = check_enumerable(net, evidence)
    card, column = net.cardinality, {v: j for j, v in enumerate(net.nodes)}
    grid = np.indices([card[v] for v in free]).reshape(len(free), -1)
    X = np.empty((grid.shape[1], len(net.nodes)), dtype=np.intp)
    for v, states in zip(free, grid, strict=True):
        X[:, column[v]] = states
    for v, s in evidence.items():
        X[:, column[v]] = s
    p = np.exp(net.log_prob(X))
    table = np.zeros([card[v] for v in variables])
    np.add.at(table, tuple(X[:, column[v]] for v in variables), p)
    return table


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

    Raises
    ------
    ValueError
        As :meth:`~dgm_utils.bayesnet.model.BayesianNetwork.query`, and when the sum has more than
        ``ENUMERATION_LIMIT`` terms (refused before summing, with the count).
    """
    variables, evidence = net.check_query(variables, evidence)  # state names -> indices
    hidden = check_enumerable(net, evidence)
    table = np.zeros([net.cardinality[v] for v in variables])
    for values in itertools.product(*[range(net.cardinality[v]) for v in hidden]):
        x = {**evidence, **dict(zip(hidden, values, strict=True))}  # one full assignment
        table[tuple(x[v] for v in variables)] += net.joint_prob(x)
    return net.normalise(table, evidence)
