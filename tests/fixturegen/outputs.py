"""The outputs of a fixture job, independent of the document layout.

documents.py renders them as v4 `output_result_groups`/`output_results` or v5
`spec.outputs`; datasets.py writes the final metafile of each result and a
`.csg` file per output.

Metafile naming (paths relative to the project directory):
- refinements, iteration k: `J180/J180_009_particles.cs` holds the particles'
  blob, ctf and alignments3D (all refined); `J180/J180_passthrough_particles.cs`
  holds the passthrough results (location, pick_stats, motion). Each volume
  result has its own metafile named like its map, `J180/J180_009_volume_map.cs`,
  `J180/J180_009_volume_map_sharp.cs`, ..., or, with `volume_files="shared"`,
  all of them share `J180/J180_009_volume.cs`. The `mask` output's mask_refine
  points at the volume's metafile; so do a v5 refinement's `mask_fsc` and
  `mask_fsc_auto` outputs, beside its empty `particles_rejected`.
- helix_refine is named like the refinements.
- homo_reconstruct has no iteration: `J182/J182_particles.cs`,
  `J182/J182_volume_map.cs`, ... and no mask_refine.
Every iteration 0..k is listed in `versions`/`metafiles`; only the final
metafile of each result exists on disk, as after clearing intermediate results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .fields import FIELDS, TITLES

if TYPE_CHECKING:
    from .projects import JobFixture

PARTICLE_PASSTHROUGH = ("ctf", "blob", "motion", "location", "pick_stats")
# a refinement writes the particles' blob and ctf anew with their alignments; the rest passes through
REFINED_PARTICLES = ("blob", "ctf", "alignments3D")
VOLUME_RESULTS = ("map", "map_sharp", "map_half_A", "map_half_B", "mask_refine", "mask_fsc", "mask_fsc_auto",
                  "precision")
REFINEMENT_TYPES = ("homo_refine_new", "nonuniform_refine_new", "new_local_refine", "homo_reconstruct", "helix_refine")


@dataclass
class Result:
    name: str
    type: str  # v4 result type, e.g. "particle.alignments3D"; the v5 dtype is the part after the dot
    passthrough: bool
    versions: list[int]
    metafiles: list[str]
    num_items: list[int]
    passthrough_from: str | None = None  # input group a passthrough result comes from
    data_stem: str | None = None  # the .mrc a volume result describes, when not named like its metafile

    @property
    def dtype(self) -> str:
        return self.type.split(".", 1)[1]

    @property
    def title(self) -> str:
        return f"Passthrough {self.name}" if self.passthrough else TITLES[self.name]

    @property
    def fields(self) -> list[tuple[str, str]]:
        return FIELDS[self.type]

    @property
    def final_metafile(self) -> str | None:
        if not self.metafiles:
            return None
        return self.metafiles[0] if self.passthrough else self.metafiles[-1]


@dataclass
class Group:
    name: str
    type: str
    title: str
    num_items: int
    results: list[Result]
    passthrough_input: str | None = None


def iteration_stem(job: JobFixture, stem: str, version: int | None = None) -> str:
    """`J180/J180_009_<stem>` at the job's final iteration (or the version given); `J182/J182_<stem>` without."""
    if job.iteration is None:
        return f"{job.uid}/{job.uid}_{stem}"
    return f"{job.uid}/{job.uid}_{job.iteration if version is None else version:03d}_{stem}"


def _iterated(job: JobFixture, name: str, type_: str, stem: str, count: int) -> Result:
    """A result written once per iteration; a failed job wrote none."""
    if job.status != "completed":
        return Result(name, type_, False, [], [], [])
    versions = [0] if job.iteration is None else list(range(job.iteration + 1))
    metafiles = [iteration_stem(job, stem, v) + ".cs" for v in versions]
    return Result(name, type_, False, versions, metafiles, [count] * len(versions))


def _volume(job: JobFixture, name: str) -> Result:
    stem = "volume" if job.volume_files == "shared" else f"volume_{name}"
    result = _iterated(job, name, "volume.blob", stem, 1)
    result.data_stem = iteration_stem(job, f"volume_{name}")
    return result


def _passthrough(job: JobFixture, name: str, type_: str, group: str, count: int, input_name: str = "") -> Result:
    return Result(name, type_, True, [0], [f"{job.uid}/{job.uid}_passthrough_{group}.cs"], [count],
                  input_name or group)


def _particles(job: JobFixture, name: str, count: int) -> list[Result]:
    own = [_iterated(job, r, f"particle.{r}", name, count) for r in REFINED_PARTICLES]
    return own + [_passthrough(job, r, f"particle.{r}", name, count, "particles")
                  for r in PARTICLE_PASSTHROUGH if r not in REFINED_PARTICLES]


def refinement_outputs(job: JobFixture) -> list[Group]:
    n = job.particle_count
    names = [r for r in VOLUME_RESULTS if not (job.job_type == "homo_reconstruct" and r == "mask_refine")]
    volume = [_volume(job, r) for r in names]
    groups = [
        Group("particles", "particle", "All particles", n, _particles(job, "particles", n),
              passthrough_input="particles"),
        Group("volume", "volume", "Volume", 1 if job.status == "completed" else 0, volume),
    ]
    if job.layout == "v5":
        groups.insert(1, Group("particles_rejected", "particle", "Rejected particles", 0,
                               _particles(job, "particles_rejected", 0),
                               passthrough_input="particles"))
    masks = [("mask", "mask_refine", "Mask")]
    if job.layout == "v5":
        masks += [("mask_fsc", "mask_fsc", "FSC mask"), ("mask_fsc_auto", "mask_fsc_auto", "Auto-tightened FSC mask")]
    for output, name, title in masks:
        result = next((r for r in volume if r.name == name), None)
        if result is not None:
            groups.append(Group(output, "mask", title, result.num_items[-1] if result.num_items else 0, [result]))
    return groups


def exposure_outputs(job: JobFixture) -> list[Group]:
    n = job.exposure_count
    if job.job_type == "import_movies":
        metafile = [f"{job.uid}/{job.uid}_imported_movies.cs"]
        results = [Result(r, f"exposure.{r}", False, [0], metafile, [n])
                   for r in ("movie_blob", "mscope_params", "gain_ref_blob")]
        return [Group("imported_movies", "exposure", "Imported movies", n, results)]
    own = [_iterated(job, r, f"exposure.{r}", "exposures", n) for r in ("ctf", "ctf_stats")]
    passed = [_passthrough(job, r, f"exposure.{r}", "exposures", n) for r in ("movie_blob", "mscope_params")]
    return [Group("exposures", "exposure", "Micrographs processed", n, own + passed, passthrough_input="exposures")]


def job_outputs(job: JobFixture) -> list[Group]:
    # imported here: the pipeline's outputs are built from the pieces above
    from .outputs_pipeline import PIPELINE_OUTPUTS

    if job.declarations is not None:
        return job.declarations.outputs[job.job_type](job)
    if job.job_type in PIPELINE_OUTPUTS:
        return PIPELINE_OUTPUTS[job.job_type](job)
    return refinement_outputs(job) if job.job_type in REFINEMENT_TYPES else exposure_outputs(job)
