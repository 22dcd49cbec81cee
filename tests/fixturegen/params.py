"""Job parameters as CryoSPARC declares them.

`params_base(job_type)` gives the v4 `params_base` (every parameter, its
default in `value`, plus title, type, description and section); the v5
`spec.params` is `params_in_force(job_type, params_set)`.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Param(NamedTuple):
    name: str
    type: str  # "boolean" | "number" | "string" | "enum" | "path"
    value: Any
    title: str
    desc: str
    section: str
    advanced: bool = False
    enum: tuple[str, ...] = ()


SECTIONS = {
    "prepare": "Particle preprocessing",
    "local": "Local Refinement Alignment",
    "refine": "Refinement",
    "recon": "Homogeneous Reconstruction",
    "defocus": "Defocus Refinement",
    "ctf": "Global CTF Refinement",
    "ews": "Ewald Sphere Correction",
    "import": "Import",
    "ctf_estimation": "Patch CTF Estimation",
    "compute": "Compute settings",
}

P = Param

PREPARE = [
    P("prepare_window_dataset", "boolean", True, "Window dataset (real-space)",
      "Softly window the particle images in real space with a circular window before any processing. "
      "This removes corner artefacts from the extraction box.", "prepare"),
    P("prepare_window_inner_radius", "number", 0.85, "Window inner radius",
      "Inner radius of the real-space window, as a fraction of the box size. Inside this radius the "
      "window is 1.", "prepare", advanced=True),
    P("prepare_window_outer_radius", "number", 0.99, "Window outer radius",
      "Outer radius of the real-space window, as a fraction of the box size. Beyond this radius the "
      "window is 0.", "prepare", advanced=True),
]

SYMMETRY = P("refine_symmetry", "string", "C1", "Symmetry",
             "Symmetry String (C, D, I, O, T). E.g. C1, D7, C4, etc", "refine")
RELAX = P("refine_relax_symmetry", "enum", "none", "Symmetry relaxation method",
          "Method used to relax the symmetry during refinement. 'maximization' picks the best symmetry "
          "copy of each particle, 'marginalization' averages over them. 'none' enforces the symmetry.",
          "refine", enum=("none", "maximization", "marginalization"))
SYMMETRY_ALIGN = P("refine_symmetry_do_align", "boolean", True, "Do symmetry alignment",
                   "Align the input structure to the symmetry axes before refinement.", "refine")

REFINE_CORE = [
    P("refine_do_init_scale_est", "boolean", True, "Re-estimate greyscale level of input reference",
      "Re-estimate the greyscale level of the input reference so that it matches the particle images. "
      "Turn off only when the reference already comes from the same particles.", "refine"),
    P("refine_num_final_iterations", "number", 0, "Number of extra final passes",
      "Number of extra passes through the data to do after the GS-FSC resolution has stopped "
      "improving.", "refine", advanced=True),
    P("refine_res_align_max", "number", None, "Maximum align resolution (A)",
      "Manual override for the maximum resolution that is used for alignment. This value is normally "
      "set by the GS-FSC.", "refine", advanced=True),
    P("refine_res_init", "number", 30, "Initial lowpass resolution (A)",
      "Lowpass filter applied to the input structure before the first iteration.", "refine"),
    P("refine_res_gsfsc_split", "number", 20, "GSFSC split resolution (A)",
      "Resolution beyond which the two GS-FSC halves are independent.", "refine", advanced=True),
    P("refine_gs_resplit", "boolean", True, "Force re-do GS split",
      "Force re-splitting the particles into two random gold-standard halves. If this is not set, the "
      "split is preserved from input alignments (if connected). If the input alignments do not have "
      "equal particles in each split, the job will issue a warning but will continue.", "refine"),
    P("refine_do_marg", "boolean", False, "Adaptive Marginalization",
      "Efficiently marginalize over poses and shifts using auto-tuned adaptive sampling. Can improve "
      "results on small or noisy particles.", "refine"),
]

NONUNIFORM = [
    P("refine_nu_enable", "boolean", True, "Non-uniform refine enable",
      "Enable cross-validation-optimal non-uniform regularization during refinement.", "refine"),
    P("refine_nu_order", "number", 8, "Non-uniform filter order",
      "Order of the Butterworth filter used by the non-uniform regularizer.", "refine", advanced=True),
    P("refine_nu_awf", "number", 3, "Non-uniform AWF",
      "Adaptive window factor of the local cross-validation. Lower values allow faster transitions "
      "between regions of differing resolution.", "refine", advanced=True),
    P("refine_nu_filtertype", "enum", "butterworth", "Non-uniform filter type",
      "Regularization filter family used by the non-uniform regularizer.", "refine", advanced=True,
      enum=("butterworth", "rectangular", "gaussian")),
]

REFINE_MISC = [
    P("refine_clip", "boolean", False, "Enforce non-negativity",
      "Clip negative density. Probably should be false.", "refine", advanced=True),
    P("refine_window", "boolean", True, "Window structure in real space",
      "Softly window the structure in real space with a spherical window. Should be true.", "refine",
      advanced=True),
    P("refine_skip_premult", "boolean", True, "Skip interpolant premult", "Leave this as true.", "refine",
      advanced=True),
    P("refine_ignore_dc", "boolean", True, "Ignore DC component",
      "Ignore the DC component of images. Should be true.", "refine", advanced=True),
    P("refine_ignore_tilt", "boolean", False, "Ignore tilt",
      "Ignore beam tilt parameters of the input CTF during refinement.", "refine", advanced=True),
    P("refine_ignore_trefoil", "boolean", False, "Ignore trefoil",
      "Ignore trefoil parameters of the input CTF during refinement.", "refine", advanced=True),
    P("refine_ignore_tetra", "boolean", False, "Ignore tetra",
      "Ignore tetrafoil parameters of the input CTF during refinement.", "refine", advanced=True),
    P("refine_batch_random", "boolean", True, "Use random ordering of particles",
      "Randomize the order in which particles are processed in each iteration.", "refine", advanced=True),
    P("refine_batchsize_no_auto", "boolean", False, "Disable auto batchsize",
      "Use all particles in every iteration instead of automatically tuned batches.", "refine",
      advanced=True),
    P("refine_batchsize_epsilon", "number", 0.001, "Batchsize epsilon",
      "Controls batch size when autotuning batchsizes. Set closer to zero for larger batches.", "refine",
      advanced=True),
    P("refine_batchsize_snrfactor", "number", 50.0, "Batchsize snrfactor",
      "Specifies the desired improvement in SNR from the images when autotuning batchsizes. Directly "
      "multiplies the number of images in the batch.", "refine", advanced=True),
    P("refine_scale_reset", "boolean", True, "Reset input per-particle scale",
      "Reset the per-particle scale factors of the input alignments to 1.", "refine", advanced=True),
    P("refine_scale_min", "boolean", False, "Minimize over per-particle scale",
      "Optimize a per-particle scale factor at each iteration.", "refine"),
    P("refine_scale_start_iter", "number", 0, "Scale min/use start iter",
      "Iteration to start minimizing over per-particle scale.", "refine", advanced=True),
    P("refine_noise_model", "enum", "symmetric", "Noise model (white, symmetric or coloured)",
      "Noise model to be used. Symmetric is the default, meaning coloured with radial symmetry.",
      "refine", advanced=True, enum=("white", "symmetric", "coloured")),
    P("refine_noise_priorw", "number", 50, "Noise priorw",
      "Weight of the prior for estimating noise (units of # of images).", "refine", advanced=True),
    P("refine_noise_initw", "number", 200, "Noise initw",
      "Weight of the initial noise estimate (units of # of images).", "refine", advanced=True),
    P("refine_noise_init_sigmascale", "number", 3, "Noise initial sigma-scale",
      "Scale factor initially applied to the base noise estimate.", "refine", advanced=True),
    P("refine_noise_init_from_imgs", "boolean", False, "Initialize noise model from images",
      "Estimate the initial noise model from the particle images instead of a flat spectrum.", "refine",
      advanced=True),
    P("refine_dynamic_mask_thresh_factor", "number", 0.2, "Dynamic mask threshold (0-1)",
      "Level set threshold for selecting regions that are included in the dynamic mask. Probably don't "
      "need to change this.", "refine", advanced=True),
    P("refine_dynamic_mask_near_ang", "number", 6.0, "Dynamic mask near (A)",
      "Controls extent to which mask is expanded. At the near distance, the mask value is 1.0 (in A).",
      "refine"),
    P("refine_dynamic_mask_far_ang", "number", 14.0, "Dynamic mask far (A)",
      "Controls extent to which mask is expanded. At the far distance the mask value becomes 0.0 (in A).",
      "refine"),
    P("refine_dynamic_mask_start_res", "number", 12.0, "Dynamic mask start resolution (A)",
      "Map resolution at which to start dynamic masking (in A).", "refine", advanced=True),
    P("refine_dynamic_mask_use_abs", "boolean", False, "Dynamic mask use absolute value",
      "Include negative regions if they are more negative than the threshold.", "refine", advanced=True),
]

PLOTS_AND_BATCH = [
    P("intermediate_plots", "boolean", True, "Show plots from intermediate steps",
      "Show plots from intermediate iterations in the event log. Turning this off speeds up "
      "processing.", "refine", advanced=True),
    P("refine_compute_batch_size", "number", None, "GPU batch size of images",
      "Batch size of images to process at a time on the GPU. If you run out of GPU memory, try setting "
      "this to a small number to override the auto-detect procedure.", "refine", advanced=True),
]

DEFOCUS = [
    P("refine_defocus_refine", "boolean", False, "Optimize per-particle defocus",
      "Minimize over per-particle defocus at each iteration of refinement. The optimal defocus will be "
      "used for backprojection as well, and will be written out at each iteration. Defocus refinement "
      "will start only once refinement with current defocus values converges. Beware that with "
      "small/disordered proteins, defocus refinement may actually make resolutions worse.", "defocus"),
    P("crl_num_plots", "number", 3, "Num. particles to plot",
      "Number of particles to make plots for. After this many, stop plotting to save time.", "defocus",
      advanced=True),
    P("crl_min_res_A", "number", 20, "Minimum Fit Res (A)",
      "The minimum resolution to use during refinement of image aberrations.", "defocus"),
    P("crl_df_range", "number", 2000, "Defocus Search Range (A +/-)",
      "Defocus search range in Angstroms, searching both above and below the input defocus by this "
      "amount.", "defocus"),
    P("crl_compute_batch_size", "number", None, "GPU batch size of images",
      "Batch size of images to process at a time on the GPU during defocus refinement.", "defocus",
      advanced=True),
]

GLOBAL_CTF = [
    P("refine_ctf_global_refine", "boolean", False, "Optimize per-group CTF params",
      "Optimize the per-exposure-group CTF parameters (for higher-order aberrations) at each iteration "
      "of refinement. The optimal CTF will be used for backprojection as well, and will be written out "
      "at each iteration. CTF refinement will start only once refinement with current CTF values "
      "converges. Beware that with small/disordered proteins, CTF refinement may actually make "
      "resolutions worse.", "ctf"),
    P("crg_num_plots", "number", 3, "Num. groups to plot",
      "Number of exposure groups to make plots for. After this many, stop plotting to save time.", "ctf",
      advanced=True),
    P("crg_plot_binfactor", "number", 1, "Binning to apply to plots",
      "Binning factor applied to the CTF refinement plots.", "ctf", advanced=True),
    P("crg_min_res_A", "number", 10, "Minimum Fit Res (A)",
      "The minimum resolution to use during refinement of image aberrations.", "ctf"),
    P("crg_do_tilt", "boolean", True, "Fit Tilt", "Whether to fit beam tilt.", "ctf"),
    P("crg_do_trefoil", "boolean", True, "Fit Trefoil", "Whether to fit beam trefoil.", "ctf"),
    P("crg_do_spherical", "boolean", False, "Fit Spherical Aberration",
      "Whether to fit spherical aberration.", "ctf"),
    P("crg_do_tetrafoil", "boolean", False, "Fit Tetrafoil", "Whether to fit beam tetrafoil.", "ctf"),
    P("crg_do_anisomag", "boolean", False, "Fit Anisotropic Mag.",
      "Whether to fit anisotropic magnification.", "ctf"),
    P("crg_compute_batch_size", "number", None, "GPU batch size of images",
      "Batch size of images to process at a time on the GPU during CTF refinement.", "ctf", advanced=True),
]

EWS = [
    P("refine_do_ews_correct", "boolean", False, "Do EWS correction",
      "Whether or not to correct for the curvature of the Ewald Sphere.", "ews", advanced=True),
    P("refine_ews_zsign", "enum", "positive", "EWS curvature sign",
      "Whether to use positive or negative curvature in Ewald Sphere correction.", "ews", advanced=True,
      enum=("positive", "negative")),
]

COMPUTE = [
    P("compute_use_ssd", "boolean", True, "Cache particle images on SSD",
      "Whether or not to copy particle images to the local SSD before running. The cache is shared "
      "between jobs on the same worker.", "compute"),
    P("low_memory_mode", "boolean", False, "Low-Memory Mode",
      "Reduce host memory use by streaming particle images; slower.", "compute", advanced=True),
]

LOCAL_ALIGN = [
    P("use_alignment_prior", "boolean", False, "Use pose/shift gaussian prior during alignment",
      "Softly penalise rotations and shifts far away from the known initial pose, hence increasing "
      "stability.", "local"),
    P("sigma_prior_r", "number", 15, "Standard deviation (deg) of prior over rotation",
      "Standard deviation of gaussian prior over rotation magnitude in degrees.", "local"),
    P("sigma_prior_s", "number", 7, "Standard deviation (A) of prior over shifts",
      "Standard deviation of gaussian prior over shift magnitude in Angstroms.", "local"),
    P("init_r_extent", "number", 20, "Rotation search extent (deg)",
      "Rotation search extent in degrees.", "local"),
    P("init_s_extent", "number", 10, "Shift search extent (A)", "Shift search extent in Angstroms.", "local"),
    P("fulcrum", "enum", "mask_center", "Default fulcrum location",
      "Where to place the fulcrum by default. Can be set to the center of mass of the mask, or the box "
      "center.", "local", enum=("mask_center", "box_center")),
    P("refine_mask", "enum", "dynamic", "Mask",
      "Type of masking to use. Either 'dynamic', 'static', or 'null'.", "local", advanced=True,
      enum=("dynamic", "static", "null")),
]

RECONSTRUCT = [
    P("refine_N_cmp", "number", None, "Reconstruction box size (voxels)",
      "The volume size to use for reconstruction. Default: raw particle size.", "recon"),
    SYMMETRY._replace(section="recon"),
    P("refine_helical_twist", "number", None, "Helical twist (degrees)",
      "Helical twist to apply in degrees.", "recon"),
    P("refine_helical_shift", "number", None, "Helical rise (Angstroms)",
      "Helical rise to apply in Angstroms.", "recon"),
    P("refine_hsym_order", "number", None, "Helical symmetry order to apply",
      "The maximum number of (twist, rise) pairs to backproject each particle image with. Set to 1 for "
      "no helical symmetry during reconstruction.", "recon"),
    P("refine_gs_resplit", "boolean", False, "Force re-do GS split",
      "Force re-splitting the particles into two random gold-standard halves. If this is not set, "
      "split is preserved from input alignments.", "recon", advanced=True),
    P("refine_do_flip", "boolean", False, "Flip the reconstruction hand",
      "Flip the hand of the reconstruction, and correct the alignments.", "recon", advanced=True),
    P("refine_ignore_tilt", "boolean", False, "Ignore tilt", "Ignore beam tilt of the input CTF.", "recon",
      advanced=True),
    P("refine_ignore_trefoil", "boolean", False, "Ignore trefoil", "Ignore trefoil of the input CTF.",
      "recon", advanced=True),
    P("refine_ignore_tetra", "boolean", False, "Ignore tetra", "Ignore tetrafoil of the input CTF.",
      "recon", advanced=True),
    P("refine_ignore_anisomag", "boolean", False, "Ignore anisomag",
      "Ignore anisotropic magnification of the input CTF.", "recon", advanced=True),
    P("refine_fsc_mask_opt", "boolean", False, "Optimize FSC mask",
      "Whether or not to optimize the mask used for calculating FSCs.", "recon", advanced=True),
    P("refine_override_filter", "boolean", False, "Override FSC Filtering",
      "Use manual filtering and sharpening (set below) instead of FSC filtering. The FSC is still "
      "computed, just not used for filtering.", "recon", advanced=True),
    P("refine_override_filter_res", "number", None, "Override Filtering Resolution",
      "Override filter corner resolution (A).", "recon", advanced=True),
    P("refine_override_filter_order", "number", 8, "Override Filtering Order",
      "Override filter order (Butterworth).", "recon", advanced=True),
    P("refine_override_filter_bfactor", "number", 0, "Override Filtering Bfactor",
      "Override sharpening B-factor. Negative to sharpen.", "recon", advanced=True),
    P("recon_do_expand_mask", "boolean", False, "Wide mask final output",
      "Apply a wide mask to the final map, to reduce file size after compression.", "recon",
      advanced=True),
    PLOTS_AND_BATCH[0]._replace(value=False, section="recon"),
    PLOTS_AND_BATCH[1]._replace(section="recon"),
]

IMPORT_MOVIES = [
    P("blob_paths", "path", None, "Movies data path", "Wildcard path to the movie files to import.", "import"),
    P("gainref_path", "path", None, "Gain reference path", "Path to the gain reference file.", "import"),
    P("defect_path", "path", None, "Defect file path", "Path to the detector defect file.", "import"),
    P("gainref_flip_x", "boolean", False, "Flip gain ref & defect file in X?",
      "Flip the gain reference and defect file left to right.", "import"),
    P("gainref_flip_y", "boolean", False, "Flip gain ref & defect file in Y?",
      "Flip the gain reference and defect file top to bottom.", "import"),
    P("gainref_rotate_num", "number", 0, "Rotate gain ref?",
      "Number of 90-degree counter-clockwise rotations applied to the gain reference.", "import"),
    P("psize_A", "number", None, "Raw pixel size (A)", "Pixel size of the raw movie frames.", "import"),
    P("accel_kv", "number", None, "Accelerating Voltage (kV)", "Microscope accelerating voltage.", "import"),
    P("cs_mm", "number", None, "Spherical Aberration (mm)", "Spherical aberration of the objective.", "import"),
    P("total_dose_e_per_A2", "number", None, "Total exposure dose (e/A^2)",
      "Total dose over all frames of a movie.", "import"),
    P("negative_stain_data", "boolean", False, "Negative Stain Data", "Data are negative stain.", "import"),
    P("phase_plate_data", "boolean", False, "Phase Plate Data", "Data were collected with a phase plate.",
      "import"),
    P("override_exp_group_id", "number", None, "Override Exposure Group ID",
      "Exposure group ID given to every imported movie.", "import", advanced=True),
    P("skip_header_check", "boolean", True, "Skip Header Check",
      "Read only the first header instead of checking every movie.", "import", advanced=True),
    P("eer_num_fractions", "number", 40, "EER Number of Fractions", "Number of fractions for EER movies.",
      "import", advanced=True),
    P("eer_upsamp_factor", "number", 2, "EER Upsampling Factor", "Upsampling factor for EER movies.",
      "import", advanced=True),
    P("output_constant_ctf", "boolean", False, "Output Constant CTF",
      "Write a constant CTF for every exposure.", "import", advanced=True),
    P("compute_num_cpus", "number", 4, "Number of CPUs to parallelize",
      "Number of CPU processes used for the header check.", "compute"),
]

PATCH_CTF = [
    P("num_plots", "number", 10, "Number of movies to plot", "Number of exposures to plot.", "ctf_estimation"),
    P("random_num", "number", None, "Only process this many movies",
      "Process a random subset of this many exposures.", "ctf_estimation", advanced=True),
    P("classic_mode", "boolean", False, "Classic mode", "Use the pre-v3.3 estimation algorithm.",
      "ctf_estimation", advanced=True),
    P("amp_contrast", "number", 0.1, "Amplitude Contrast", "Amplitude contrast fraction.", "ctf_estimation"),
    P("res_min_align", "number", 25, "Minimum resolution (A)", "Lowest resolution used in the fit.",
      "ctf_estimation"),
    P("res_max_align", "number", 4, "Maximum resolution (A)", "Highest resolution used in the fit.",
      "ctf_estimation"),
    P("df_search_min", "number", 1000, "Minimum search defocus (A)", "Lower bound of the defocus search.",
      "ctf_estimation"),
    P("df_search_max", "number", 40000, "Maximum search defocus (A)", "Upper bound of the defocus search.",
      "ctf_estimation"),
    P("phase_shift_min", "number", 0, "Min. search phase-shift (rad)", "Lower bound of the phase shift.",
      "ctf_estimation", advanced=True),
    P("phase_shift_max", "number", 3.141592653589793, "Max. search phase-shift (rad)",
      "Upper bound of the phase shift.", "ctf_estimation", advanced=True),
    P("do_phase_shift_refine_only", "boolean", False, "Do phase refine only",
      "Refine only the phase shift.", "ctf_estimation", advanced=True),
    P("override_K_Y", "number", None, "Override knots Y", "Number of patch knots along Y.", "ctf_estimation",
      advanced=True),
    P("override_K_X", "number", None, "Override knots X", "Number of patch knots along X.", "ctf_estimation",
      advanced=True),
    P("compute_num_gpus", "number", 1, "Number of GPUs to parallelize", "Number of GPUs to use.", "compute"),
]

REFINEMENT_TAIL = REFINE_MISC + PLOTS_AND_BATCH + DEFOCUS + GLOBAL_CTF + EWS + COMPUTE

JOB_PARAMS: dict[str, list[Param]] = {
    "homo_refine_new": PREPARE + [SYMMETRY, RELAX, SYMMETRY_ALIGN] + REFINE_CORE + REFINEMENT_TAIL,
    "nonuniform_refine_new": PREPARE + [SYMMETRY, RELAX, SYMMETRY_ALIGN] + REFINE_CORE + NONUNIFORM
    + REFINEMENT_TAIL,
    "new_local_refine": LOCAL_ALIGN + [SYMMETRY, RELAX] + REFINE_CORE + NONUNIFORM + REFINEMENT_TAIL,
    "homo_reconstruct": RECONSTRUCT + EWS + COMPUTE,
    "import_movies": IMPORT_MOVIES,
    "patch_ctf_estimation_multi": PATCH_CTF,
}

# Defaults that differ from the shared declarations above.
DEFAULT_OVERRIDES: dict[str, dict[str, Any]] = {
    "nonuniform_refine_new": {"refine_do_marg": True},
    "new_local_refine": {
        "refine_res_init": 12,
        "refine_gs_resplit": False,
        "refine_do_marg": True,
        "refine_dynamic_mask_near_ang": 3.0,
        "refine_dynamic_mask_far_ang": 12.0,
    },
}


def _job_params(job_type: str, declarations=None) -> list[Param]:
    # imported here: the pipeline's declarations are built from the shared blocks above
    from .params_pipeline import PIPELINE_PARAMS

    if declarations is not None:  # a JobFixture's own (JobFixture.declarations)
        return declarations.params[job_type]
    return JOB_PARAMS[job_type] if job_type in JOB_PARAMS else PIPELINE_PARAMS[job_type]


def _section_title(section: str, declarations=None) -> str:
    from .params_pipeline import SECTIONS as PIPELINE_SECTIONS

    if declarations is not None:
        return declarations.sections[section]
    return SECTIONS.get(section) or PIPELINE_SECTIONS[section]


def _declarations(job_type: str, declarations=None) -> list[Param]:
    from .params_pipeline import PIPELINE_OVERRIDES

    if declarations is not None:
        return _job_params(job_type, declarations)
    overrides = DEFAULT_OVERRIDES.get(job_type) or PIPELINE_OVERRIDES.get(job_type, {})
    return [p._replace(value=overrides.get(p.name, p.value)) for p in _job_params(job_type)]


def _v4_param(order: int, p: Param) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "value": p.value,
        "title": p.title,
        "type": p.type,
        "desc": p.desc,
        "order": order,
        "section": p.section,
        "advanced": p.advanced,
        "hidden": False,
    }
    if p.enum:
        doc["enum_keys"] = list(p.enum)
        doc["enum_dict"] = {key: key for key in p.enum}
    if p.type == "path":
        doc.update(path_dir_allowed=False, path_file_allowed=True, path_glob_allowed=p.name == "blob_paths")
    return doc


def params_base(job_type: str, declarations=None) -> dict[str, dict[str, Any]]:
    """v4 `params_base`: every parameter of the job type with its default."""
    return {p.name: _v4_param(i, p) for i, p in enumerate(_declarations(job_type, declarations))}


def params_secs(job_type: str, declarations=None) -> dict[str, dict[str, Any]]:
    """v4 `params_secs`: the sections the job type's parameters use, in order."""
    used = dict.fromkeys(p.section for p in _job_params(job_type, declarations))
    return {s: {"title": _section_title(s, declarations), "desc": "", "order": i} for i, s in enumerate(used)}


def check_params_set(job_type: str, params_set: dict[str, Any], declarations=None) -> None:
    unknown = set(params_set) - {p.name for p in _job_params(job_type, declarations)}
    if unknown:
        raise KeyError(f"{job_type} has no parameter(s) {sorted(unknown)}")


def params_in_force(job_type: str, params_set: dict[str, Any], declarations=None) -> dict[str, Any]:
    """v5 `spec.params`: every parameter, the user's value where set, else the default."""
    check_params_set(job_type, params_set, declarations)
    return {p.name: params_set.get(p.name, p.value) for p in _declarations(job_type, declarations)}
