"""The in-memory copy's first shortest paths, on random graphs, against networkx: every
path that has `length` steps, in the order of their entities' ranks, the first `limit`."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from screengraph.graph.adjacency import Adjacency


def _copy(edges: list[tuple[int, int]], size: int, rank: list[int]) -> Adjacency:
    ends = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    sources = np.concatenate([ends[:, 0], ends[:, 1]])
    targets = np.concatenate([ends[:, 1], ends[:, 0]])
    order = np.argsort(sources, kind="stable")
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(sources, minlength=size), out=offsets[1:])
    return Adjacency(
        0, ("T",), offsets, targets[order].astype(np.int32), np.asarray(rank, np.int32), 0.0
    )


def _expected(graph: nx.Graph, a: int, b: int, limit: int, rank: list[int], hops: int):
    try:
        every = list(nx.all_shortest_paths(graph, a, b))
    except nx.NetworkXNoPath:
        return None
    if len(every[0]) - 1 > hops:
        return None
    return sorted(every, key=lambda path: [rank[n] for n in path])[:limit]


@pytest.mark.parametrize("seed", range(12))
def test_the_first_paths_are_networkxs_shortest_paths_in_rank_order(seed):
    rng = random.Random(seed)
    size = rng.randint(20, 120)
    hubs = rng.sample(range(size), 3)  # a few busy entities make many equal paths
    edges = set()
    for _ in range(int(size * rng.uniform(0.8, 2.0))):
        a = rng.choice(hubs) if rng.random() < 0.3 else rng.randrange(size)
        b = rng.randrange(size)
        if a != b:
            edges.add((a, b))
    edges |= {next(iter(edges))}  # some pairs twice: two relationships between two entities
    listed = sorted(edges) + sorted(edges)[: len(edges) // 10]
    rank = list(range(size))
    rng.shuffle(rank)
    copy = _copy(listed, size, rank)
    graph = nx.Graph(listed)
    graph.add_nodes_from(range(size))
    hops = rng.choice([3, 4, 6])
    compared = 0
    for a in range(0, size, 2):
        for b in range(a + 1, size, 3):
            limit = rng.choice([1, 3, 10])
            expected = _expected(graph, a, b, limit, rank, hops)
            found = copy.first_paths(a, b, hops, limit)
            assert found == expected, (seed, a, b, limit, hops)
            compared += found is not None and len(found) > 1
    assert compared > 0  # equally short paths were put in order
