"""The outputs of the processing pipeline's job types, as CryoSPARC names them.

- patch_motion_correction_multi: `micrographs` (micrograph_blob,
  micrograph_blob_non_dw, background_blob, rigid_motion, spline_motion; the
  movies' movie_blob, mscope_params, gain_ref_blob passed through).
- import_micrographs: `imported_micrographs` (micrograph_blob, mscope_params).
- class_2D_new, class_2D: `particles` (alignments2D) and `class_averages`
  (a `template` output, one row per class: blob/path, blob/idx, blob/res_A).
- homo_abinit, hetero_refine, class_3D: per class k `particles_class_k` and
  `volume_class_k`, then `particles_all_classes` and `volumes_all_classes`
  (a `volume_multi` output, one row per class). Classes that report a
  resolution carry FSC summary stats on their `volume_class_k`.
- sharpen: `volume` (map_sharp; the input's map and half maps passed through).
- local_resolution: `volume` (map_locres, map_locres_fsc, mask_refine; the input passed through).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .outputs import PARTICLE_PASSTHROUGH, Group, Result, _iterated

if TYPE_CHECKING:
    from .projects import JobFixture

PARTICLE_INPUT_RESULTS = ("blob", "ctf", "location", "pick_stats")


def _passthrough(job: JobFixture, names: tuple[str, ...], group_type: str, output: str, input_name: str,
                 count: int) -> list[Result]:
    metafile = f"{job.uid}/{job.uid}_passthrough_{output}.cs"
    # every result of a volume is a volume.blob; other types are named after the result
    return [Result(name, "volume.blob" if group_type == "volume" else f"{group_type}.{name}", True, [0], [metafile],
                   [count], input_name) for name in names]


def motion_outputs(job: JobFixture) -> list[Group]:
    n = job.exposure_count
    own = [_iterated(job, name, type_, "micrographs", n) for name, type_ in (
        ("micrograph_blob", "exposure.micrograph_blob"), ("micrograph_blob_non_dw", "exposure.micrograph_blob"),
        ("background_blob", "exposure.stat_blob"), ("rigid_motion", "exposure.motion"),
        ("spline_motion", "exposure.motion"))]
    passed = _passthrough(job, ("movie_blob", "mscope_params", "gain_ref_blob"), "exposure", "micrographs", "movies", n)
    return [Group("micrographs", "exposure", "Motion-corrected micrographs", n, own + passed,
                  passthrough_input="movies")]


def import_micrographs_outputs(job: JobFixture) -> list[Group]:
    n = job.exposure_count
    metafile = [f"{job.uid}/{job.uid}_imported_micrographs.cs"]
    results = [Result(name, f"exposure.{name}", False, [0], metafile, [n]) for name in ("micrograph_blob",
                                                                                       "mscope_params")]
    return [Group("imported_micrographs", "exposure", "Imported micrographs", n, results)]


def class2d_outputs(job: JobFixture) -> list[Group]:
    n, k = job.particle_count, len(job.class_counts)
    particles = [_iterated(job, "alignments2D", "particle.alignments2D", "particles", n)]
    particles += _passthrough(job, PARTICLE_INPUT_RESULTS, "particle", "particles", "particles", n)
    averages = [_iterated(job, "blob", "template.blob", "class_averages", k)]
    return [Group("particles", "particle", "Particles", n, particles, passthrough_input="particles"),
            Group("class_averages", "template", "2D class averages", k, averages)]


def classes3d_outputs(job: JobFixture) -> list[Group]:
    groups = []
    for k, count in enumerate(job.class_counts):
        particles = [_iterated(job, "alignments3D", "particle.alignments3D", f"class_{k:02d}_particles", count)]
        particles += _passthrough(job, PARTICLE_PASSTHROUGH, "particle", f"particles_class_{k}", "particles", count)
        groups.append(Group(f"particles_class_{k}", "particle", f"Particles class {k}", count, particles,
                            passthrough_input="particles"))
        groups.append(Group(f"volume_class_{k}", "volume", f"Volume class {k}", 1,
                            [_iterated(job, "map", "volume.blob", f"class_{k:02d}_volume", 1)]))
    n = sum(job.class_counts)
    particles = [_iterated(job, "alignments3D", "particle.alignments3D", "particles_all_classes", n)]
    particles += _passthrough(job, PARTICLE_PASSTHROUGH, "particle", "particles_all_classes", "particles", n)
    volumes = [_iterated(job, "map", "volume.blob", "volumes_all_classes", len(job.class_counts))]
    return groups + [
        Group("particles_all_classes", "particle", "All particles", n, particles, passthrough_input="particles"),
        Group("volumes_all_classes", "volume_multi", "All volumes", len(job.class_counts), volumes),
    ]


def sharpen_outputs(job: JobFixture) -> list[Group]:
    own = [_iterated(job, "map_sharp", "volume.blob", "volume_map_sharp", 1)]
    passed = _passthrough(job, ("map", "map_half_A", "map_half_B"), "volume", "volume", "volume", 1)
    return [Group("volume", "volume", "Sharpened volume", 1, own + passed, passthrough_input="volume")]


def local_resolution_outputs(job: JobFixture) -> list[Group]:
    """The local resolution map and the mask it is meaningful in, named as public readers of CryoSPARC's files
    find them in the job's folder (J<N>_map_locres.mrc, J<N>_mask_refine.mrc); map_locres_fsc assumed."""
    own = [_iterated(job, name, "volume.blob", f"volume_{name}", 1)
           for name in ("map_locres", "map_locres_fsc", "mask_refine")]
    for result in own:
        result.data_stem = f"{job.uid}/{job.uid}_{result.name}"
    passed = _passthrough(job, ("map", "map_half_A", "map_half_B"), "volume", "volume", "volume", 1)
    return [Group("volume", "volume", "Local resolution", 1, own + passed, passthrough_input="volume")]


PIPELINE_OUTPUTS = {
    "patch_motion_correction_multi": motion_outputs,
    "import_micrographs": import_micrographs_outputs,
    "class_2D_new": class2d_outputs,
    "class_2D": class2d_outputs,
    "homo_abinit": classes3d_outputs,
    "hetero_refine": classes3d_outputs,
    "class_3D": classes3d_outputs,
    "sharpen": sharpen_outputs,
    "local_resolution": local_resolution_outputs,
}
