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


def sibling_graph(seed: int):
    """random_graph, then siblings: jobs fed by the very same parents as an earlier job (maps refined from
    one particle stack), some of them also a parent of their own sibling's ancestors (a cycle through them)."""
    rng = random.Random(seed)
    graph = random_graph(seed, "v4")
    for n in range(len(graph) + 1, len(graph) + 6):
        twin = rng.choice([uid for uid, (_, parents) in graph.items() if parents])
        graph[f"J{n}"] = ("homo_reconstruct", list(graph[twin][1]))
        if rng.random() < 0.3:  # one of the shared parents is fed by this sibling
            parent = graph[twin][1][0]
            if parent in graph:
                graph[parent] = (graph[parent][0], graph[parent][1] + [f"J{n}"])
    return graph


@pytest.mark.parametrize("seed", SEEDS)
def test_walks_from_jobs_of_the_same_parents_are_each_their_own(tmp_path, seed):
    """One RelatedJobs walks from every job, siblings one after another (a walk taken from a sibling's where it
    can be): each walks what a plain search finds from it, a cycle only where one goes through it, and step
    for step what a RelatedJobs of its own walks."""
    graph = sibling_graph(seed)
    write(graph, "v4", tmp_path)
    registry = Registry()
    shared = RelatedJobs(registry)
    every = Relation("a", "upstream", ("particles",), None, ("none",), True, tmp_path, 1)
    for uid in graph:
        walk = shared.walk(context_of(tmp_path, uid, registry), every)
        seen, _ = reachable(graph, uid)
        assert sorted(step["juid"] for step in walk.steps) == sorted(seen)
        alone = RelatedJobs(registry).walk(context_of(tmp_path, uid, registry), every)
        assert walk.steps == alone.steps and walk.through == alone.through
        assert [node.uid for node in walk.matches] == [node.uid for node in alone.matches]


def test_a_batch_lists_the_project_for_its_downstream_walks_once(lineage_projects, monkeypatch):
    """Table 1 of several maps of one project: the project's jobs are listed (every job.json searched) once
    for the batch, not once per map, and not once per downstream relation."""
    from extractor import api
    from extractor.sources.files import ProjectFolder

    listings = []
    listed = ProjectFolder.uids
    monkeypatch.setattr(ProjectFolder, "uids", lambda self, types=(): listings.append(tuple(types))
                        or listed(self, types))
    records = api.extract(["J10", "J12", "J13", "J17", "J24"], project_dir=lineage_projects["P32"], kind="table1",
                          workers=1)
    assert [record["job_info"]["juid"] for record in records] == ["J10", "J12", "J13", "J17", "J24"]
    assert len(listings) == 1
