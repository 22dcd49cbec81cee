"""Every shipped spec over every shape real CryoSPARC files take (tests/fixturegen's variants: compact or
indented job.json, NaN/Infinity in the statistics, one .cs per volume result or one shared, versions with
build suffixes, v5 documents of jobs v4 ran, the documents CryoSPARC 4.0-4.2 wrote, with or without
fsc_info_best, v4 documents with the v5 curve names, dates in every form): the same facts, the values a user
checks."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from extractor.language.registry import Registry, spec_files
from extractor.resources import specs_dir
from extractor.run.jobs import open_job
from extractor.sources.files import job_dir_handles
from tests.fixturegen import AS_SHIPPED, PIPELINE_PROJECTS, REFERENCE_PROJECTS, VARIANTS
from tests.fixturegen.workflow import WORKFLOW_PROJECTS
from tests.helpers import records, run_csx

PROJECTS = {**REFERENCE_PROJECTS, **PIPELINE_PROJECTS, **WORKFLOW_PROJECTS}
OLDER_V4 = "v4.2.1"  # CryoSPARC 4.0-4.2 kept a volume's statistics in a summary_stats list

MAP_INFO_V4 = {
    ("P30", "J180"): {
        "psize_A": 0.9681428670883179, "box_size_vox": 350, "job_info.particle_count": 656974,
        "job_info.type": "nonuniform_refine_new", "job_info.parameters.refine_symmetry": "C1",
        "job_info.parameters.refine_relax_symmetry": "none", "gsfsc": 2.281461238861084, "cfar": None,
        "guinier_bfactor": -78.3, "fsc_resolution_A.corrected": 2.281461238861084,
        "paths.map": "{project}/J180/J180_009_volume_map.mrc",
        "paths.mask_fsc_auto": "{project}/J180/J180_009_volume_mask_fsc_auto.mrc",
    },
    ("P31", "J15"): {"job_info.type": "helix_refine", "gsfsc": 3.4107, "guinier_bfactor": -102.4, "box_size_vox": 320},
}
CLASSES_3D_V4 = {("P31", "J13"): {
    "num_classes": 4, "particles_in": 131681, "classes[].resolution_A": [4.12, 6.85, 3.87, 8.9],
    "classes[].particle_count": [58210, 23104, 41877, 8490],
    "classes[].map": [f"{{project}}/J13/J13_034_class_{k:02d}_volume.mrc" for k in range(4)],
}}
LOCAL_RESOLUTION_V4 = {("P31", "J18"): {
    "local_resolution_A": None,  # computed from the local resolution map, which the pipeline projects lack
    "paths.map_locres": "{project}/J18/J18_map_locres.mrc", "paths.mask": "{project}/J18/J18_mask_refine.mrc",
}}
IMPORT_MICROGRAPHS = {"frames_per_movie": None, "dose_per_frame_e_per_A2": None}
# spec -> {(puid, juid): {record path: value}}
FSC_V4 = {("P30", "J180"): {"box_size_vox": 350, "psize_A": 0.9681428670883179,
                            "resolution_A.corrected": 2.281461238861084}}
TABLE1_V4 = {("P30", "J180"): {"map.resolution_A": 2.281461238861084, "map.box_size_vox": 350,
                               "map.pixel_size_A": 0.9681428670883179, "map.symmetry": "C1",
                               "map.bfactor_A2": -78.3, "particles.final": 656974}}
EXPECTED = {
    "map-info-v4": MAP_INFO_V4,
    "map-info-v5": {
        ("P446", "J329"): {
            "psize_A": 1.2432949542999268, "box_size_vox": 348, "job_info.particle_count": 440847,
            "gsfsc": 2.522837574905974, "cfar": 0.8075670003890991, "guinier_bfactor": -82.71,
            "paths.map": "{project}/J329/J329_008_volume_map.mrc",
        },
        ("P446", "J66"): {"job_info.type": "homo_refine_new", "job_info.parameters.refine_symmetry": "C3",
                          "job_info.parameters.refine_relax_symmetry": "none"},
    },
    "classes-2d-v4": {("P31", "J10"): {"num_classes": 8, "particles_in": 82001,
                                       "class_averages": "{project}/J10/J10_019_class_averages.mrc"}},
    "classes-2d-v5": {("P447", "J10"): {"num_classes": 6, "particles_in": 68179}},
    "classes-3d-v4": CLASSES_3D_V4,
    "classes-3d-v5": {("P447", "J13"): {"num_classes": 3, "particles_in": 133272,
                                        "classes[].resolution_A": [4.12, 6.85, 3.87]}},
    "ctf-v4": {("P31", "J3"): {"exposures": 24, "job_info.type": "patch_ctf_estimation_multi"},
               ("P31", "J4"): {"exposures": 24, "job_info.type": "ctf_estimation"}},
    "ctf-v5": {("P447", "J3"): {"exposures": 30}},
    "import-micrographs-v4": {("P31", "J5"): {"voltage_kv": 200.0, "exposures": 10, **IMPORT_MICROGRAPHS}},
    "import-micrographs-v5": {("P447", "J5"): {"voltage_kv": 300.0, "exposures": 12, **IMPORT_MICROGRAPHS}},
    "import-v4": {("P31", "J1"): {"voltage_kv": 300.0, "spherical_aberration_mm": 2.7, "psize_A": 0.415,
                                  "frames_per_movie": 40, "dose_per_frame_e_per_A2": 1.465,
                                  "total_dose_e_per_A2": 58.6, "exposures": 24}},
    "import-v5": {("P447", "J1"): {"psize_A": 0.365, "total_dose_e_per_A2": 50.0, "exposures": 30}},
    "local-resolution-v4": LOCAL_RESOLUTION_V4,
    "local-resolution-v5": {("P447", "J18"): {"local_resolution_A": None,
                                              "paths.map_locres": "{project}/J18/J18_map_locres.mrc"}},
    "motion-v4": {("P31", "J2"): {"exposures": 24, "total_dose_e_per_A2": 58.599998474121094,
                                  "psize_A": 0.8299999833106995}},
    "motion-v5": {("P447", "J2"): {"exposures": 30, "total_dose_e_per_A2": 52.0}},
    "sharpen-v4": {("P31", "J17"): {"bfactor_A2": -85, "paths.map_sharp": "{project}/J17/J17_volume_map_sharp.mrc"}},
    "sharpen-v5": {("P447", "J17"): {"bfactor_A2": -72.5}},
    "fsc-v4": FSC_V4,
    "fsc-v5": {("P446", "J329"): {"box_size_vox": 348, "resolution_A.corrected": 2.522837574905974}},
    "table1-v4": TABLE1_V4,
    "table1-v5": {("P446", "J329"): {"map.resolution_A": 2.522837574905974, "map.box_size_vox": 348,
                                     "map.pixel_size_A": 1.2432949542999268, "map.bfactor_A2": -82.71,
                                     "particles.final": 440847}},
    # the workflow projects' kinds (tests/fixturegen/workflow.py): P35 v4.7.1, P455 v5.0.3
    "job-v4": {("P35", "J24"): {"job_info.type": "sym_expand", "job_info.status": "completed",
                                "inputs[].job_uid": ["J17"], "outputs[].num_items": [3681908],
                                "params.sym_symmetry": "C4", "disk_bytes": 972023712}},
    "job-v5": {("P455", "J9"): {"job_info.type": "select_2D", "outputs[].output": [
        "particles_selected", "particles_excluded", "templates_selected", "templates_excluded"],
        "outputs[].num_items": [1613524, 487813, 7, 5], "inputs[].output": ["particles", "class_averages"]}},
    "picking-v4": {("P35", "J5"): {"particles": 1532877, "micrographs": 1104, "job_info.parameters.diameter": 100,
                                   "job_info.parameters.diameter_max": 160}},
    "picking-v5": {("P455", "J14"): {"particles": 655240, "job_info.parameters.filament_diameter": 90}},
    "curation-v4": {("P35", "J6"): {"particles.in": 1532877, "particles.accepted": 1204311,
                                    "micrographs.rejected": 6}},
    "curation-v5": {("P455", "J4"): {"exposures.in": 2480, "exposures.accepted": 2291, "exposures.rejected": 189}},
    "extraction-v4": {("P35", "J7"): {"particles": 1198764, "particles_in": 1204311, "box_size_pix": 224,
                                      "job_info.parameters.box_size_pix": 448}},
    "extraction-v5": {("P455", "J12"): {"particles": 3322016, "box_size_pix": 180, "micrographs": None}},
    "particle-sets-v4": {("P35", "J24"): {"particles_in": 920477, "particles": 3681908, "copies_per_particle": 4.0}},
    "particle-sets-v5": {("P455", "J25"): {"particles": 4840572, "copies_per_particle": 1.0}},
    "variability-v4": {("P35", "J18"): {"components": 3, "filter_resolution_A": 6, "particles": 920477}},
    "variability-v5": {("P455", "J19"): {"mode": "cluster", "frames": 10}},
    "flex-v4": {("P35", "J23"): {"resolution_A": 3.2791}},
    "flex-v5": {("P455", "J22"): {"latent_dims": 3, "particles": 1613524}},
    "particle-refinement-v4": {("P35", "J26"): {"particles": 920477, "job_info.parameters.crg_do_spherical": True}},
    "particle-refinement-v5": {("P455", "J27"): {"job_info.parameters.crl_df_range": 1000}},
    "import-data-v4": {("P35", "J32"): {"volumes": 3, "particles": 0}},
    "import-data-v5": {("P455", "J31"): {"particles": 180000, "psize_A": 1.06, "voltage_kv": 300}},
}
# kinds made only when asked for (--spec KIND): every other spec is its jobs' default
ON_REQUEST = {"fsc", "table1", "job"}
CASES = [(spec, puid, juid) for spec, jobs in EXPECTED.items() for puid, juid in jobs]
EXTRACTED = {}  # (project folder, kind) -> {juid: record}


def _value(record, path: str):
    """A record value by dotted path; `name[].key` takes key of every element."""
    value = record
    for part in path.split("."):
        if part.endswith("[]"):
            value = value[part[:-2]]
        elif isinstance(value, list):
            value = [element[part] for element in value]
        else:
            value = value[part]
    return value


@pytest.fixture(scope="module")
def registry():
    return Registry()


# the variants, and the documents CryoSPARC 4.0-4.2 wrote in each of the file shapes
SHAPES = {**VARIANTS, **{f"{name}-{OLDER_V4}": replace(VARIANTS[name], v4_version=OLDER_V4)
                         for name in ("as-shipped", "indented")}}


def test_every_shipped_spec_is_run_here():
    assert sorted(EXPECTED) == sorted(path.stem for path in spec_files(specs_dir()))


def test_the_variants_differ_in_what_they_say():
    assert {(v.job_json, v.volume_files, v.nonfinite_stats) for v in VARIANTS.values()} >= {
        ("compact", "per-result", False), ("indented", "per-result", True), ("compact", "shared", True),
        ("indented", "shared", False)}
    said = {(v.version_suffix, v.upgraded_from, v.v4_version, v.v4_curve_names, v.v4_fsc_dicts, v.dates)
            for v in VARIANTS.values()}
    assert said >= {
        ("-cuda12+250814", "v4.7.1", None, None, None, (("v4", "epoch"), ("v5", "offset"))),
        ("+230227", None, "v4.2.1", None, "autotight", (("v4", "number-long"), ("v5", "naive"))),
        ("", None, None, "v5", "single", ())}


def _records(capsys, project: Path, puid: str, kind: str) -> dict:
    """juid -> the record of kind `kind` of each job of CASES in the project, by one csx extract of them all
    (made once per shape and kind: a whole extraction, as a user runs it)."""
    if (project, kind) not in EXTRACTED:
        juids = sorted({juid for spec, p, juid in CASES if p == puid and spec.split("-v")[0] == kind})
        asked = ["--spec", kind] if kind in ON_REQUEST else []
        code, out, err = run_csx(capsys, "extract", *asked, *(project / juid for juid in juids))
        assert (code, err) == (0, [f"csx: {len(juids)} done, 0 skipped, 0 failed"] if len(juids) > 1 else [])
        EXTRACTED[project, kind] = {record["job_info"]["juid"]: record for record in records(out)}
        assert sorted(EXTRACTED[project, kind]) == juids
    return EXTRACTED[project, kind]


@pytest.mark.parametrize("variant_name", list(SHAPES))
@pytest.mark.parametrize("spec, puid, juid", CASES)
def test_every_spec_reads_the_same_facts_in_every_shape(shaped_project, capsys, registry, spec, puid, juid,
                                                       variant_name):
    variant = SHAPES[variant_name]
    project = shaped_project(variant, puid)
    kind = spec.split("-v")[0]
    (handle,) = job_dir_handles([project / juid])
    verdicts = registry.explain(open_job(handle, registry.layouts).key)  # what csx specs --explain prints
    matching = [s.name for s, reason in verdicts if reason is None and not s.on_request]
    on_request = [s.name for s, reason in verdicts if reason is None and s.on_request]
    assert (spec in matching) is (kind not in ON_REQUEST) and len(matching) == 1
    assert (spec in on_request) is (kind in ON_REQUEST)

    record = json.loads(json.dumps(_records(capsys, project, puid, kind)[juid]))
    for path, expected in EXPECTED[spec][puid, juid].items():
        if isinstance(expected, str):
            expected = expected.format(project=project)
        elif isinstance(expected, list):
            expected = [e.format(project=project) if isinstance(e, str) else e for e in expected]
        assert _value(record, path) == expected, path
    # and every other field (dates included, whatever their form) as the shipped shape gives it
    shipped = shaped_project(AS_SHIPPED, puid)
    reference = json.loads(json.dumps(_records(capsys, shipped, puid, kind)[juid]).replace(str(shipped), str(project)))
    if kind == "fsc" and variant.nonfinite_stats:
        # the variant's NaN and Infinity shells are null in the record (README: NaN policy), the rest as shipped
        assert [record["curves"][mask][-1] for mask in ("no_mask", "spherical", "loose")] == [None] * 3
        for mask, curve in record["curves"].items():
            if curve:
                reference["curves"][mask] = [None if got is None else shipped_value
                                             for got, shipped_value in zip(curve, reference["curves"][mask])]
    if kind == "job":  # the version as CryoSPARC writes it, which each shape writes its own way
        assert record["job_info"]["version"] == json.loads((project / juid / "job.json").read_text())["version"]
        reference["job_info"]["version"] = record["job_info"]["version"]
    assert record == reference


@pytest.mark.parametrize("variant_name", list(SHAPES))
def test_job_files_are_shaped_as_the_variant_says(shaped_project, variant_name):
    variant = SHAPES[variant_name]
    job_dir = shaped_project(variant, "P30") / "J180"
    text = (job_dir / "job.json").read_text()
    older = variant.v4_version == OLDER_V4
    assert (text.count("\n") > 1000) is (variant.job_json == "indented")
    assert ("NaN" in text and "Infinity" in text) is variant.nonfinite_stats
    assert ('"summary_stats": [' in text and '"fsc_info_autotight"' in text) is older
    assert ('"latest_summary_stats"' in text) is not older
    assert ('"fsc_info_best"' in text) is (variant.v4_fsc_dicts is None)
    assert ('"fsc_resmask"' in text, '"fsc_tightmask"' in text) == ((True, False) if variant.v4_curve_names
                                                                    else (False, True))
    version = json.loads(text)["version"]
    assert version == (variant.v4_version or "v4.7.1") + variant.version_suffix
    completed = {"": {"$date": "2025-06-02T17:09:51.733Z"}, "epoch": {"$date": 1748884191733},
                 "number-long": {"$date": {"$numberLong": "1748884191733"}}}
    assert json.loads(text)["completed_at"] == completed[dict(variant.dates).get("v4", "")]
    volume_files = sorted(p.name for p in job_dir.glob("J180_009_volume*.cs"))
    if variant.volume_files == "shared":
        assert volume_files == ["J180_009_volume.cs"]
    else:
        assert len(volume_files) == 8 and "J180_009_volume_map_sharp.cs" in volume_files
    assert sorted(p.name for p in job_dir.glob("*.csg")) == [
        "J180_009_mask.csg", "J180_009_particles.csg", "J180_009_volume.csg"]


def test_an_upgraded_job_is_a_v5_document_of_a_version_v4_ran(shaped_project):
    doc = json.loads((shaped_project(VARIANTS["upgraded"], "P446") / "J329" / "job.json").read_text())
    assert (doc["spec"]["type"], doc["version"], doc["version_created"], doc["last_dumped_version"]) == (
        "nonuniform_refine_new", "v4.7.1-cuda12+250814", "v4.7.1", "v5.0.3")
    best = doc["spec"]["outputs"]["volume"]["latest_summary_stats"]["fsc_info_best"]
    assert (best["radwn_tightmask_A"], best["radwn_noisesub_A"], "fsc_resmask" in best) == (2.5733, 2.522837574905974,
                                                                                           False)
    assert doc["completed_at"] == "2025-10-08T01:28:50.209000+02:00"


def test_a_v5_refinement_has_the_outputs_cryosparc_gives_it(reference_projects):
    doc = json.loads((reference_projects["P446"] / "J329" / "job.json").read_text())
    outputs = doc["spec"]["outputs"]
    assert list(outputs) == ["particles", "particles_rejected", "volume", "mask", "mask_fsc", "mask_fsc_auto"]
    assert [r["metafiles"][-1] for r in outputs["mask_fsc_auto"]["results"]] == [
        "J329/J329_008_volume_mask_fsc_auto.cs"]
    particles = {r["name"]: r["metafiles"][-1] for r in outputs["particles"]["results"]}
    assert particles == {"blob": "J329/J329_008_particles.cs", "ctf": "J329/J329_008_particles.cs",
                         "alignments3D": "J329/J329_008_particles.cs",
                         "motion": "J329/J329_passthrough_particles.cs",
                         "location": "J329/J329_passthrough_particles.cs",
                         "pick_stats": "J329/J329_passthrough_particles.cs"}
    assert outputs["volume"]["latest_summary_stats"]["version"] == 8


def test_result_group_files_name_their_metafiles(reference_projects):
    csg = yaml.safe_load((reference_projects["P446"] / "J329" / "J329_008_particles.csg").read_text())
    assert csg["group"] == {"description": "", "name": "particles", "title": "All particles", "type": "particle"}
    assert csg["results"]["alignments3D"] == {"metafile": ">J329_008_particles.cs", "num_items": 440847,
                                              "type": "particle.alignments3D"}
    assert csg["results"]["location"]["metafile"] == ">J329_passthrough_particles.cs"
    assert (reference_projects["P446"] / "J329" / "J329_008_particles.csg").read_text().count(
        "metafile: '>J329_008_particles.cs'") == 3
