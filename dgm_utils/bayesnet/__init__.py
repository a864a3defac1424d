"""Bayesian networks over discrete variables: a DAG and one conditional probability table per node.

Introduced in chapter 4, Bayesian networks. The joint distribution factorises along the graph,

.. math:: p(x_1, \\dots, x_n) = \\prod_i p(x_i \\mid x_{\\mathrm{pa}(i)}),

and everything here (sampling, exact inference, d-separation, parameter counts) works from
that factorisation. As in pgmpy, the model and its algorithms live apart:

* :mod:`~dgm_utils.bayesnet.graph`: :class:`DAG`, the graph and its d-separations;
* :mod:`~dgm_utils.bayesnet.model`: :class:`BayesianNetwork`, a DAG with one CPT per node;
* :mod:`~dgm_utils.bayesnet.sampling`: ancestral sampling;
* :mod:`~dgm_utils.bayesnet.enumeration`: exact inference by enumeration (the definition);
* :mod:`~dgm_utils.bayesnet.elimination`: exact inference by variable elimination;
* :mod:`~dgm_utils.bayesnet.ordering`: elimination orderings and their cost;
* :mod:`~dgm_utils.bayesnet.networks`: the student network and random networks.

Graph algorithms (topological order, cycles, ancestors, d-separation) come from networkx.
"""

from .elimination import VariableElimination
from .enumeration import enumerate_query
from .graph import DAG
from .model import BayesianNetwork
from .networks import random_network, student_network
from .sampling import ancestral_sample

__all__ = [
    "DAG",
    "BayesianNetwork",
    "VariableElimination",
    "ancestral_sample",
    "enumerate_query",
    "random_network",
    "student_network",
]
