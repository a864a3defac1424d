"""Paired comparisons of models scored on the same test points.

Introduced in chapter 6, Neural models. Two models scored on the same images differ image
by image; the mean of those paired differences and its standard error (their standard
deviation over the square root of their number) say whether a gap is larger than the luck
of the test set. The book calls a difference clear when it is more than two standard
errors from zero, and otherwise makes no claim about which model is better.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array, check_float, describe
from .evaluation import mean_difference

__all__ = ["PairedDifference", "paired_difference", "rank_by_paired_differences"]


@dataclass(frozen=True)
class PairedDifference:
    """Mean of the paired differences ``a - b``, its standard error and the number of pairs.

    Introduced in chapter 6, Neural models.
    """

    mean: float
    se: float
    n: int

    def clear(self, n_se: float = 2.0) -> bool:
        """Whether the mean is more than ``n_se`` standard errors from zero."""
        return abs(self.mean) > n_se * self.se


def paired_difference(a, b) -> PairedDifference:
    """The paired difference ``a - b`` of two models' scores on the same test points.

    A :func:`dgm_utils.evaluation.mean_difference` with ``paired=True``, kept with the number
    of pairs and a :meth:`PairedDifference.clear` test.

    Introduced in chapter 6, Neural models.

    Parameters
    ----------
    a, b : array of shape (n_points,)
        Each model's score (e.g. negative log-likelihood) of the same points, in the same
        order.

    Returns
    -------
    PairedDifference
        ``mean`` of ``a - b``, its standard error ``std(a - b, ddof=1) / sqrt(n)`` and ``n``.

    Raises
    ------
    TypeError, ValueError
        As :func:`dgm_utils.evaluation.mean_difference`: if ``a`` or ``b`` is not a 1-D
        array of at least 2 finite numbers, or their lengths differ.

    Examples
    --------
    >>> d = paired_difference([3.0, 4.0, 5.0], [1.0, 2.0, 2.0])
    >>> round(d.mean, 3), round(d.se, 3), d.n
    (2.333, 0.333, 3)
    """
    mean, se = mean_difference(a, b, paired=True)
    return PairedDifference(mean=mean, se=se, n=len(a))


def rank_by_paired_differences(scores: Mapping[str, object], n_se: float = 2.0) -> str:
    """Models from the lowest mean score to the highest, with ``<`` or ``≈`` between them.

    Introduced in chapter 6, Neural models. Between two neighbours in that order, ``<``
    says that their paired difference is more than ``n_se`` standard errors from zero,
    ``≈`` that it is not (no claim which is better).

    Parameters
    ----------
    scores : mapping of str to array of shape (n_points,)
        Each model's scores of the same test points (lower is better, e.g. NLL).
    n_se : float, default 2.0
        How many standard errors make a difference clear.

    Returns
    -------
    str
        For example ``"NADE < FVSBN ≈ mixture"``.

    Examples
    --------
    >>> rank_by_paired_differences({"a": [2.0, 3.1, 4.0], "b": [1.0, 2.0, 3.05], "c": [1.1, 2.0, 2.9]})
    'c ≈ b < a'
    """
    if not isinstance(scores, Mapping) or len(scores) < 2:
        raise TypeError(
            "scores must be a mapping of at least two model names to arrays of scores, "
            f"got {describe(scores)}."
        )
    n_se = check_float(n_se, "n_se", low=0.0)
    arrays = {name: as_float_array(s, f"scores[{name!r}]") for name, s in scores.items()}
    for name, arr in arrays.items():
        if arr.ndim != 1 or len(arr) < 2 or not np.all(np.isfinite(arr)):
            raise ValueError(
                f"scores[{name!r}] must be a 1-D array of at least 2 finite scores (one per "
                f"test point), got {describe(arr)}."
            )
    order = sorted(arrays, key=lambda name: arrays[name].mean())
    text = order[0]
    for better, worse in zip(order, order[1:], strict=False):
        step = paired_difference(arrays[worse], arrays[better])
        text += f" {'<' if step.clear(n_se) else '≈'} {worse}"
    return text
