"""The fixture generators themselves: documents, datasets and project folders
shaped like CryoSPARC's, reproducing the example notebooks' jobs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cryosparc.dataset import Dataset

from tests.fixturegen import (
    REFERENCE_PROJECTS,
    JobFixture,
    expected_mask_resolutions,
    fsc_info,
    make_reference_projects,
    params_base,
    params_in_force,
    v4_job_doc,
    v5_job_doc,
)
from tests.fixturegen.fsc import CURVES
from tests.fixturegen.make_examples import main as make_examples
from tests.fixturegen.outputs import VOLUME_RESULTS

REFINEMENTS = ("homo_refine_new", "nonuniform_refine_new", "new_local_refine")
EXTENDED_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def job_json(project: Path, juid: str) -> dict:
    return json.loads((project / juid / "job.json").read_text())


def v4_group(doc: dict, name: str) -> dict:
    return next(g for g in doc["output_result_groups"] if g["name"] == name)


def v4_param(doc: dict, name: str):
    return (doc["params_spec"].get(name) or doc["params_base"][name])["value"]


def final_metafiles(results: list[dict]) -> list[str]:
    files = [r["metafiles"][0 if r["passthrough"] else -1] for r in results if r["metafiles"]]
    return list(dict.fromkeys(files))


def load_output(project: Path, results: list[dict]) -> Dataset:
    return Dataset.innerjoin(*[Dataset.load(project / f) for f in final_metafiles(results)])


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- P30 / J180: the v4 notebook ------------------------------------------------------------------------------


def test_j180_volume_map_dataset_matches_the_notebook(reference_projects):
    path = reference_projects["P30"] / "J180" / "J180_009_volume_map.cs"
    ds = Dataset.load(path, fields=["map/path", "map/psize_A"])
    assert ds.fields() == ["uid", "map/path", "map/psize_A"]
    assert float(ds["map/psize_A"][0]) == 0.9681428670883179
    assert ds["map/path"][0] == "J180/J180_009_volume_map.mrc"
    assert int(ds["uid"][0]) == 802514353316584297
    assert Dataset.load(path)["map/shape"][0].tolist() == [350, 350, 350]


def test_j180_volume_output_joins_to_one_row_with_every_result(reference_projects):
    project = reference_projects["P30"]
    doc = job_json(project, "J180")
    ds = load_output(project, [r for r in doc["output_results"] if r["group_name"] == "volume"])
    assert len(ds) == 1
    assert ds.fields() == ["uid"] + [f"{r}/{f}" for r in VOLUME_RESULTS for f in ("path", "shape", "psize_A")]
    for result in VOLUME_RESULTS:
        assert ds[f"{result}/path"][0] == f"J180/J180_009_volume_{result}.mrc"
        assert float(ds[f"{result}/psize_A"][0]) == 0.9681428670883179


def test_j180_job_document_matches_the_notebook(reference_projects):
    doc = job_json(reference_projects["P30"], "J180")
    assert (doc["uid"], doc["project_uid"], doc["job_type"], doc["version"]) == (
        "J180", "P30", "nonuniform_refine_new", "v4.7.1")
    assert [g["name"] for g in doc["output_result_groups"]] == ["particles", "volume", "mask"]
    assert doc["output_result_groups"][0]["num_items"] == 656974
    assert [c["name"] for c in v4_group(doc, "particles")["contains"]] == [
        "blob", "ctf", "alignments3D", "motion", "location", "pick_stats"]
    assert [c["name"] for c in v4_group(doc, "volume")["contains"]] == list(VOLUME_RESULTS)
    assert [c["name"] for c in v4_group(doc, "mask")["contains"]] == ["mask_refine"]
    assert [("latest_summary_stats" in g) for g in doc["output_result_groups"]] == [False, True, False]
    assert "refine_symmetry" not in doc["params_spec"]
    assert v4_param(doc, "refine_symmetry") == "C1"
    assert v4_param(doc, "refine_relax_symmetry") == "none"
    gsfsc = doc["output_result_groups"][1]["latest_summary_stats"]["fsc_info_best"]["radwn_final_A"]
    assert gsfsc == 2.2814612388610840
    assert f"{gsfsc:1.2f}" == "2.28"


def test_j180_metafile_versions_and_passthrough(reference_projects):
    doc = job_json(reference_projects["P30"], "J180")
    results = {(r["group_name"], r["name"]): r for r in doc["output_results"]}
    volume_map = results["volume", "map"]
    assert volume_map["versions"] == list(range(10))
    assert volume_map["metafiles"][0] == "J180/J180_000_volume_map.cs"
    assert volume_map["metafiles"][-1] == "J180/J180_009_volume_map.cs"
    assert volume_map["num_items"] == [1] * 10
    for name in ("blob", "ctf", "alignments3D"):
        assert results["particles", name]["passthrough"] is False
        assert results["particles", name]["metafiles"][-1] == "J180/J180_009_particles.cs"
    for name in ("motion", "location", "pick_stats"):
        assert results["particles", name]["passthrough"] is True
        assert results["particles", name]["metafiles"] == ["J180/J180_passthrough_particles.cs"]
    assert results["mask", "mask_refine"]["metafiles"] == results["volume", "mask_refine"]["metafiles"]


def test_v4_dates_are_extended_json(reference_projects):
    doc = job_json(reference_projects["P30"], "J180")
    for key in ("created_at", "queued_at", "launched_at", "started_at", "running_at", "completed_at"):
        assert list(doc[key]) == ["$date"]
        assert EXTENDED_DATE.match(doc[key]["$date"])
    assert doc["created_at"]["$date"] < doc["launched_at"]["$date"] < doc["completed_at"]["$date"]
    assert doc["failed_at"] is None
    project = json.loads((reference_projects["P30"] / "project.json").read_text())
    assert EXTENDED_DATE.match(project["created_at"]["$date"])
    assert (project["uid"], project["title"]) == ("P30", "Gastric proton pump automation")
    assert project["project_dir"] == "/bulk1/data/cryosparcdev2_projects/CS-ks-gastric-proton-pump-automation"


def test_j181_symmetry_set_by_user(reference_projects):
    doc = job_json(reference_projects["P30"], "J181")
    assert doc["params_spec"]["refine_symmetry"] == {"value": "C2"}
    assert doc["params_base"]["refine_symmetry"]["value"] == "C1"
    assert v4_param(doc, "refine_relax_symmetry") == "none"


# --- P446 / J329 and J66: the v5 notebook ---------------------------------------------------------------------


def test_j329_matches_the_v5_notebook(reference_projects):
    project = reference_projects["P446"]
    doc = job_json(project, "J329")
    assert (doc["spec"]["type"], doc["version"], doc["status"]) == ("nonuniform_refine_new", "v5.0.3", "completed")
    assert doc["spec"]["params"]["refine_symmetry"] == "C1"
    assert doc["spec"]["params"]["refine_relax_symmetry"] == "none"
    outputs = doc["spec"]["outputs"]
    assert outputs["particles"]["num_items"] == 440847
    stats = outputs["volume"]["latest_summary_stats"]
    assert list(stats) == ["cfar", "extent", "fsc_info", "fsc_info_best", "guinier_bfactor", "processed_fraction",
                           "version"]
    assert list(stats["fsc_info"])[:5] == ["N", "psize", "fsc_nomask", "radwns", "radwn_nomask_A"]
    assert stats["fsc_info_best"]["radwn_final_A"] == 2.522837574905974
    assert stats["cfar"] == 0.8075670003890991
    ds = load_output(project, outputs["volume"]["results"])
    assert ds["map/path"][0] == "J329/J329_008_volume_map.mrc"
    assert float(ds["map/psize_A"][0]) == 1.2432949542999268
    assert ds["map/shape"][0].tolist() == [348, 348, 348]


def test_j66_symmetry_c3(reference_projects):
    params = job_json(reference_projects["P446"], "J66")["spec"]["params"]
    assert (params["refine_symmetry"], params["refine_relax_symmetry"]) == ("C3", "none")


def test_v5_documents_are_what_the_job_model_dumps(reference_projects):
    pytest.importorskip("cryosparc.models.job", reason="needs cryosparc-tools 5")
    from cryosparc.models.job import Job
    from cryosparc.models.project import Project

    project = reference_projects["P446"]
    for job in REFERENCE_PROJECTS["P446"].jobs:
        doc = job_json(project, job.uid)
        assert Job.model_validate(doc).model_dump(mode="json", by_alias=True) == doc
    assert Project.model_validate(json.loads((project / "project.json").read_text())).uid == "P446"


# --- parameters -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("job_type", REFINEMENTS)
def test_refinement_params_base_is_full(job_type):
    base = params_base(job_type)
    assert len(base) >= 40
    assert base["refine_symmetry"]["value"] == "C1"
    assert base["refine_relax_symmetry"]["value"] == "none"
    assert base["refine_relax_symmetry"]["enum_keys"] == ["none", "maximization", "marginalization"]
    for name in ("refine_num_final_iterations", "refine_res_init", "refine_gs_resplit", "refine_do_marg",
                 "refine_ctf_global_refine", "refine_defocus_refine", "compute_use_ssd"):
        assert name in base
    for param in base.values():
        assert {"value", "title", "type", "desc", "order", "section", "advanced", "hidden"} <= set(param)
        assert param["type"] in ("boolean", "number", "string", "enum")


def test_homo_reconstruct_has_symmetry_but_no_relaxation():
    assert "refine_symmetry" in params_base("homo_reconstruct")
    assert "refine_relax_symmetry" not in params_base("homo_reconstruct")
    assert "refine_relax_symmetry" not in params_in_force("homo_reconstruct", {})


def test_params_in_force_prefers_the_users_value():
    params = params_in_force("homo_refine_new", {"refine_symmetry": "D7"})
    assert list(params) == list(params_base("homo_refine_new"))
    assert params["refine_symmetry"] == "D7"
    assert params["refine_res_align_max"] is None
    with pytest.raises(KeyError, match="refine_symetry"):
        params_in_force("homo_refine_new", {"refine_symetry": "C2"})


# --- FSC ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["v4", "v5"])
def test_fsc_curves_cross_0143_at_their_resolution(layout):
    box, psize, gsfsc = 350, 0.9681428670883179, 2.2814612388610840
    info = fsc_info(box, psize, gsfsc, layout)
    assert info["radwns"] == list(range(176))
    assert info["radwn_final_A"] == gsfsc
    expected = expected_mask_resolutions(gsfsc, layout)
    assert list(expected) == list(CURVES[layout])
    assert info[f"radwn_{CURVES[layout][-1]}_A"] == gsfsc
    for name, resolution in expected.items():
        curve = info[f"fsc_{name}"]
        assert len(curve) == 176 and curve[0] == 1.0
        assert info[f"radwn_{name}_A"] == resolution
        k = next(i for i, v in enumerate(curve) if v < 0.143)
        shell = k - 1 + (curve[k - 1] - 0.143) / (curve[k - 1] - curve[k])
        assert box * psize / shell == pytest.approx(resolution, rel=1e-3)


def test_fsc_curve_names_by_layout():
    v4 = fsc_info(350, 0.9681428670883179, 2.28, "v4")
    v5 = fsc_info(350, 0.9681428670883179, 2.28, "v5")
    assert [k for k in v4 if k.startswith("fsc_")] == [
        "fsc_nomask", "fsc_sphericalmask", "fsc_loosemask", "fsc_tightmask", "fsc_noisesub_raw",
        "fsc_noisesub_true", "fsc_noisesub"]
    assert [k for k in v5 if k.startswith("fsc_")] == [
        "fsc_nomask", "fsc_sphericalmask", "fsc_loosemask", "fsc_resmask", "fsc_autotight",
        "fsc_autotight_noisesub_raw", "fsc_autotight_noisesub"]
    assert expected_mask_resolutions(2.28, "v4") == {
        "nomask": 3.078, "sphericalmask": 2.736, "loosemask": 2.508, "tightmask": 2.3256, "noisesub": 2.28}


def test_latest_fsc_info_differs_from_the_best(reference_projects):
    doc = job_json(reference_projects["P30"], "J180")
    stats = v4_group(doc, "volume")["latest_summary_stats"]
    assert stats["fsc_info_best"]["radwn_final_A"] == 2.2814612388610840
    assert stats["fsc_info"]["radwn_final_A"] == 2.2952
    assert stats["guinier_bfactor"] == -78.3
    assert stats["version"] == 9  # the iteration, not the CryoSPARC version
    assert "cfar" not in stats


# --- failed jobs and other job types --------------------------------------------------------------------------


def test_failed_v4_job_has_no_summary_stats_and_no_volume_files(reference_projects):
    project = reference_projects["P30"]
    doc = job_json(project, "J184")
    assert doc["status"] == "failed" and doc["completed_at"] is None and doc["failed_at"]
    assert "latest_summary_stats" not in v4_group(doc, "volume")
    assert v4_group(doc, "volume")["num_items"] == 0
    volume = [r for r in doc["output_results"] if r["group_name"] == "volume"]
    assert volume and all(r["metafiles"] == [] for r in volume)
    assert sorted(p.name for p in (project / "J184").iterdir()) == ["J184_passthrough_particles.cs", "job.json"]


def test_failed_v5_job_has_empty_summary_stats(reference_projects):
    doc = job_json(reference_projects["P446"], "J332")
    assert (doc["status"], doc["status_num"]) == ("failed", 8)
    volume = doc["spec"]["outputs"]["volume"]
    assert volume["latest_summary_stats"] == {}
    assert all(r["metafiles"] == [] for r in volume["results"])


def test_homo_reconstruct_has_no_iteration_and_no_refinement_mask(reference_projects):
    doc = job_json(reference_projects["P30"], "J182")
    assert [g["name"] for g in doc["output_result_groups"]] == ["particles", "volume"]
    volume = [r for r in doc["output_results"] if r["group_name"] == "volume"]
    assert [r["metafiles"] for r in volume][0] == ["J182/J182_volume_map.cs"]
    assert "mask_refine" not in [r["name"] for r in volume]


def test_projects_hold_jobs_without_a_map_info_spec(reference_projects):
    p30 = reference_projects["P30"]
    types = {job.uid: job_json(p30, job.uid)["job_type"] for job in REFERENCE_PROJECTS["P30"].jobs}
    assert types == {"J1": "import_movies", "J2": "patch_ctf_estimation_multi", "J180": "nonuniform_refine_new",
                     "J181": "homo_refine_new", "J182": "homo_reconstruct", "J183": "new_local_refine",
                     "J184": "nonuniform_refine_new"}
    assert job_json(reference_projects["P446"], "J1")["spec"]["type"] == "import_movies"


# --- datasets and files ---------------------------------------------------------------------------------------


def test_every_final_metafile_exists_and_holds_its_results_fields(reference_projects):
    checked = 0
    for puid, fixture in REFERENCE_PROJECTS.items():
        project = reference_projects[puid]
        for job in fixture.jobs:
            doc = job_json(project, job.uid)
            if job.layout == "v4":
                results = doc["output_results"]
            else:
                results = [r for output in doc["spec"]["outputs"].values() for r in output["results"]]
            for result in results:
                if not result["metafiles"]:
                    continue
                metafile = result["metafiles"][0 if result["passthrough"] else -1]
                fields = Dataset.load(project / metafile).fields()
                assert any(f.startswith(result["name"] + "/") for f in fields), (metafile, result["name"])
                checked += 1
    assert checked > 100


def test_particle_datasets_are_small_and_share_uids(reference_projects):
    project = reference_projects["P30"]
    own = Dataset.load(project / "J180" / "J180_009_particles.cs")
    passthrough = Dataset.load(project / "J180" / "J180_passthrough_particles.cs")
    assert len(own) == len(passthrough) == 120
    assert own["uid"].tolist() == passthrough["uid"].tolist()
    assert set(own["alignments3D/psize_A"].tolist()) == {0.9681428670883179}
    assert {"ctf/df1_A", "blob/path", "alignments3D/pose"} <= set(own.fields())
    assert {"location/micrograph_path", "motion/path", "pick_stats/ncc_score"} <= set(passthrough.fields())
    assert not any(f.startswith(("ctf/", "blob/")) for f in passthrough.fields())


def test_job_json_is_one_line_and_refinements_are_large(reference_projects):
    for puid, fixture in REFERENCE_PROJECTS.items():
        for job in fixture.jobs:
            text = (reference_projects[puid] / job.uid / "job.json").read_text()
            assert "\n" not in text
            if job.job_type in REFINEMENTS and job.status == "completed":
                assert len(text) >= (85_000 if job.layout == "v4" else 45_000), (puid, job.uid, len(text))


def test_documents_do_not_depend_on_the_layout_of_the_caller():
    job = JobFixture("J7", "homo_refine_new", box=64, psize_A=1.5, particle_count=1000, iteration=3, gsfsc_A=4.0)
    doc = v4_job_doc(job, "P9")
    assert v4_group(doc, "volume")["latest_summary_stats"]["fsc_info_best"]["N"] == 64
    five = v5_job_doc(JobFixture("J7", "homo_refine_new", layout="v5", iteration=3), "P9")
    assert five["uid_num"] == 7 and five["project_uid_num"] == 9 and five["version"] == "v5.0.3"


# --- determinism, examples, copies ----------------------------------------------------------------------------


def test_generation_is_deterministic(reference_projects, tmp_path):
    again = make_reference_projects(tmp_path)
    for puid, path in reference_projects.items():
        assert tree(again[puid]) == tree(path)


def test_make_examples_writes_the_reference_projects_and_pipelines_under_3_mb(reference_projects, tmp_path, capsys):
    make_examples([str(tmp_path / "examples")])
    assert capsys.readouterr().out.splitlines() == [
        f"{puid}: {tmp_path / 'examples' / name}" for puid, name in (
            ("P30", "CS-ks-gastric-proton-pump-automation"), ("P446", "CS-transporter-nanodiscs"),
            ("P32", "CS-nav17-pipeline"), ("P449", "CS-nav17-pipeline-v5"))]
    written = tree(tmp_path / "examples")
    assert sum(len(b) for b in written.values()) < 3_000_000
    # the pipelines' maps: 16^3 float32 MRC files of 17,408 bytes each
    maps = {name: data for name, data in written.items() if name.endswith(".mrc")}
    assert len(maps) == 2 * (8 + 3 + 1) and {len(data) for data in maps.values()} == {1024 + 16 ** 3 * 4}
    worked_example = {name for name in written if name.startswith("CS-ks-gastric-proton-pump-automation/J200/")}
    assert sorted(name.rsplit("/", 1)[1] for name in worked_example) == ["J200_particles.cs", "job.json"]
    assert {name: data for name, data in written.items() if name not in worked_example
            and not name.startswith("CS-nav17-pipeline")} == {
        f"{path.name}/{rel}": data for path in reference_projects.values() for rel, data in tree(path).items()}


def test_project_copy_is_private(reference_projects, project_copy):
    copy = project_copy("P30")
    (copy / "J180" / "job.json").write_text("{truncated")
    assert copy != reference_projects["P30"]
    assert json.loads((reference_projects["P30"] / "J180" / "job.json").read_text())["uid"] == "J180"


def test_the_shipped_examples_are_what_the_generators_make(tmp_path):
    """examples/ is generated (python -m tests.fixturegen.make_examples examples), never edited by hand."""
    shipped = Path(__file__).resolve().parent.parent / "examples"
    make_examples([str(tmp_path)])
    made = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    for relative in sorted(made):
        assert (shipped / relative).read_bytes() == (tmp_path / relative).read_bytes(), relative
    # beside the projects, examples/ holds pages (notebook.md), which are written by hand
    assert {p.relative_to(shipped) for p in shipped.rglob("*") if p.is_file() and p.parent != shipped} == made
