"""Inputs and outputs of the SPA workflow's other job types, as CryoSPARC
names them: pickers, curation, extraction, 2D selection, 3D variability,
3D Flex, symmetry expansion, subtraction, CTF refinement, reference-based
and local motion, full-frame motion, imports, and an External job.

A job whose JobFixture.declarations is WORKFLOW is declared here, whatever
another module registers for its type in the shared tables: documents.py
renders its inputs as v4 `input_slot_groups` or v5 `spec.inputs`, its
outputs as v4 `output_result_groups`/`output_results` or v5 `spec.outputs`,
and its parameters (workflow_params.py); datasets.py writes its metafiles. Counts come from the JobFixture: `exposure_count`
(micrographs), `particle_count` (particles), `counts` (other outputs, by
name).

What public sources show (specs/PROVENANCE.md, the report of issue 18):
- blob_picker_gpu, template_picker_gpu: inputs micrographs (templates),
  outputs micrographs and particles (custom-workflow.ipynb connects both);
- inspect_picks_v2: outputs micrographs ("Micrographs accepted") and
  particles ("Particles accepted": location own; ctf, pick_stats passed
  through) (docs/guides/jobs.ipynb, print_output_spec);
- curate_exposures_v2: outputs exposures_accepted, exposures_rejected;
- extract_micrographs_*: inputs micrographs, particles; outputs micrographs,
  particles (blob and location in the extracted particles' dataset);
- select_2D: inputs particles, templates; outputs particles_selected,
  templates_selected;
- var_3D: outputs particles and volume (what var_3D_disp connects); var_3D_disp
  output volumes_all_clusters with series/path;
- flex_meshprep output flex_mesh (mesh/path); flex_train outputs flex_model and
  particles with components_mode_<k>/component and /value per latent dimension;
- sym_expand output particles with sym_expand/src_uid, idx, symmetry, is_helix,
  helix_num_rises, helix_rise_A, helix_twist_rad;
- import_volumes outputs imported_volume_1, imported_volume_2, ...;
- External jobs (cryosparc-tools save_external_result) are of type snowflake.
Assumed, for the fixtures only (no spec reads them by name): the outputs of
filament_tracer_gpu and topaz_extract (as the other pickers'), of
downsample_particles, restack_particles, particle_subtract, ctf_refine_*,
reference_motion_correction, local_motion_correction_multi (particles),
rigid_motion_correction_multi (micrographs, as patch motion's), flex_prep
(particles, volume), flex_highres (volume), import_particles
(imported_particles), select_2D's particles_excluded and templates_excluded,
and the names of var_3D's and flex_train's model and volume results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .documents import ALIGNED_PARTICLE_SLOTS, MASK_SLOTS, MICROGRAPH_SLOTS, MOVIE_SLOTS, PARTICLE_SLOTS, InputSpec
from .fields import FIELDS
from .outputs import Group, Result, _iterated
from .outputs_pipeline import motion_outputs
from .workflow_params import SECTIONS, WORKFLOW_PARAMS

if TYPE_CHECKING:
    from .projects import JobFixture


@dataclass
class Declared(Result):
    """A result of a dtype fields.py has no entry for: its fields and title travel with it."""

    declared_fields: list = field(default_factory=list)
    declared_title: str = ""

    @property
    def fields(self) -> list[tuple[str, str]]:
        return self.declared_fields

    @property
    def title(self) -> str:
        return f"Passthrough {self.name}" if self.passthrough else self.declared_title


COMPONENT_FIELDS = [("component", "u4"), ("value", "f4")]
SYM_EXPAND_FIELDS = [("src_uid", "u8"), ("idx", "u4"), ("symmetry", "O"), ("is_helix", "u4"),
                     ("helix_num_rises", "u4"), ("helix_rise_A", "f4"), ("helix_twist_rad", "f4")]
PATH_FIELD = [("path", "O")]

MICROGRAPH_RESULTS = (("micrograph_blob", "exposure.micrograph_blob"), ("ctf", "exposure.ctf"),
                      ("mscope_params", "exposure.mscope_params"), ("background_blob", "exposure.stat_blob"))
EXPOSURE_RESULTS = MICROGRAPH_RESULTS + (("ctf_stats", "exposure.ctf_stats"),)


TITLES = {"blob": "Particle images", "location": "Particle locations", "pick_stats": "Pick statistics",
          "motion": "Particle motion", "ctf": "CTF parameters", "alignments3D": "3D alignments", "map": "Volume data",
          "map_half_A": "Half map A", "map_half_B": "Half map B"}


def own(job: JobFixture, name: str, type_: str, stem: str, count: int, fields=None, title: str = "") -> Result:
    """A result the job writes (none when it did not complete); `fields` for a dtype fields.py lacks."""
    result = _iterated(job, name, type_, stem, count)
    return Declared(**vars(result), declared_fields=FIELDS[type_] if fields is None else fields,
                    declared_title=title or TITLES[name])


def passed(job: JobFixture, results, output: str, input_name: str, count: int) -> list[Result]:
    """Results passed through from an input, in one passthrough metafile per output."""
    metafile = f"{job.uid}/{job.uid}_passthrough_{output}.cs"
    return [Result(name, type_, True, [0], [metafile], [count], input_name) for name, type_ in results]


def micrographs(job: JobFixture, name: str = "micrographs", title: str = "Micrographs",
                input_name: str = "micrographs", count: int | None = None) -> Group:
    n = job.exposure_count if count is None else count
    return Group(name, "exposure", title, n, passed(job, MICROGRAPH_RESULTS, name, input_name, n),
                 passthrough_input=input_name)


def particles(job: JobFixture, own_results, passed_results, name: str = "particles", title: str = "Particles",
              input_name: str = "particles", count: int | None = None) -> Group:
    """A particle output: `own_results` are (name, type) or (name, type, fields, title) the job writes."""
    n = job.particle_count if count is None else count
    results = [own(job, r[0], r[1], name, n, *r[2:]) for r in own_results]
    results += passed(job, passed_results, name, input_name, n) if passed_results else []
    return Group(name, "particle", title, n, results, passthrough_input=input_name if passed_results else None)


def volume(job: JobFixture, name: str = "volume", results=("map",), title: str = "Volume") -> Group:
    made = [own(job, r, "volume.blob", f"{name}_{r}", 1) for r in results]  # the map beside: J23/J23_volume_map.mrc
    return Group(name, "volume", title, 1 if job.status == "completed" else 0, made)


def components(k: int) -> tuple:
    return (f"components_mode_{k}", "particle.components", COMPONENT_FIELDS, f"Component {k}")


def _n_components(job: JobFixture) -> int:
    return job.counts["components"]


# --- outputs, by job type ---------------------------------------------------------------------------------------


def picker_outputs(job: JobFixture) -> list[Group]:
    return [micrographs(job),
            particles(job, [("location", "particle.location"), ("pick_stats", "particle.pick_stats")], (),
                      title="Particles picked")]


def inspect_picks_outputs(job: JobFixture) -> list[Group]:
    return [micrographs(job, title="Micrographs accepted"),
            particles(job, [("location", "particle.location")],
                      [("ctf", "particle.ctf"), ("pick_stats", "particle.pick_stats")], title="Particles accepted")]


def curate_outputs(job: JobFixture) -> list[Group]:
    groups = []
    for name, title in (("exposures_accepted", "Exposures accepted"), ("exposures_rejected", "Exposures rejected")):
        n = job.counts[name]
        groups.append(Group(name, "exposure", title, n, passed(job, EXPOSURE_RESULTS, name, "exposures", n),
                            passthrough_input="exposures"))
    return groups


def extract_outputs(job: JobFixture) -> list[Group]:
    return [micrographs(job),
            particles(job, [("blob", "particle.blob"), ("location", "particle.location")],
                      [("ctf", "particle.ctf"), ("pick_stats", "particle.pick_stats")], title="Extracted particles")]


def restack_outputs(job: JobFixture) -> list[Group]:
    return [particles(job, [("blob", "particle.blob")],
                      [("ctf", "particle.ctf"), ("location", "particle.location"),
                       ("alignments2D", "particle.alignments2D")])]


def select_2d_outputs(job: JobFixture) -> list[Group]:
    groups = []
    for kept in ("selected", "excluded"):
        n = job.counts[f"particles_{kept}"]
        groups.append(particles(job, (), [("blob", "particle.blob"), ("ctf", "particle.ctf"),
                                          ("location", "particle.location"), ("alignments2D", "particle.alignments2D")],
                                name=f"particles_{kept}", title=f"Particles {kept}", count=n))
    for kept in ("selected", "excluded"):
        n = job.counts[f"templates_{kept}"]
        groups.append(Group(f"templates_{kept}", "template", f"Templates {kept}", n,
                            passed(job, [("blob", "template.blob")], f"templates_{kept}", "templates", n),
                            passthrough_input="templates"))
    return groups


def var_3d_outputs(job: JobFixture) -> list[Group]:
    modes = [components(k) for k in range(_n_components(job))]
    return [particles(job, modes, [("blob", "particle.blob"), ("ctf", "particle.ctf"),
                                   ("alignments3D", "particle.alignments3D")]),
            volume(job, "volume", ("map",), "Volume data")]


def var_3d_disp_outputs(job: JobFixture) -> list[Group]:
    series = own(job, "series", "volume.series", "volumes_all_clusters", 1, PATH_FIELD, "Volume series")
    return [Group("volumes_all_clusters", "volume_multi", "All volumes", 1 if job.status == "completed" else 0,
                  [series])]


def flex_prep_outputs(job: JobFixture) -> list[Group]:
    return [particles(job, [("blob", "particle.blob")], [("ctf", "particle.ctf"),
                                                        ("alignments3D", "particle.alignments3D")]),
            volume(job, "volume", ("map",), "Prepared volume")]


def flex_meshprep_outputs(job: JobFixture) -> list[Group]:
    mesh = own(job, "mesh", "flex_mesh.mesh", "flex_mesh", 1, PATH_FIELD, "Tetrahedral mesh")
    return [Group("flex_mesh", "flex_mesh", "Flex mesh", 1 if job.status == "completed" else 0, [mesh])]


def flex_train_outputs(job: JobFixture) -> list[Group]:
    model = own(job, "model", "flex_model.model", "flex_model", 1, PATH_FIELD, "Flex model")
    modes = [components(k) for k in range(_n_components(job))]
    return [Group("flex_model", "flex_model", "Flex model", 1 if job.status == "completed" else 0, [model]),
            particles(job, modes, [("blob", "particle.blob"), ("ctf", "particle.ctf"),
                                   ("alignments3D", "particle.alignments3D")])]


def flex_highres_outputs(job: JobFixture) -> list[Group]:
    return [volume(job, "volume", ("map", "map_half_A", "map_half_B"), "Flex reconstruction")]


def sym_expand_outputs(job: JobFixture) -> list[Group]:
    expanded = [("sym_expand", "particle.sym_expand", SYM_EXPAND_FIELDS, "Symmetry expansion"),
                ("alignments3D", "particle.alignments3D")]
    return [particles(job, expanded, [("blob", "particle.blob"), ("ctf", "particle.ctf"),
                                      ("location", "particle.location")], title="Expanded particles")]


def subtract_outputs(job: JobFixture) -> list[Group]:
    return [particles(job, [("blob", "particle.blob")], [("ctf", "particle.ctf"),
                                                        ("alignments3D", "particle.alignments3D")],
                      title="Subtracted particles")]


def ctf_refine_outputs(job: JobFixture) -> list[Group]:
    return [particles(job, [("ctf", "particle.ctf")], [("blob", "particle.blob"),
                                                      ("alignments3D", "particle.alignments3D")])]


def particle_motion_outputs(job: JobFixture) -> list[Group]:
    return [particles(job, [("blob", "particle.blob"), ("motion", "particle.motion")],
                      [("ctf", "particle.ctf"), ("location", "particle.location")])]


def rigid_motion_outputs(job: JobFixture) -> list[Group]:
    (group,) = motion_outputs(job)
    group.results = [r for r in group.results if r.name != "spline_motion"]  # full-frame: no patch model
    return [group]


def import_particles_outputs(job: JobFixture) -> list[Group]:
    n = job.particle_count
    return [Group("imported_particles", "particle", "Imported particles", n,
                  [own(job, name, f"particle.{name}", "imported_particles", n) for name in ("blob", "ctf")])]


def import_volumes_outputs(job: JobFixture) -> list[Group]:
    return [volume(job, f"imported_volume_{k}", ("map",), f"Imported volume {k}")
            for k in range(1, job.counts["volumes"] + 1)]


def external_outputs(job: JobFixture) -> list[Group]:
    """An External job's own output, as cryosparc-tools' magnification example makes it."""
    return [particles(job, [("blob", "particle.blob")], [("ctf", "particle.ctf"), ("location", "particle.location")],
                      name="combined_particles", title="Combined particles", input_name="particles_1")]


WORKFLOW_OUTPUTS = {
    "curate_exposures_v2": curate_outputs,
    "blob_picker_gpu": picker_outputs,
    "template_picker_gpu": picker_outputs,
    "filament_tracer_gpu": picker_outputs,
    "topaz_extract": picker_outputs,
    "inspect_picks_v2": inspect_picks_outputs,
    "extract_micrographs_cpu_parallel": extract_outputs,
    "extract_micrographs_multi": extract_outputs,
    "downsample_particles": restack_outputs,
    "restack_particles": restack_outputs,
    "select_2D": select_2d_outputs,
    "var_3D": var_3d_outputs,
    "var_3D_disp": var_3d_disp_outputs,
    "flex_prep": flex_prep_outputs,
    "flex_meshprep": flex_meshprep_outputs,
    "flex_train": flex_train_outputs,
    "flex_highres": flex_highres_outputs,
    "sym_expand": sym_expand_outputs,
    "particle_subtract": subtract_outputs,
    "ctf_refine_global": ctf_refine_outputs,
    "ctf_refine_local": ctf_refine_outputs,
    "reference_motion_correction": particle_motion_outputs,
    "local_motion_correction_multi": particle_motion_outputs,
    "rigid_motion_correction_multi": rigid_motion_outputs,
    "import_particles": import_particles_outputs,
    "import_volumes": import_volumes_outputs,
    "snowflake": external_outputs,
}

# --- inputs, by job type ----------------------------------------------------------------------------------------

PICKED_MICROGRAPHS = InputSpec("micrographs", "exposure", "Micrographs", 1, "inf", MICROGRAPH_SLOTS)
LOCATIONS = InputSpec("particles", "particle", "Particles", 1, "inf",
                      [("location", "particle.location", True), ("alignments2D", "particle.alignments2D", False)])
STACKS = InputSpec("particles", "particle", "Particle stacks", 1, "inf", PARTICLE_SLOTS)
ALIGNED = InputSpec("particles", "particle", "Particle stacks", 1, "inf", ALIGNED_PARTICLE_SLOTS)
VOLUME = InputSpec("volume", "volume", "Volume", 1, 1, [("map", "volume.blob", True)])
MASK = InputSpec("mask", "mask", "Mask", 0, 1, MASK_SLOTS)
TEMPLATES = InputSpec("templates", "template", "Templates", 1, "inf", [("blob", "template.blob", True)])

WORKFLOW_INPUTS: dict[str, list[InputSpec]] = {
    "curate_exposures_v2": [InputSpec("exposures", "exposure", "Exposures", 1, "inf", MICROGRAPH_SLOTS)],
    "blob_picker_gpu": [PICKED_MICROGRAPHS],
    "template_picker_gpu": [PICKED_MICROGRAPHS, TEMPLATES],
    "filament_tracer_gpu": [PICKED_MICROGRAPHS, TEMPLATES._replace(count_min=0)],
    "topaz_extract": [PICKED_MICROGRAPHS],
    "inspect_picks_v2": [PICKED_MICROGRAPHS, LOCATIONS],
    "extract_micrographs_cpu_parallel": [PICKED_MICROGRAPHS, LOCATIONS._replace(count_min=0)],
    "extract_micrographs_multi": [PICKED_MICROGRAPHS, LOCATIONS._replace(count_min=0)],
    "downsample_particles": [STACKS],
    "restack_particles": [STACKS],
    "select_2D": [InputSpec("particles", "particle", "Particles", 1, "inf",
                            [("blob", "particle.blob", True), ("alignments2D", "particle.alignments2D", True)]),
                  TEMPLATES],
    "var_3D": [ALIGNED, MASK._replace(count_min=1)],
    "var_3D_disp": [InputSpec("particles", "particle", "Particles", 1, "inf",
                              [("components_mode_0", "particle.components", True)]), VOLUME],
    "flex_prep": [ALIGNED, VOLUME],
    "flex_meshprep": [VOLUME, MASK],
    "flex_train": [ALIGNED, InputSpec("flex_mesh", "flex_mesh", "Flex mesh", 1, 1, [("mesh", "flex_mesh.mesh", True)])],
    "flex_highres": [ALIGNED, InputSpec("flex_model", "flex_model", "Flex model", 1, 1,
                                        [("model", "flex_model.model", True)])],
    "sym_expand": [ALIGNED],
    "particle_subtract": [ALIGNED, VOLUME, MASK._replace(count_min=1)],
    "ctf_refine_global": [ALIGNED, VOLUME, MASK],
    "ctf_refine_local": [ALIGNED, VOLUME, MASK],
    "reference_motion_correction": [ALIGNED, VOLUME, MASK],
    "local_motion_correction_multi": [STACKS, InputSpec("micrographs", "exposure", "Movies", 1, "inf", MOVIE_SLOTS)],
    "rigid_motion_correction_multi": [InputSpec("movies", "exposure", "Movies", 1, "inf", MOVIE_SLOTS)],
    "import_particles": [],
    "import_volumes": [],
    "snowflake": [InputSpec("particles_1", "particle", "Particles 1", 0, "inf", PARTICLE_SLOTS)],
}


@dataclass(frozen=True)
class Declarations:
    """Job types declared apart from the shared tables, for JobFixture.declarations."""

    inputs: dict
    outputs: dict
    params: dict
    sections: dict


WORKFLOW = Declarations(WORKFLOW_INPUTS, WORKFLOW_OUTPUTS, WORKFLOW_PARAMS, SECTIONS)
