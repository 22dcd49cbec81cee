"""Every shipped spec over every shape real CryoSPARC files take (tests/fixturegen's variants: compact or
indented job.json, NaN/Infinity in the statistics, one .cs per volume result or one shared; and, for the
specs of CryoSPARC 4.0-4.2, the documents those versions wrote): the same facts, the values a user checks."""

import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from extractor.language.registry import spec_files
from extractor.resources import specs_dir
from tests.fixturegen import AS_SHIPPED, PIPELINE_PROJECTS, REFERENCE_PROJECTS, VARIANTS, make_project
from tests.fixturegen.workflow import WORKFLOW_PROJECTS
from tests.helpers import records, run_csx

PROJECTS = {**REFERENCE_PROJECTS, **PIPELINE_PROJECTS, **WORKFLOW_PROJECTS}
OLDER_V4 = "v4.2.1"  # a version the specs for CryoSPARC 4.0-4.2 match

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
    "local_resolution_A.min": 3.52, "local_resolution_A.median": 4.26, "local_resolution_A.max": 7.91,
    "paths.map_locres": "{project}/J18/J18_volume_map_locres.mrc",
}}
# spec -> {(puid, juid): {record path: value}}
FSC_V4 = {("P30", "J180"): {"box_size_vox": 350, "psize_A": 0.9681428670883179,
                            "resolution_A.corrected": 2.281461238861084}}
TABLE1_V4 = {("P30", "J180"): {"map.resolution_A": 2.281461238861084, "map.box_size_vox": 350,
                               "map.pixel_size_A": 0.9681428670883179, "map.symmetry": "C1",
                               "map.bfactor_A2": -78.3, "particles.final": 656974}}
EXPECTED = {
    "map-info-v4": MAP_INFO_V4,
    "map-info-v4.0-4.2": MAP_INFO_V4,
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
    "classes-3d-v4.0-4.2": CLASSES_3D_V4,
    "classes-3d-v5": {("P447", "J13"): {"num_classes": 3, "particles_in": 133272,
                                        "classes[].resolution_A": [4.12, 6.85, 3.87]}},
    "ctf-v4": {("P31", "J3"): {"exposures": 24, "job_info.type": "patch_ctf_estimation_multi"},
               ("P31", "J4"): {"exposures": 24, "job_info.type": "ctf_estimation"}},
    "ctf-v5": {("P447", "J3"): {"exposures": 30}},
    "import-v4": {("P31", "J1"): {"voltage_kv": 300.0, "spherical_aberration_mm": 2.7, "psize_A": 0.415,
                                  "total_dose_e_per_A2": 58.6, "exposures": 24}},
    "import-v5": {("P447", "J1"): {"psize_A": 0.365, "total_dose_e_per_A2": 50.0, "exposures": 30}},
    "local-resolution-v4": LOCAL_RESOLUTION_V4,
    "local-resolution-v4.0-4.2": LOCAL_RESOLUTION_V4,
    "local-resolution-v5": {("P447", "J18"): {"local_resolution_A.min": 3.31, "local_resolution_A.max": 8.47}},
    "motion-v4": {("P31", "J2"): {"exposures": 24, "total_dose_e_per_A2": 58.599998474121094,
                                  "psize_A": 0.8299999833106995}},
    "motion-v5": {("P447", "J2"): {"exposures": 30, "total_dose_e_per_A2": 52.0}},
    "sharpen-v4": {("P31", "J17"): {"bfactor_A2": -85, "paths.map_sharp": "{project}/J17/J17_volume_map_sharp.mrc"}},
    "sharpen-v5": {("P447", "J17"): {"bfactor_A2": -72.5}},
    "fsc-v4": FSC_V4,
    "fsc-v4.0-4.2": FSC_V4,
    "fsc-v5": {("P446", "J329"): {"box_size_vox": 348, "resolution_A.corrected": 2.522837574905974}},
    "table1-v4": TABLE1_V4,
    "table1-v4.0-4.2": TABLE1_V4,
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
SHIPPED_RECORDS = {}  # (kind, puid, juid) -> csx's output for the job as shipped, extracted once


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


@pytest.fixture(scope="session")
def shaped_project(tmp_path_factory):
    """(variant, puid) -> that project written in that variant's shape, each made once."""
    made = {}

    def get(variant, puid: str) -> Path:
        if (variant, puid) not in made:
            fixture = PROJECTS[puid]
            root = tmp_path_factory.mktemp(f"{variant.name}-{variant.v4_version or 'current'}")
            made[variant, puid] = make_project(root, puid, fixture.title, fixture.jobs, fixture.dirname, variant)
        return made[variant, puid]

    return get


def _variant(name: str, spec: str):
    variant = VARIANTS[name]
    return replace(variant, v4_version=OLDER_V4) if "-v4.0-4.2" in spec else variant


def test_every_shipped_spec_is_run_here():
    assert sorted(EXPECTED) == sorted(path.stem for path in spec_files(specs_dir()))


def test_the_variants_differ_in_what_they_say():
    assert {(v.job_json, v.volume_files, v.nonfinite_stats) for v in VARIANTS.values()} == {
        ("compact", "per-result", False), ("indented", "per-result", True), ("compact", "shared", True),
        ("indented", "shared", False)}


@pytest.mark.parametrize("variant_name", list(VARIANTS))
@pytest.mark.parametrize("spec, puid, juid", CASES)
def test_every_spec_reads_the_same_facts_in_every_shape(shaped_project, capsys, spec, puid, juid, variant_name):
    variant = _variant(variant_name, spec)
    project = shaped_project(variant, puid)
    kind = spec.split("-v")[0]
    asked = ["--spec", kind] if kind in ON_REQUEST else []
    code, out, _ = run_csx(capsys, "specs", "--explain", project / juid)
    assert code == 0
    matching = [line.split()[0] for line in out.splitlines() if line.endswith(" matches")]
    assert (spec in matching) is (kind not in ON_REQUEST) and len(matching) == 1

    code, out, err = run_csx(capsys, "extract", *asked, project / juid)
    assert (code, err) == (0, [])
    (record,) = records(out)
    for path, expected in EXPECTED[spec][puid, juid].items():
        if isinstance(expected, str):
            expected = expected.format(project=project)
        elif isinstance(expected, list):
            expected = [e.format(project=project) if isinstance(e, str) else e for e in expected]
        assert _value(record, path) == expected, path
    # and every other field as the shipped shape of the current version gives it
    shipped = shaped_project(AS_SHIPPED, puid)
    if (kind, puid, juid) not in SHIPPED_RECORDS:
        _, out, _ = run_csx(capsys, "extract", *asked, shipped / juid)
        SHIPPED_RECORDS[kind, puid, juid] = out
    (reference,) = records(SHIPPED_RECORDS[kind, puid, juid].replace(str(shipped), str(project)))
    if kind == "fsc" and variant.nonfinite_stats:
        # the variant's NaN and Infinity shells are null in the record (README: NaN policy), the rest as shipped
        assert [record["curves"][mask][-1] for mask in ("no_mask", "spherical", "loose")] == [None] * 3
        for mask, curve in record["curves"].items():
            if curve:
                reference["curves"][mask] = [None if got is None else shipped_value
                                             for got, shipped_value in zip(curve, reference["curves"][mask])]
    assert record == reference


@pytest.mark.parametrize("variant_name", list(VARIANTS))
@pytest.mark.parametrize("spec", ["map-info-v4", "map-info-v4.0-4.2"])
def test_job_files_are_shaped_as_the_variant_says(shaped_project, variant_name, spec):
    variant = _variant(variant_name, spec)
    job_dir = shaped_project(variant, "P30") / "J180"
    text = (job_dir / "job.json").read_text()
    assert (text.count("\n") > 1000) is (variant.job_json == "indented")
    assert ('{\n        "$date": "' in text) is (variant.job_json == "indented")
    assert ("NaN" in text and "Infinity" in text) is variant.nonfinite_stats
    assert ('"summary_stats": [' in text and '"fsc_info_autotight"' in text) is (variant.v4_version == OLDER_V4)
    assert ('"latest_summary_stats"' in text) is (variant.v4_version != OLDER_V4)
    volume_files = sorted(p.name for p in job_dir.glob("J180_009_volume*.cs"))
    if variant.volume_files == "shared":
        assert volume_files == ["J180_009_volume.cs"]
    else:
        assert len(volume_files) == 8 and "J180_009_volume_map_sharp.cs" in volume_files
    assert sorted(p.name for p in job_dir.glob("*.csg")) == [
        "J180_009_mask.csg", "J180_009_particles.csg", "J180_009_volume.csg"]


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
