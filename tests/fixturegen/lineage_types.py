"""The job types the lineage graph adds to the pipeline's: their parameters,
inputs and outputs, registered in the shared tables on import.

Names and shapes follow public sources where there are any (cryosparc-tools
5.0.3 docs: custom-workflow.ipynb connects curate_exposures_v2 `exposures` and
its `exposures_accepted`, select_2D `particles_selected`; guides/jobs.ipynb
prints extract_micrographs_cpu_parallel's inputs, parameters and files);
restack_particles and downsample_particles are assumed to take and give
`particles`, and curate_exposures_v2 to give `exposures_rejected` beside the
accepted ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .documents import INPUTS, MICROGRAPH_SLOTS, InputSpec
from .fields import TITLES
from .outputs import PARTICLE_PASSTHROUGH, Group, _iterated
from .outputs_pipeline import PIPELINE_OUTPUTS, _passthrough
from .params import COMPUTE, Param
from .params_pipeline import PIPELINE_PARAMS, SECTIONS

if TYPE_CHECKING:
    from .projects import JobFixture

P = Param

TITLES.update({"location": "Particle locations", "pick_stats": "Picking statistics"})
PICK_SLOTS = [("location", "particle.location", True), ("pick_stats", "particle.pick_stats", False)]
SECTIONS.update({"blob_picker": "Blob Picker", "extract": "Particle Extraction", "select2D": "Select 2D Classes",
                 "restack": "Restack Particles"})
EXTRACT_CPU = [  # as guides/jobs.ipynb prints them (print_param_spec)
    P("compute_num_cores", "number", 4, "Number of CPU cores", "CPU cores to extract with.", "compute"),
    P("box_size_pix", "number", 256, "Extraction box size (pix)", "Box size of the extracted particles.", "extract"),
    P("bin_size_pix", "number", None, "Fourier-crop to box size (pix)",
      "Box size after Fourier cropping; none keeps the extraction box.", "extract"),
    P("bin_size_pix_small", "number", None, "Second (small) F-crop box size (pix)",
      "A second, smaller Fourier-cropped stack.", "extract", advanced=True),
    P("output_f16", "boolean", False, "Save results in 16-bit floating point", "Write the stacks as float16.",
      "extract"),
    P("force_reextract_CTF", "boolean", False, "Force re-extract CTFs from micrographs",
      "Take the CTF from the micrographs, not the particles.", "extract", advanced=True),
    P("recenter_using_shifts", "boolean", True, "Recenter using aligned shifts",
      "Recenter particles on the shifts of an alignment.", "extract"),
    P("num_extract", "number", None, "Number of mics to extract", "Extract from this many micrographs only.",
      "extract", advanced=True),
    P("flip_x", "boolean", False, "Flip mic. in x before extract?", "Flip the micrographs in x.", "extract",
      advanced=True),
    P("flip_y", "boolean", False, "Flip mic. in y before extract?", "Flip the micrographs in y.", "extract",
      advanced=True),
    P("scale_const_override", "number", None, "Scale constant (override)", "Override the CTF scale constant.",
      "extract", advanced=True),
]
PIPELINE_PARAMS.update({
    "blob_picker_gpu": [
        P("diameter", "number", None, "Minimum particle diameter (A)", "Smallest particle diameter to pick.",
          "blob_picker"),
        P("diameter_max", "number", None, "Maximum particle diameter (A)", "Largest particle diameter to pick.",
          "blob_picker"),
        P("use_circle", "boolean", True, "Use circular blob", "Pick with a circular blob.", "blob_picker"),
        P("min_distance", "number", 1.0, "Min. separation dist (diameters)",
          "Minimum distance between picks, in units of the particle diameter.", "blob_picker"),
        P("max_num_hits", "number", 4000, "Number of mics to process", "Picks kept per micrograph at most.",
          "blob_picker", advanced=True),
    ] + COMPUTE,
    "extract_micrographs_multi": [
        P("box_size_pix", "number", 256, "Extraction box size (pix)", "Box size of the extracted particles.",
          "extract"),
        P("bin_size_pix", "number", None, "Fourier-crop to box size (pix)",
          "Box size after Fourier cropping; none keeps the extraction box.", "extract"),
        P("recenter_using_shifts", "boolean", True, "Recenter using aligned shifts",
          "Recenter particles on the shifts of an alignment.", "extract"),
        P("output_f16", "boolean", False, "Save results in 16-bit floating point",
          "Write the particle stacks as float16.", "extract"),
        P("flip_x", "boolean", False, "Flip mic. in x before extract", "Flip the micrographs in x.", "extract",
          advanced=True),
    ] + COMPUTE,
    "extract_micrographs_cpu_parallel": EXTRACT_CPU,
    "select_2D": [
        P("class_sort_by", "enum", "num_particles", "Sort classes by", "The order the classes are shown in.",
          "select2D", enum=("num_particles", "res_A", "ecaAng")),
        P("auto_select", "boolean", False, "Auto-select classes", "Select classes by thresholds.", "select2D"),
    ],
    "curate_exposures_v2": [],  # interactive: thresholds are set in the web interface
    "restack_particles": COMPUTE,
    "downsample_particles": COMPUTE,
})
PARTICLE_INPUT = InputSpec("particles", "particle", "Particles", 1, "inf",
                           [("blob", "particle.blob", True), ("ctf", "particle.ctf", False)])
INPUTS.update({
    "blob_picker_gpu": [InputSpec("micrographs", "exposure", "Micrographs", 1, "inf",
                                  MICROGRAPH_SLOTS + [("ctf", "exposure.ctf", False)])],
    "extract_micrographs_multi": [
        InputSpec("micrographs", "exposure", "Micrographs", 1, "inf", MICROGRAPH_SLOTS),
        InputSpec("particles", "particle", "Particles", 1, "inf", PICK_SLOTS),
    ],
    "extract_micrographs_cpu_parallel": [  # as guides/jobs.ipynb prints them (print_input_spec)
        InputSpec("micrographs", "exposure", "Micrographs", 1, "inf",
                  [("micrograph_blob", "exposure.micrograph_blob", True),
                   ("background_blob", "exposure.stat_blob", False),
                   ("mscope_params", "exposure.mscope_params", True), ("ctf", "exposure.ctf", False)]),
        InputSpec("particles", "particle", "Particles", 1, "inf",
                  [("location", "particle.location", True), ("alignments2D", "particle.alignments2D", False),
                   ("alignments3D", "particle.alignments3D", False)]),
    ],
    "select_2D": [
        InputSpec("particles", "particle", "Particles", 1, "inf",
                  [("blob", "particle.blob", True), ("alignments2D", "particle.alignments2D", True)]),
        InputSpec("templates", "template", "2D class averages", 1, 1, [("blob", "template.blob", True)]),
    ],
    "curate_exposures_v2": [InputSpec("exposures", "exposure", "Exposures", 1, "inf",
                                      MICROGRAPH_SLOTS + [("ctf", "exposure.ctf", True)])],
    "restack_particles": [PARTICLE_INPUT],
    "downsample_particles": [PARTICLE_INPUT],
})


def _picker_outputs(job: JobFixture) -> list[Group]:
    n = job.particle_count
    own = [_iterated(job, name, f"particle.{name}", "particles", n) for name in ("location", "pick_stats")]
    return [Group("particles", "particle", "Particles", n, own)]


def _extract_outputs(job: JobFixture) -> list[Group]:
    n = job.particle_count
    own = [_iterated(job, name, f"particle.{name}", "particles", n) for name in ("blob", "ctf", "location")]
    passed = _passthrough(job, ("pick_stats",), "particle", "particles", "particles", n)
    return [Group("particles", "particle", "Extracted particles", n, own + passed, passthrough_input="particles")]


def _restack_outputs(job: JobFixture) -> list[Group]:
    """New stacks (blob) of the particles; everything else passed through."""
    n = job.particle_count
    own = [_iterated(job, "blob", "particle.blob", "particles", n)]
    passed = _passthrough(job, ("ctf", "location"), "particle", "particles", "particles", n)
    return [Group("particles", "particle", "Particles", n, own + passed, passthrough_input="particles")]


def _select_outputs(job: JobFixture) -> list[Group]:
    """class_counts are the input's classes, every other one kept; particle_count what they hold."""
    selected, total = job.particle_count, sum(job.class_counts)
    groups = []
    for name, count in (("particles_selected", selected), ("particles_excluded", total - selected)):
        passed = _passthrough(job, ("alignments2D",) + PARTICLE_PASSTHROUGH[:2] + ("location",), "particle", name,
                              "particles", count)
        groups.append(Group(name, "particle", name.replace("_", " ").capitalize(), count, passed,
                            passthrough_input="particles"))
    return groups


def _curate_outputs(job: JobFixture) -> list[Group]:
    """class_counts: (exposures accepted, exposures rejected); every result passed through."""
    groups = []
    for name, count in zip(("exposures_accepted", "exposures_rejected"), job.class_counts):
        passed = _passthrough(job, ("micrograph_blob", "mscope_params", "ctf", "ctf_stats"), "exposure", name,
                              "exposures", count)
        groups.append(Group(name, "exposure", name.replace("_", " ").capitalize(), count, passed,
                            passthrough_input="exposures"))
    return groups


PIPELINE_OUTPUTS.update({"blob_picker_gpu": _picker_outputs, "extract_micrographs_multi": _extract_outputs,
                         "extract_micrographs_cpu_parallel": _extract_outputs, "select_2D": _select_outputs,
                         "curate_exposures_v2": _curate_outputs, "restack_particles": _restack_outputs,
                         "downsample_particles": _restack_outputs})
