"""Independent references for the Bayesian-network tests: the joint table by an explicit loop
over every assignment (no log space, no vectorisation), and queries and independence gaps
read off it."""

import itertools

import networkx as nx
import numpy as np

from dgm_utils.bayesnet import BayesianNetwork, random_network, student_network


def brute_joint(net: BayesianNetwork) -> np.ndarray:
    """The joint table (one axis per node, in net.nodes order) by multiplying CPT entries
    in an explicit loop over every assignment: no log space, no vectorisation."""
    nodes, parents, cpts, card = net.nodes, net.parents, net.cpts, net.cardinality
    joint = np.zeros([card[v] for v in nodes])
    for x in itertools.product(*(range(card[v]) for v in nodes)):
        value = dict(zip(nodes, x, strict=True))
        p = 1.0
        for v in nodes:
            p *= cpts[v][tuple(value[u] for u in parents[v]) + (value[v],)]
        joint[x] = p
    return joint


def brute_query(net, joint, variables, evidence):
    """p(variables | evidence) from the full joint table: slice, sum, normalise."""
    nodes = net.nodes
    index = tuple(evidence.get(v, slice(None)) for v in nodes)
    sliced = joint[index]
    kept = [v for v in nodes if v not in evidence]
    summed = sliced.sum(axis=tuple(i for i, v in enumerate(kept) if v not in variables))
    remaining = [v for v in kept if v in variables]
    table = np.transpose(summed, [remaining.index(v) for v in variables])
    return table / table.sum()


def independence_gap(net, joint, x, y, given):
    """max |p(x, y, z) p(z) - p(x, z) p(y, z)| over all states, from the joint table."""
    nodes = net.nodes
    keep = [x, y, *given]
    axes = tuple(i for i, v in enumerate(nodes) if v not in keep)
    p = np.transpose(joint.sum(axis=axes), [[v for v in nodes if v in keep].index(v) for v in keep])
    p_z = p.sum(axis=(0, 1), keepdims=True)
    return np.abs(p * p_z - p.sum(axis=1, keepdims=True) * p.sum(axis=0, keepdims=True)).max()


def as_digraph(net) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(net.nodes)
    g.add_edges_from((p, v) for v, pa in net.parents.items() for p in pa)
    return g


def small_networks():
    rng = np.random.default_rng(2024)
    nets = [student_network()]
    for n_nodes, n_edges in [(5, 6), (6, 8), (7, 9), (7, 12), (8, 10)]:
        nets.append(random_network(n_nodes, n_edges, (2, 3), rng, max_parents=None))
    return nets


STUDENT = student_network()
STUDENT_JOINT = brute_joint(STUDENT)


def two_nodes(**overrides):
    spec = {
        "parents": {"A": [], "B": ["A"]},
        "cpts": {"A": [0.4, 0.6], "B": [[0.1, 0.9], [0.7, 0.3]]},
    }
    spec.update(overrides)
    return BayesianNetwork(**spec)


def student_cpts(**changes):
    cpts = {v: np.array(c) for v, c in STUDENT.cpts.items()}
    cpts.update(changes)
    return cpts
