"""Walks over random job graphs, in both layouts: merges, diamonds, missing
parents and cycles. Whatever the shape, every reachable job is walked once,
the walk ends, and the matches are what a plain search of the graph finds."""

import json
import random

import pytest

from extractor.language.registry import Registry
from extractor.language.relations import Relation
from extractor.run.related import RelatedJobs
from tests.fixturegen import JobFixture, v4_job_doc, v5_job_doc
from tests.fixturegen.documents import project_doc
from tests.test_related import context_of

SEEDS = range(12)


def random_graph(seed: int, layout: str):
    """{uid: (type, [parent uids])}: homogeneous reconstructions fed by the particles of earlier jobs, some
    of them refinements; now and then a parent that is missing, or a later job (a cycle)."""
    rng = random.Random(seed)
    graph = {}
    for n in range(1, rng.randint(4, 16)):
        earlier = list(graph)
        parents = rng.sample(earlier, min(len(earlier), rng.choice((0, 1, 1, 1, 2, 3))))
        if rng.random() < 0.1:
            parents.append("J99")  # deleted
        graph[f"J{n}"] = ("homo_refine_new" if rng.random() < 0.3 else "homo_reconstruct", parents)
    if rng.random() < 0.4 and len(graph) > 2:  # a cycle: the first job fed by the last
        first = graph["J1"]
        graph["J1"] = (first[0], first[1] + [f"J{len(graph)}"])
    return graph


def write(graph, layout, root):
    jobs = [JobFixture(uid, job_type, layout=layout, box=64, psize_A=1.1, particle_count=1000 + int(uid[1:]),
                       gsfsc_A=3.0, parents=tuple(("particles", p, "particles") for p in parents))
            for uid, (job_type, parents) in graph.items()]
    (root / "project.json").write_text(json.dumps(project_doc("P77", "graph", "P77", jobs)))
    for job in jobs:
        (root / job.uid).mkdir()
        (root / job.uid / "job.json").write_text(json.dumps((v4_job_doc if layout == "v4" else v5_job_doc)(job, "P77")))


def reachable(graph, start, stop_type=None):
    """Jobs reachable from start through parents, and the matches (stop_type jobs, not looked past)."""
    seen, matches, todo = {start}, set(), [start]
    while todo:
        uid = todo.pop()
        if uid != start and graph[uid][0] == stop_type:
            matches.add(uid)
            continue
        for parent in graph[uid][1]:
            if parent in graph and parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen, matches


@pytest.mark.parametrize("layout", ["v4", "v5"])
@pytest.mark.parametrize("seed", SEEDS)
def test_random_graphs(tmp_path, layout, seed):
    graph = random_graph(seed, layout)
    write(graph, layout, tmp_path)
    registry = Registry()
    related = RelatedJobs(registry)
    last = f"J{len(graph)}"
    context = context_of(tmp_path, last, registry)
    everything = related.walk(context, Relation("a", "upstream", ("particles",), None, ("none",), True, tmp_path, 1))
    walked = [step["juid"] for step in everything.steps]
    seen, _ = reachable(graph, last)
    assert sorted(walked) == sorted(seen) and len(walked) == len(set(walked))
    cycle_notes = [s for s in everything.steps if "a cycle" in s.get("note", "")]
    missing_notes = [s for s in everything.steps if "J99" in s.get("note", "")]
    assert {s["juid"] for s in missing_notes} == {u for u in seen if "J99" in graph[u][1]}
    assert bool(cycle_notes) == ("J1" in seen and last in graph["J1"][1])
    nearest = related.walk(context, Relation("r", "upstream", ("particles",), None, ("homo_refine_new",), False,
                                             tmp_path, 1))
    assert {node.uid for node in nearest.matches} == reachable(graph, last, "homo_refine_new")[1]
    assert set(related.documents_read.values()) <= {1}  # each job read once, however many paths reach it
