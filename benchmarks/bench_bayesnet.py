"""Speed of dgm_utils.bayesnet on an ALARM-sized random network, against simple references.

Run: python benchmarks/bench_bayesnet.py              (random ALARM-sized network)
     python benchmarks/bench_bayesnet.py --bnlearn    (bnlearn networks, against pgmpy)
     python benchmarks/bench_bayesnet.py --bnlearn andes munin   (some of them)

Targets (issue 4): on a random network of 37 nodes and 46 edges with 2-4 states per node,
1,000,000 ancestral samples in under 1 s and one conditional query with evidence in under
5 ms. References in the same run: a per-sample Python loop (the textbook ancestral sampler)
and inference by enumeration on networks small enough to enumerate (also the correctness
check); pgmpy's VariableElimination if pgmpy happens to be installed (it is not a dependency).

Targets of --bnlearn (issue 23), on the bnlearn networks that pgmpy ships offline, over 30
seeded random queries of one variable given 1-3 observed ones (and on munin given 8 and 30
observed leaves): the median first call, planning included, at most half of pgmpy's
VariableElimination on every network, and no query more than 2x slower than pgmpy. Ours
plans afresh for every call (VariableElimination(net, cache_plans=False)).
"""

from __future__ import annotations

import math
import statistics
import sys
import timeit
import warnings

import networkx as nx
import numpy as np

from dgm_utils.bayesnet import BayesianNetwork, VariableElimination, random_network


def timings(fn, repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` calls of ``fn()`` (timeit: garbage collection off)."""
    return timeit.repeat(fn, repeat=repeat, number=1)


def ancestors(net: BayesianNetwork, vs) -> set[str]:
    """The nodes vs and all their ancestors."""
    graph = net.to_networkx()
    return set(vs).union(*(nx.ancestors(graph, v) for v in vs))


def loop_sampler(net: BayesianNetwork, n: int, rng: np.random.Generator) -> np.ndarray:
    """The textbook ancestral sampler: one Python-level draw per node per sample."""
    cpts, parents, index = net.cpts, net.parents, {v: j for j, v in enumerate(net.nodes)}
    out = np.empty((n, len(net.nodes)), dtype=np.int64)
    order = net.topological_order()
    for i in range(n):
        for v in order:
            row = cpts[v][tuple(out[i, index[p]] for p in parents[v])]
            out[i, index[v]] = rng.choice(len(row), p=row)
    return out


def pgmpy_engine(net: BayesianNetwork):
    """pgmpy's VariableElimination on the same network, or None if pgmpy is not installed."""
    try:
        from pgmpy.factors.discrete import TabularCPD
        from pgmpy.inference import VariableElimination

        try:
            from pgmpy.models import DiscreteBayesianNetwork as Model
        except ImportError:
            from pgmpy.models import BayesianNetwork as Model
    except ImportError:
        return None
    model = Model([(p, v) for v, pa in net.parents.items() for p in pa])
    model.add_nodes_from(net.nodes)
    card = net.cardinality
    for v, pa in net.parents.items():
        model.add_cpds(
            TabularCPD(
                v,
                card[v],
                net.cpts[v].reshape(-1, card[v]).T,
                evidence=pa or None,
                evidence_card=[card[p] for p in pa] or None,
            )
        )
    return VariableElimination(model)


def main() -> None:
    rng = np.random.default_rng(0)
    net = random_network(37, 46, (2, 4), rng)
    print(
        f"Network: {len(net.nodes)} nodes, {sum(map(len, net.parents.values()))} edges, "
        f"{net.num_params()} free parameters, states per node 2-4"
    )
    print()

    # --- ancestral sampling -----------------------------------------------------------
    n = 1_000_000
    sample_times = timings(lambda: net.sample(n, rng), repeat=5)
    n_loop = 2_000
    loop_time = min(timings(lambda: loop_sampler(net, n_loop, rng), repeat=1))
    ours = min(sample_times)
    loop_per_million = loop_time * n / n_loop
    print("Ancestral sampling, 1,000,000 samples (target < 1 s)")
    print(
        f"  dgm_utils vectorised      best {ours:7.3f} s   median {statistics.median(sample_times):7.3f} s"
    )
    print(
        f"  per-sample Python loop    {loop_per_million:7.1f} s (extrapolated from {n_loop:,} samples)"
        f"   ratio {loop_per_million / ours:,.0f}x"
    )
    print()

    # --- one conditional query ----------------------------------------------------------
    # Observe the three nodes with most ancestors and query a fourth one: most of the network
    # is then relevant (nodes that are not ancestors of query or evidence are pruned).
    by_ancestors = sorted(net.nodes, key=lambda v: -len(ancestors(net, [v])))
    observed, variables = by_ancestors[:3], [by_ancestors[3]]
    evidence = dict.fromkeys(observed, 1)
    relevant = len(ancestors(net, [*observed, *variables]))
    first = timings(lambda: net.query(variables, evidence), repeat=1)[0]  # builds the plan
    cached = timings(lambda: net.query(variables, dict.fromkeys(observed, 0)), 200)
    fresh_times = []
    for k in range(20):  # a new network and query each time: the plan is always built
        fresh = random_network(37, 46, (2, 4), np.random.default_rng(100 + k))
        order = sorted(fresh.nodes, key=lambda v: -len(ancestors(fresh, [v])))
        ev = dict.fromkeys(order[:3], 0)
        fresh_times += timings(lambda f=fresh, e=ev, q=order[3]: f.query(q, e), repeat=1)
    half = [v for v in net.nodes if v not in variables][::2]
    many = timings(lambda: net.query(variables, dict.fromkeys(half, 0)), 50)
    print(
        f"One query p({variables[0]} | {', '.join(observed)}) ({relevant} relevant nodes) "
        "(target < 5 ms)"
    )
    print(f"  first call, plan included        {first * 1e3:7.3f} ms")
    print(
        f"  20 new networks, plan included   median {statistics.median(fresh_times) * 1e3:7.3f} ms"
        f"   max {max(fresh_times) * 1e3:7.3f} ms"
    )
    print(f"  cached plan, new evidence values median {statistics.median(cached) * 1e3:7.3f} ms")
    print(
        f"  with {len(half)} observed variables      median {statistics.median(many) * 1e3:7.3f} ms"
    )
    engine = pgmpy_engine(net)
    if engine is not None:
        import pgmpy

        def pgmpy_query():
            return engine.query(variables, evidence=evidence, show_progress=False)

        pg = timings(pgmpy_query, repeat=20)
        factor = pgmpy_query()
        diff = np.abs(factor.values - net.query(variables, evidence)).max()
        print(
            f"  pgmpy {pgmpy.__version__} VariableElimination median "
            f"{statistics.median(pg) * 1e3:7.3f} ms   ratio "
            f"{statistics.median(pg) / statistics.median(cached):.0f}x   max |diff| {diff:.1e}"
        )
    else:
        print("  pgmpy not installed: compared with enumeration below only")
    print()

    # --- agreement with enumeration, where enumeration is feasible ---------------------------
    print("Variable elimination vs enumeration on enumerable networks (20 binary nodes, 28 edges)")
    worst, t_enum, t_ve = 0.0, [], []
    for k in range(10):
        small = random_network(20, 28, (2, 2), np.random.default_rng(k))
        srng = np.random.default_rng(1000 + k)
        names = list(srng.permutation(small.nodes))
        q, ev = names[:2], {v: int(srng.integers(small.cardinality[v])) for v in names[2:5]}
        t_enum += timings(lambda s=small, q=q, e=ev: s.query(q, e, method="enumeration"), 1)
        t_ve += timings(lambda s=small, q=q, e=ev: s.query(q, e), 1)
        exact = small.query(q, ev, method="enumeration")
        worst = max(worst, float(np.abs(exact - small.query(q, ev)).max()))
    print(f"  enumeration        median {statistics.median(t_enum) * 1e3:8.3f} ms")
    print(
        f"  variable elim.     median {statistics.median(t_ve) * 1e3:8.3f} ms   ratio "
        f"{statistics.median(t_enum) / statistics.median(t_ve):,.0f}x"
    )
    print(f"  max |difference| over 10 networks: {worst:.1e}")


# ---------------------------------------------------------------------- bnlearn networks

#: The bnlearn networks that pgmpy ships (pgmpy/utils/example_models), smallest first.
BNLEARN = ("hepar2", "win95pts", "barley", "andes", "pathfinder", "munin")
N_QUERIES = 30


def from_pgmpy(model) -> BayesianNetwork:
    """The same network as a dgm_utils BayesianNetwork (CPT axes: parents, then the node)."""
    parents, cpts, states = {}, {}, {}
    for v in model.nodes():
        cpd = model.get_cpds(v)
        parents[v] = list(cpd.variables[1:])
        cpts[v] = np.moveaxis(cpd.values, 0, -1)
        states[v] = list(cpd.state_names[v])
    return BayesianNetwork(parents, cpts, states)


def bnlearn_queries(net: BayesianNetwork, rng: np.random.Generator, *, leaves: int = 0):
    """N_QUERIES (query variable, evidence) pairs; evidence values come from a joint sample,
    so that the evidence has positive probability. With ``leaves``, that many observed leaves
    (nodes without children) instead of 1-3 observed nodes anywhere."""
    parents = net.parents
    has_child = {p for pa in parents.values() for p in pa}
    leaf_nodes = [v for v in net.nodes if v not in has_child]
    out = []
    for _ in range(N_QUERIES):
        x = net.sample(1, rng)[0]
        if leaves:
            observed = list(rng.choice(leaf_nodes, size=leaves, replace=False))
            q = rng.choice([v for v in net.nodes if v not in observed])
        else:
            chosen = rng.choice(net.nodes, size=1 + int(rng.integers(1, 4)), replace=False)
            q, observed = chosen[0], list(chosen[1:])
        evidence = {str(v): net.states[v][x[net.nodes.index(v)]] for v in observed}
        out.append((str(q), evidence))
    return out


def first_calls(net: BayesianNetwork, engine, queries, repeat: int = 3) -> tuple[list, list, float]:
    """Seconds of the first call of each query, ours (planning included: an engine that
    keeps no plans) and pgmpy's, best of ``repeat``; and the largest difference between the
    answers. timeit turns garbage collection off inside a timed call, so that a collection
    triggered by the other library's allocations does not land on a random call."""
    ours_engine = VariableElimination(net, cache_plans=False)
    ours, theirs, worst = [], [], 0.0
    for q, evidence in queries:
        # Alternated, so that both libraries meet the same machine load.
        best_ours, best_theirs = math.inf, math.inf
        for _ in range(repeat):
            best_ours = min(
                best_ours, *timings(lambda q=q, e=evidence: ours_engine.query([q], e), 1)
            )
            best_theirs = min(
                best_theirs,
                *timings(
                    lambda q=q, e=evidence: engine.query([q], evidence=e, show_progress=False), 1
                ),
            )
        ours.append(best_ours)
        theirs.append(best_theirs)
        table = ours_engine.query([q], evidence)
        factor = engine.query([q], evidence=evidence, show_progress=False)
        expected = factor.values[[factor.state_names[q].index(s) for s in net.states[q]]]
        worst = max(worst, float(np.abs(table - expected).max()))
    return ours, theirs, worst


def bnlearn_main(names) -> None:
    import pgmpy
    from pgmpy.inference import VariableElimination
    from pgmpy.utils import get_example_model

    print(
        f"First call of a new query (planning included), dgm_utils vs pgmpy {pgmpy.__version__} "
        f"VariableElimination; {N_QUERIES} random queries per row (one query variable), each "
        "timed as the best of 3 calls"
    )
    head = (
        f"{'network':<26}{'nodes':>6}{'edges':>6}{'params':>8}  "
        f"{'median ours':>11}{'pgmpy':>10}{'ratio':>7}  {'worst ours':>10}{'pgmpy':>10}"
        f"{'worst ratio':>12}{'max |diff|':>11}"
    )
    print(head)
    rows = [(name, 0) for name in names]
    if "munin" in names:
        rows += [("munin", 8), ("munin", 30)]
    cache = {}
    for k, (name, leaves) in enumerate(rows):
        if name not in cache:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = get_example_model(name)
            cache[name] = (from_pgmpy(model), VariableElimination(model))
        net, engine = cache[name]
        queries = bnlearn_queries(net, np.random.default_rng(k), leaves=leaves)
        ours, theirs, worst = first_calls(net, engine, queries)
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        i = int(np.argmax(ours))
        label = name + (f", {leaves} obs. leaves" if leaves else ", 1-3 observed")
        n_edges = sum(map(len, net.parents.values()))
        print(
            f"{label:<26}{len(net.nodes):>6}{n_edges:>6}{net.num_params():>8}  "
            f"{statistics.median(ours) * 1e3:>8.2f} ms{statistics.median(theirs) * 1e3:>7.2f} ms"
            f"{statistics.median(ours) / statistics.median(theirs):>7.2f}  "
            f"{ours[i] * 1e3:>7.2f} ms{theirs[i] * 1e3:>7.2f} ms{max(ratios):>12.2f}{worst:>11.1e}"
        )


if __name__ == "__main__":
    if "--bnlearn" in sys.argv[1:]:
        bnlearn_main([a for a in sys.argv[1:] if a != "--bnlearn"] or list(BNLEARN))
    else:
        main()
