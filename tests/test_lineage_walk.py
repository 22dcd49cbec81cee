"""The lineage walk as real projects make it, in both layouts: a connection
whose slot names another job, a parent that is there but cannot be read
(unlike one that is not there), the farthest match of a relation, the outputs
a walk came through, and a chain of 3,000 jobs."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from extractor.language.registry import Registry
from extractor.language.relations import Relation
from extractor.run.related import RelatedJobs
from tests.fixturegen import JobFixture, lineage_types, v4_job_doc, v5_job_doc  # noqa: F401 (the job types)
from tests.fixturegen.documents import project_doc
from tests.helpers import records, run_csx
from tests.test_related import THROUGH_PARTICLES, context_of

LAYOUTS = {"P32": "v4", "P449": "v5"}
EXTRACTION = ("extract_micrographs_multi", "extract_micrographs_cpu_parallel", "downsample_particles",
              "restack_particles")


def relation(job_types, names=THROUGH_PARTICLES, every=False, farthest=False):
    return Relation("x", "upstream", names, None, job_types, every, Path("t.yaml"), 1, farthest)


@pytest.fixture(scope="module")
def registry():
    return Registry()


def steps(walk) -> list:
    return [(s["juid"], s["input"], s["num_items"]) for s in walk.steps]


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_a_slot_taken_from_another_job_makes_that_job_a_parent(lineage_projects, registry, puid):
    doc = json.loads((lineage_projects[puid] / "J24" / "job.json").read_text())
    if puid == "P32":  # v4 ConnectionSlot.job_uid
        (connection,) = doc["input_slot_groups"][0]["connections"]
        slots = {s["slot_name"]: (s["job_uid"], s["group_name"]) for s in connection["slots"]}
    else:  # v5 InputResult.job_uid
        (connection,) = doc["spec"]["inputs"]["particles"]["connections"]
        slots = {s["name"]: (s["job_uid"], s["output"]) for s in connection["results"]}
    assert slots["blob"] == ("J6", "particles") and slots["ctf"] == ("J20", "particles_class_1")
    walk = RelatedJobs(registry).walk(context_of(lineage_projects[puid], "J24", registry), relation(("none",)))
    selected, items = (896759, 1298411) if puid == "P32" else (716094, 1401877)
    if puid == "P32":  # restack after the selection
        middle = [("J22", "particles", selected), ("J8", "particles", items)]
    else:  # downsampling before the 2D classification
        middle = [("J8", "particles", items), ("J7", "particles", items), ("J22", "particles", items)]
    # J6 is J24's parent through the blob slot: walked once, after the branch of the connection's own job
    expected = ([("J24", "particles", 384429 if puid == "P32" else 313976), ("J20", "particles", selected),
                 ("J9", "particles", selected)] + middle
                + ([("J7", "particles", items)] if puid == "P32" else [])
                + [("J6", "particles", 1412870 if puid == "P32" else 1523306), ("J5", "micrographs", 58 if puid == "P32"
                                                                             else 60)])
    assert steps(walk)[:len(expected)] == expected
    assert [s["juid"] for s in walk.steps].count("J6") == 1


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_nearest_farthest_and_every_extraction(lineage_projects, registry, puid):
    context = context_of(lineage_projects[puid], "J24", registry)
    related = RelatedJobs(registry)
    assert [n.uid for n in related.walk(context, relation(EXTRACTION)).matches] == ["J22", "J6"]
    assert [n.uid for n in related.walk(context, relation(EXTRACTION, every=True)).matches] == ["J22", "J6"]
    # the restack/downsampling is of particles the extraction made: the farthest is the extraction alone
    assert [n.uid for n in related.walk(context, relation(EXTRACTION, farthest=True)).matches] == ["J6"]


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_the_outputs_a_walk_came_through(lineage_projects, registry, puid):
    walk = RelatedJobs(registry).walk(context_of(lineage_projects[puid], "J10", registry), relation(("none",)))
    v4 = puid == "P32"
    assert walk.through["J20"] == {"particles_class_0": 512330 if v4 else 402118}
    assert walk.through["J8"] == {"particles_selected": 896759 if v4 else 716094}
    assert walk.through["J19"] == {"exposures_accepted": 58 if v4 else 60}


@pytest.fixture
def damaged(lineage_projects, tmp_path):
    """A copy of a lineage project, to damage."""
    return lambda puid: Path(shutil.copytree(lineage_projects[puid], tmp_path / puid))


def walk_note(project: Path, juid: str) -> str:
    registry = Registry()
    walk = RelatedJobs(registry).walk(context_of(project, juid, registry), relation(("none",)))
    return next(s["note"] for s in walk.steps if "note" in s)


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_a_parent_that_is_there_but_unreadable_is_not_called_deleted(damaged, puid):
    project = damaged(puid)
    job_json = project / "J8" / "job.json"
    job_json.write_bytes(job_json.read_bytes()[:2000])  # cut short, as a copy interrupted
    note = walk_note(project, "J12")
    assert note.startswith(f"the walk stops: input particles comes from J8, which cannot be read: {job_json}:1:")
    assert note.endswith("job.json is not valid JSON: Unterminated string; is it truncated? re-export the job "
                         "from CryoSPARC") or "not valid JSON" in note
    assert "deleted" not in note
    job_json.unlink()
    job_json.mkdir()
    assert walk_note(project, "J12") == (f"the walk stops: input particles comes from J8, which cannot be read: "
                                         f"{job_json}: job.json is a directory, not a regular file")
    shutil.rmtree(project / "J8")
    assert walk_note(project, "J12") == (f"the walk stops: input particles comes from J8, which is not in project "
                                         f"{puid} (deleted?)")


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_a_parent_marked_deleted(damaged, puid):
    project = damaged(puid)
    job_json = project / "J8" / "job.json"
    job_json.write_text(json.dumps({**json.loads(job_json.read_text()), "deleted": True}))
    assert walk_note(project, "J12") == "the walk stops: input particles comes from J8, which is deleted"


def test_table1_says_why_a_parent_cannot_be_read(damaged, capsys):
    project = damaged("P449")
    (project / "J20" / "job.json").write_text('{"uid": "J20", "project_uid": "P449", "spec": {"type": 7}}')
    code, out, err = run_csx(capsys, "table1", "--project-dir", project, "J10", "--format", "records")
    (record,) = records(out)
    assert (code, err) == (0, [])
    assert record["lineage"] == [{
        "juid": "J10", "type": "nonuniform_refine_new", "input": "particles", "num_items": None,
        "note": f"the walk stops: input particles comes from J20, which cannot be read: P449/J20 ({project}/J20): "
                "the job's type (job.spec.type) is a number, not a string"}]
    assert record["particles"]["after_3d_classification"] is None and record["acquisition"] is None


def write_chain(root: Path, layout: str, length: int) -> None:
    """J1 an extraction, then J2..J<length> each restacking the particles of the one before."""
    make = v4_job_doc if layout == "v4" else v5_job_doc
    jobs = [JobFixture("J1", "extract_micrographs_multi", layout=layout, particle_count=5000, box=256, psize_A=0.83),
            JobFixture("J2", "restack_particles", layout=layout, particle_count=5000, box=256, psize_A=0.83,
                       parents=(("particles", "J1", "particles"),))]
    (root / "project.json").write_text(json.dumps(project_doc("P90", "chain", "P90", jobs)))
    (root / "J1").mkdir()
    (root / "J1" / "job.json").write_text(json.dumps(make(jobs[0], "P90")))
    # one document, its uids written as markers: each job's is the text with its own uids in
    template = make(replace(jobs[1], uid="J7777777", parents=(("particles", "J6666666", "particles"),)), "P90")
    text = json.dumps(template).replace('"uid_num": 7777777', '"uid_num": NUMBER')
    for n in range(2, length + 1):
        (root / f"J{n}").mkdir()
        (root / f"J{n}" / "job.json").write_text(
            text.replace("J7777777", f"J{n}").replace("J6666666", f"J{n - 1}").replace("NUMBER", str(n)))


# past the 1,000 frames of Python's default recursion limit; 3,000 in one layout, 1,500 in the other (cheaper)
@pytest.mark.parametrize("layout, length", [("v4", 3000), ("v5", 1500)])
def test_a_chain_of_thousands_of_jobs_is_walked_whole_in_little_memory(tmp_path, layout, length):
    write_chain(tmp_path, layout, length)
    registry = Registry()
    related = RelatedJobs(registry)
    walk = related.walk(context_of(tmp_path, f"J{length}", registry), relation(("extract_micrographs_multi",)))
    assert len(walk.steps) == length and [n.uid for n in walk.matches] == ["J1"]
    assert walk.steps[-2] == {"juid": "J2", "type": "restack_particles", "input": "particles", "num_items": 5000}
    assert set(related.documents_read.values()) == {1}
    # only the documents of jobs the relation may match are kept: the start and the extraction
    assert len(related._contexts) == 2
