"""Related jobs in the spec language: the walks, the once-per-batch records,
the grammar as the spec schema checks it, query and specs --explain."""

from pathlib import Path
from types import SimpleNamespace

import pytest

from extractor.errors import FieldError
from extractor.language.registry import Registry
from extractor.language.relations import Relation
from extractor.run.engine import evaluate
from extractor.run.extraction import Extraction, ExtractOptions
from extractor.run.jobs import open_job
from extractor.run.related import RelatedJobs
from extractor.sources.files import job_dir_handles, project_handles
from tests.helpers import run_csx

THROUGH_PARTICLES = ("particles", "micrographs", "exposures", "movies")


def context_of(project: Path, juid: str, registry: Registry):
    (handle,) = job_dir_handles([project / juid])
    return open_job(handle, registry.layouts)


def relation(direction="upstream", names=THROUGH_PARTICLES, kind=None, job_types=(), every=False):
    return Relation("x", direction, names, kind, job_types, every, Path("test.yaml"), 1)


@pytest.fixture(scope="module")
def registry():
    return Registry()


@pytest.mark.parametrize("puid", ["P32", "P449"])
def test_a_batch_makes_each_shared_ancestor_once(lineage_projects, registry, puid):
    extraction = Extraction(registry, ExtractOptions(spec="table1", all_jobs=True))
    outcomes = [extraction(handle) for handle in project_handles(lineage_projects[puid], all_jobs=True)]
    assert [o.job_uid for o in outcomes if o.record is not None] == ["J10", "J12", "J13", "J17", "J18", "J24"]
    made = extraction.related.records_made
    # J10, J12 and J24 share both imports and the CTF job: one record each, for the whole batch
    assert sorted((juid, kind) for _, _, juid, kind in made) == [
        ("J1", "import"), ("J11", "local-resolution"), ("J2", "import"), ("J21", "sharpen"), ("J4", "ctf")]
    assert set(made.values()) == {1}
    assert set(extraction.related.documents_read.values()) == {1}


def test_nearest_stops_at_the_first_match_on_each_branch_all_goes_on(lineage_projects, registry):
    context = context_of(lineage_projects["P32"], "J10", registry)
    related = RelatedJobs(registry)
    types = ("patch_ctf_estimation_multi", "patch_motion_correction_multi")
    nearest = related.walk(context, relation(job_types=types))
    assert [node.uid for node in nearest.matches] == ["J4"]
    every = related.walk(context, relation(job_types=types, every=True))
    assert [node.uid for node in every.matches] == ["J4", "J3"]
    imports = related.walk(context, relation(kind="import"))
    assert [node.uid for node in imports.matches] == ["J1", "J2"]


def test_inputs_are_followed_in_the_order_given(lineage_projects, registry):
    context = context_of(lineage_projects["P449"], "J6", registry)
    walk = RelatedJobs(registry).walk(context, relation(names=("micrographs", "particles", "exposures"), kind="ctf"))
    # the extraction's own micrographs input (through the curation), not the picker's particles
    assert [(s["juid"], s["input"]) for s in walk.steps] == [("J6", "micrographs"), ("J19", "exposures"),
                                                             ("J4", None)]


def test_downstream_finds_the_jobs_fed_by_an_output(lineage_projects, registry):
    related = RelatedJobs(registry)
    context = context_of(lineage_projects["P32"], "J8", registry)
    walk = related.walk(context, relation("downstream", ("particles_selected",),
                                          job_types=("homo_refine_new", "restack_particles", "homo_abinit")))
    # v4: the restack (J22) and the refinement J12 take the selected particles
    assert [(s["juid"], s["input"], s["num_items"]) for s in walk.steps] == [
        ("J12", "particles", 896759), ("J22", "particles", 896759)]
    assert related.walk(context, relation("downstream", ("particles_excluded",), job_types=("homo_abinit",))
                        ).matches == []


def test_a_related_job_asked_for_by_type_gives_its_identity_and_output_counts(lineage_projects, registry):
    context = context_of(lineage_projects["P449"], "J10", registry)
    spec = SimpleNamespace(related={"ex": Relation("ex", "upstream", THROUGH_PARTICLES, None,
                                                   ("extract_micrographs_cpu_parallel",), False, Path("t.yaml"), 1)})
    found = RelatedJobs(registry)(context, spec)
    # through: the output the walk came down (the downsampling J22 took the extraction's particles)
    assert found["related"] == {"ex": [{"job_info": {"puid": "P449", "juid": "J6",
                                                     "type": "extract_micrographs_cpu_parallel", "status": "completed"},
                                        "outputs": {"particles": 1401877}, "through": {"particles": 1401877}}]}


def test_evaluate_without_related_jobs_says_what_is_missing(lineage_projects, registry):
    context = context_of(lineage_projects["P32"], "J10", registry)
    with pytest.raises(FieldError, match="names related jobs, which this call does not give"):
        evaluate(context, registry.choose(context.key, "table1"))


def test_query_evaluates_over_related_records(lineage_projects, capsys):
    code, out, err = run_csx(capsys, "query", "--spec", "table1",
                             "related.acquisition[].[job_info.juid, total_dose_e_per_A2]",
                             lineage_projects["P32"] / "J12")
    assert (code, err) == (0, [])
    assert out.split() == ["[", "[", '"J1",', "50.0", "],", "[", '"J2",', "52.5", "]", "]"]


def test_specs_explain_shows_the_walk(lineage_projects, capsys):
    code, out, err = run_csx(capsys, "specs", "--explain", lineage_projects["P449"] / "J13")
    lines = out.splitlines()
    assert any(line.startswith("  table1-v5 (") and line.endswith("matches when asked for (--spec table1)")
               for line in lines)
    start = lines.index("table1-v5: related jobs")
    assert lines[start + 1] == ("  acquisition: upstream through inputs particles, micrographs, exposures, movies "
                                "to kind import, the nearest match on each branch: none")
    assert lines[start + 2] == ("    J13 homo_reconstruct <- particles  [the walk stops: input particles "
                                "comes from J14, which is not in project P449 (deleted?); input particles comes "
                                "from J15, a job of project P29, not P449]")


BAD_RELATIONS = [
    ("{upstream: [particles], downstream: [volume], kind: import}", "spec schema"),
    ("{downstream: [volume]}", "spec schema"),
    ("{upstream: []}", "spec schema"),
    ("{upstream: [particles], kind: no-such-kind}", "related.x.kind: no record kind 'no-such-kind'"),
]


@pytest.mark.parametrize("declaration, message", BAD_RELATIONS)
def test_a_bad_related_declaration_is_one_located_line(tmp_path, capsys, declaration, message):
    spec = tmp_path / "mine.yaml"
    spec.write_text("kind: map-info\nmatch: {layout: v4, job_types: [homo_refine_new]}\n"
                    f"related:\n  x: {declaration}\nfields:\n  psize_A: job.x\n")
    code, out, err = run_csx(capsys, "lint", spec)
    assert code == 1
    assert out.startswith(f"{spec}:4:") and message in out


def test_an_undeclared_related_alias_is_a_located_error(tmp_path, capsys):
    spec = tmp_path / "mine.yaml"
    spec.write_text("kind: table1\nmatch: {layout: v4, job_types: [homo_refine_new]}\n"
                    "related:\n  acquisition: {upstream: [particles], kind: import}\n"
                    "fields:\n  lineage: lineage.acquisition\n  acquisition: related.aquisition[0]\n")
    code, out, err = run_csx(capsys, "lint", spec)
    assert code == 1
    assert out.splitlines()[0] == (f"{spec}:7:3: field acquisition: related.aquisition is not declared under "
                                   "related: (declared: acquisition)")
