"""Where the discrete-distribution helpers used to live; kept so that old imports work.

The code is in three modules, one concept each: :mod:`dgm_utils.counting` (parameter
counts), :mod:`dgm_utils.joint_table` (``JointTable``) and :mod:`dgm_utils.binary_densities`
(``IndependentBernoulli``, ``BinaryMarkovChain``, ``pixel_order``).
"""

from __future__ import annotations

from .binary_densities import (  # noqa: F401
    PIXEL_ORDERS,
    BinaryMarkovChain,
    IndependentBernoulli,
    pixel_order,
)
from .counting import (  # noqa: F401
    chain_rule_param_counts,
    num_params_independent,
    num_params_joint,
    num_params_markov_chain,
)
from .joint_table import JointTable  # noqa: F401

__all__: list[str] = []  # re-exports only; each name is documented in its own module
