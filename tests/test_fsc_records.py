"""The fsc record kind: the curves of every job type map-info covers, v4 and
v5, under stable mask names, on a frequency axis in 1/Å; asked for with
--spec fsc, never in place of a job's map-info record."""

import json

import pytest

from extractor.errors import SpecError
from extractor.language.registry import Registry
from tests.helpers import records, run_csx

# where each generation keeps the curves of each stable mask name
V4_CURVES = {"no_mask": "fsc_nomask", "spherical": "fsc_sphericalmask", "loose": "fsc_loosemask",
             "tight": "fsc_tightmask", "corrected": "fsc_noisesub"}
V5_CURVES = {**V4_CURVES, "tight": "fsc_resmask", "corrected": "fsc_autotight_noisesub"}


def best_fsc(job_json) -> dict:
    """fsc_info_best as the job document holds it, read here without csx."""
    doc = json.loads(job_json.read_text())
    if "spec" in doc:
        return doc["spec"]["outputs"]["volume"]["latest_summary_stats"]["fsc_info_best"]
    volume = next(g for g in doc["output_result_groups"] if g["name"] == "volume")
    return volume["latest_summary_stats"]["fsc_info_best"]


def fsc_record(capsys, job_dir) -> dict:
    code, out, err = run_csx(capsys, "extract", "--spec", "fsc", job_dir)
    assert (code, err) == (0, [])
    (record,) = records(out)
    return record


def test_v4_refinement_p30_j180(reference_projects, capsys):
    job_dir = reference_projects["P30"] / "J180"
    record = fsc_record(capsys, job_dir)
    assert record["job_info"] == {"puid": "P30", "juid": "J180", "type": "nonuniform_refine_new",
                                  "title": "Non-uniform Refinement", "completed_at": "2025-06-02T17:09:51.733Z"}
    assert (record["box_size_vox"], record["psize_A"]) == (350, 0.9681428670883179)
    assert record["resolution_A"] == {"no_mask": 3.08, "spherical": 2.7378, "loose": 2.5096, "tight": 2.3271,
                                      "corrected": 2.281461238861084}
    frequencies = record["frequency_invA"]
    assert len(frequencies) == 176 and frequencies[0] == 0.0
    assert frequencies[175] == pytest.approx(0.5164527023823933, rel=1e-15)  # Nyquist: 1 / (2 * psize)
    stored = best_fsc(job_dir / "job.json")
    assert record["curves"] == {name: stored[key] for name, key in V4_CURVES.items()}


def test_v5_refinement_p446_j329(reference_projects, capsys):
    job_dir = reference_projects["P446"] / "J329"
    record = fsc_record(capsys, job_dir)
    assert record["job_info"]["type"] == "nonuniform_refine_new"
    assert (record["box_size_vox"], record["psize_A"]) == (348, 1.2432949542999268)
    assert record["resolution_A"] == {"no_mask": 3.4058, "spherical": 3.0274, "loose": 2.7751, "tight": 2.5733,
                                      "corrected": 2.522837574905974}
    assert record["frequency_invA"][174] == pytest.approx(0.40215718584777777, rel=1e-15)
    stored = best_fsc(job_dir / "job.json")
    assert record["curves"] == {name: stored[key] for name, key in V5_CURVES.items()}


@pytest.mark.parametrize("written, iso", [
    ('{"$date": 1748884191733}', "2025-06-02T17:09:51.733Z"),  # older bson json_util: epoch milliseconds
    ('{"$date": {"$numberLong": "1748884191733"}}', "2025-06-02T17:09:51.733Z"),
    ('"Mon, 02 Jun 2025 17:09:51 GMT"', "2025-06-02T17:09:51.000Z"),  # v4 command_core (Flask)
    ('"2025-06-02T19:09:51.733+02:00"', "2025-06-02T17:09:51.733Z"),
])
def test_completion_dates_in_every_form_are_iso_utc(project_copy, capsys, written, iso):
    job_json = project_copy("P30") / "J180" / "job.json"
    text = job_json.read_text()
    stored = '{"$date": "2025-06-02T17:09:51.733Z"}'
    assert f'"completed_at": {stored}' in text
    job_json.write_text(text.replace(f'"completed_at": {stored}', f'"completed_at": {written}'))
    assert fsc_record(capsys, job_json.parent)["job_info"]["completed_at"] == iso


@pytest.mark.parametrize("puid, juid, job_type, box, corrected", [
    ("P31", "J15", "helix_refine", 320, 3.4107), ("P31", "J16", "homo_reconstruct", 200, 3.7912),
    ("P447", "J15", "helix_refine", 320, 3.2264), ("P447", "J16", "homo_reconstruct", 200, 3.6583),
])
def test_pipeline_reconstructions(pipeline_projects, capsys, puid, juid, job_type, box, corrected):
    record = fsc_record(capsys, pipeline_projects[puid] / juid)
    assert (record["job_info"]["type"], record["box_size_vox"]) == (job_type, box)
    assert record["resolution_A"]["corrected"] == corrected
    assert len(record["frequency_invA"]) == box // 2 + 1
    assert all(len(curve) == box // 2 + 1 for curve in record["curves"].values())


def test_a_job_still_gets_its_map_info_record_by_default(reference_projects, capsys):
    code, out, err = run_csx(capsys, "extract", reference_projects["P446"] / "J66")
    assert (code, [r["kind"] for r in records(out)]) == (0, ["map-info"])


def test_fsc_covers_exactly_the_jobs_map_info_covers():
    registry = Registry()
    for layout in ("v4", "v5"):
        map_info = sorted((s.job_types, str(s.cryosparc)) for s in registry.specs
                          if s.kind == "map-info" and s.layout == layout)
        fsc = sorted((s.job_types, str(s.cryosparc)) for s in registry.specs if s.kind == "fsc" and s.layout == layout)
        assert fsc == map_info and len(fsc) == 1  # one spec per layout reads every version's spellings
    assert all(s.on_request is (s.kind == "fsc") for s in registry.specs if s.kind in ("fsc", "map-info"))


def _user_spec(folder, kind, on_request):
    (folder / "schemas").mkdir(parents=True, exist_ok=True)
    (folder / "schemas" / f"{kind}.schema.json").write_text('{"type": "object"}')
    (folder / f"{kind}.yaml").write_text(
        f"kind: {kind}\non_request: {on_request}\nmatch:\n  layout: v4\n  job_types: [homo_refine_new]\n"
        "fields:\n  juid: job.uid\n")


def test_a_kind_on_request_shares_jobs_but_two_default_kinds_are_ambiguous(tmp_path):
    _user_spec(tmp_path / "shared", "maps-a", "false")
    _user_spec(tmp_path / "shared", "curves-b", "true")
    Registry([tmp_path / "shared"])
    _user_spec(tmp_path / "clash", "maps-a", "false")
    _user_spec(tmp_path / "clash", "maps-b", "false")
    with pytest.raises(SpecError, match="matches the same jobs as"):
        Registry([tmp_path / "clash"])
