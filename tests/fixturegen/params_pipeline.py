"""Parameters of the processing pipeline's job types: motion correction, CTF
estimation, micrograph import, 2D and 3D classification, ab-initio,
heterogeneous and helical refinement, sharpening and local resolution.

Declared like the refinements' in params.py, whose shared blocks they reuse.
"""

from __future__ import annotations

from typing import Any

from .params import (
    COMPUTE,
    DEFOCUS,
    EWS,
    GLOBAL_CTF,
    IMPORT_MOVIES,
    NONUNIFORM,
    PLOTS_AND_BATCH,
    PREPARE,
    REFINE_CORE,
    REFINE_MISC,
    RELAX,
    SYMMETRY,
    Param,
)

P = Param

SECTIONS = {
    "motion": "Patch Motion Correction",
    "ctffind": "CTFFIND4",
    "class2D": "2D Classification",
    "abinit": "Ab-Initio Reconstruction",
    "multirefine": "Heterogeneous Refinement",
    "class3D": "3D Classification",
    "helix": "Helical Symmetry",
    "sharpen": "Sharpening",
    "locres": "Local Resolution Estimation",
}

PATCH_MOTION = [
    P("res_max_align", "number", 5, "Maximum alignment resolution (A)",
      "Maximum resolution (in A) to consider when aligning frames. Generally, between 5A and 3A is best.", "motion"),
    P("bfactor", "number", 500, "B-factor during alignment",
      "B-factor that blurs frames before aligning. Generally 500 to 100 is best.", "motion"),
    P("frame_start", "number", 0, "Start frame (included, 0-based)",
      "Which frame number, starting at zero, to begin motion correction from.", "motion"),
    P("frame_end", "number", None, "End frame (excluded, 0-based)",
      "Which frame number, starting at zero, to not include in motion correction, also excluding all frames "
      "after this one.", "motion"),
    P("output_fcrop_factor", "number", 1, "Output F-crop factor",
      "Output Fourier cropping factor. 1.0 means no cropping, 0.5 means crop to 1/2 the resolution.", "motion"),
    P("override_total_exp", "number", None, "Override e/A^2",
      "Override the dose (in total e/A^2 over the exposure) that was given at import time.", "motion"),
    P("variable_dose", "boolean", False, "Allow Variable Dose",
      "Enable correct processing when frames have variable dose fractionation.", "motion", advanced=True),
    P("smooth_lambda_cal", "number", 0.5, "Calibrated smoothing",
      "Calibrated smoothing constant applied to trajectories.", "motion", advanced=True),
    P("override_K_Z", "number", None, "Override knots Z",
      "Override automatically selected spline order for Z dimension (time).", "motion", advanced=True),
    P("override_K_Y", "number", None, "Override knots Y",
      "Override automatically selected spline order for Y dimension (vertical).", "motion", advanced=True),
    P("override_K_X", "number", None, "Override knots X",
      "Override automatically selected spline order for X dimension (horizontal).", "motion", advanced=True),
    P("optimize_for_gpu_memory", "boolean", False, "Reduce GPU memory usage",
      "Prioritize memory use at the expense of speed. The results are unchanged.", "motion", advanced=True),
    P("output_f16", "boolean", False, "Save results in 16-bit floating point",
      "Reduces the output precision from 32 bits to 16 bits, saving hard drive space.", "motion"),
    P("random_num", "number", None, "Only process this many movies",
      "Process a random subset of this many movies.", "motion", advanced=True),
    P("compute_num_gpus", "number", 1, "Number of GPUs to parallelize", "Number of GPUs to use.", "compute"),
]

CTFFIND = [
    P("amp_contrast", "number", 0.1, "Amplitude Contrast", "Amplitude contrast fraction.", "ctffind"),
    P("box_size", "number", 512, "Box size", "Size of the amplitude spectrum to compute, pixels.", "ctffind"),
    P("res_min", "number", 25, "Minimum resolution (A)", "Lowest resolution used in the fit.", "ctffind"),
    P("res_max", "number", 4, "Maximum resolution (A)", "Highest resolution used in the fit.", "ctffind"),
    P("df_min", "number", 5000, "Minimum defocus (A)", "Lower bound of the defocus search.", "ctffind"),
    P("df_max", "number", 50000, "Maximum defocus (A)", "Upper bound of the defocus search.", "ctffind"),
    P("df_step", "number", 500, "Defocus search step (A)", "Step of the defocus grid search.", "ctffind"),
    P("astig_penalty", "number", 100, "Expected astigmatism (A)",
      "Astigmatism beyond this is penalised during the fit.", "ctffind"),
    P("do_phase_shift", "boolean", False, "Estimate phase shift", "Fit an additional phase shift.", "ctffind",
      advanced=True),
    P("ctffind4_exe", "path", "ctffind", "Path to CTFFIND4 executable", "The ctffind executable to run.",
      "ctffind"),
    P("compute_num_cpus", "number", 8, "Number of CPUs to parallelize", "Number of CTFFIND4 processes.",
      "compute"),
]

IMPORT_MICROGRAPHS = [
    p._replace(title="Micrographs data path", desc="Wildcard path to the micrograph files to import.")
    if p.name == "blob_paths" else p
    for p in IMPORT_MOVIES if not p.name.startswith(("gainref", "defect", "eer"))
] + [
    P("is_background_subtracted", "boolean", False, "Micrographs are background subtracted",
      "The micrographs were background subtracted before import.", "import", advanced=True),
]

CLASS_2D = [
    P("class2D_K", "number", 50, "Number of 2D classes", "The number of 2D classes into which to sort the dataset.",
      "class2D"),
    P("class2D_max_res", "number", 6, "Maximum resolution (A)", "The maximum resolution to consider.", "class2D"),
    P("class2D_init_res", "number", None, "Initial resolution (A)",
      "Initial resolution of the classes.", "class2D", advanced=True),
    P("class2D_window_inner_A", "number", None, "Circular mask diameter (A)",
      "Diameter of the circular mask applied to the class averages.", "class2D"),
    P("class2D_window_outer_A", "number", None, "Circular mask diameter outer (A)",
      "Outer diameter of the soft circular mask.", "class2D", advanced=True),
    P("class2D_recenter_thresh", "number", 0.2, "Re-center mask threshold",
      "Threshold for the mask used to re-center the classes.", "class2D", advanced=True),
    P("class2D_estimate_in_plane_pose", "boolean", False, "Estimate in-plane pose",
      "Estimate the in-plane pose of each class.", "class2D"),
    P("class2D_force_max", "boolean", True, "Force max over poses/shifts",
      "Use maximization over poses and shifts instead of marginalization.", "class2D"),
    P("class2D_num_full_iter", "number", 2, "Number of final full iterations",
      "Number of iterations over the whole dataset at the end.", "class2D"),
    P("class2D_num_full_iter_batch", "number", 20, "Number of online-EM iterations",
      "Number of online-EM iterations before the full passes.", "class2D"),
    P("class2D_num_full_iter_batchsize_per_class", "number", 100, "Batchsize per class",
      "Particles per class in each online-EM batch.", "class2D"),
    P("class2D_sigma_init_factor", "number", 2, "Initial classification uncertainty factor",
      "Scale of the initial noise estimate.", "class2D", advanced=True),
    P("class2D_sigma_use_white", "boolean", False, "Use white noise model",
      "Use a white noise model instead of the estimated coloured one.", "class2D", advanced=True),
    P("class2D_remove_duplicate_particles", "boolean", True, "Remove duplicate particles",
      "Remove particles picked twice on the same spot.", "class2D"),
    P("random_seed", "number", None, "Random seed", "Seed of the random number generator.", "class2D",
      advanced=True),
] + COMPUTE

ABINIT = [
    P("abinit_K", "number", 1, "Number of Ab-Initio classes", "The number of classes to reconstruct.", "abinit"),
    P("abinit_num_particles", "number", None, "Num particles to use",
      "Use only this many particles from the input.", "abinit"),
    P("abinit_max_res", "number", 12, "Maximum resolution (A)", "Highest resolution to reconstruct to.", "abinit"),
    P("abinit_init_res", "number", 35, "Initial resolution (A)", "Resolution of the first iterations.", "abinit"),
    P("abinit_num_init_iters", "number", 200, "Number of initial iterations",
      "Iterations at the initial resolution.", "abinit"),
    P("abinit_num_final_iters", "number", 300, "Number of final iterations",
      "Iterations at the maximum resolution.", "abinit"),
    P("abinit_radwn_step", "number", 0.04, "Fourier radius step", "Increase of the Fourier radius per iteration.",
      "abinit", advanced=True),
    P("abinit_window", "boolean", True, "Window structure in real space",
      "Softly window the structure in real space.", "abinit", advanced=True),
    P("abinit_minisize_init", "number", 90, "Initial minibatch size", "Particles per class in early minibatches.",
      "abinit"),
    P("abinit_minisize", "number", 300, "Final minibatch size", "Particles per class in late minibatches.",
      "abinit"),
    P("abinit_class_anneal_beta", "number", 0.1, "Class similarity", "Class annealing strength.", "abinit",
      advanced=True),
    P("abinit_target_initial_ess_fraction", "number", 0.011, "Target 3D ESS fraction",
      "Initial effective sample size of the class assignments.", "abinit", advanced=True),
    SYMMETRY._replace(name="abinit_symmetry", section="abinit"),
    P("abinit_noise_model", "enum", "symmetric", "Noise model",
      "Noise model to use during ab-initio reconstruction.", "abinit", advanced=True,
      enum=("white", "symmetric", "coloured")),
    P("random_seed", "number", None, "Random seed", "Seed of the random number generator.", "abinit",
      advanced=True),
] + COMPUTE

HETERO = [
    P("multirefine_res_init", "number", 20, "Initial resolution (A)", "Lowpass of the input volumes.",
      "multirefine"),
    P("multirefine_N", "number", 128, "Refinement box size (Voxels)", "Box size used for the classification.",
      "multirefine"),
    SYMMETRY._replace(name="multirefine_symmetry", section="multirefine"),
    P("multirefine_batch_size_per_class", "number", 1000, "Batch size per class",
      "Number of particles per class in each online batch.", "multirefine"),
    P("multirefine_num_final_full_iters", "number", 2, "Number of final full iterations",
      "Full passes over all particles at the end.", "multirefine"),
    P("multirefine_assignment_conv_eps", "number", 0.05, "Class assignment convergence criterion",
      "Fraction of particles changing class below which the classes have converged.", "multirefine"),
    P("multirefine_force_hard_class", "boolean", False, "Force hard classification",
      "Assign each particle to exactly one class.", "multirefine"),
    P("multirefine_mask_do", "boolean", True, "Use dynamic mask", "Mask the classes during refinement.",
      "multirefine", advanced=True),
] + PLOTS_AND_BATCH + COMPUTE

CLASS_3D = [
    P("class3D_N_K", "number", 2, "Number of classes", "The number of classes to sort the particles into.",
      "class3D"),
    P("class3D_target_res", "number", None, "Target resolution (A)", "Resolution to classify at.", "class3D"),
    P("class3D_init_mode", "enum", "simple", "Initialization mode", "How to make the initial class volumes.",
      "class3D", enum=("simple", "PCA", "input")),
    P("class3D_num_oem_epochs", "number", 2, "Number of O-EM epochs", "Online-EM passes over the data.",
      "class3D"),
    P("class3D_num_full_iter", "number", 2, "Number of full iterations", "Full passes after online-EM.",
      "class3D"),
    P("class3D_batch_size_per_class", "number", 1000, "O-EM batch size (per class)",
      "Particles per class in each online-EM batch.", "class3D"),
    P("class3D_filter_hp_res", "number", None, "Filter resolution (A)", "Lowpass of the class volumes.",
      "class3D"),
    P("class3D_force_hard_class", "boolean", False, "Force hard classification",
      "Assign each particle to exactly one class.", "class3D"),
    P("class3D_symmetry", "string", "C1", "Symmetry", "Symmetry enforced on every class.", "class3D"),
] + COMPUTE

HELIX = [
    P("helical_twist_est", "number", None, "Helical twist estimate (degrees)",
      "Initial estimate of the twist.", "helix"),
    P("helical_rise_est", "number", None, "Helical rise estimate (A)", "Initial estimate of the rise.", "helix"),
    P("helical_do_symmetry_search", "boolean", True, "Do symmetry search",
      "Refine twist and rise during refinement.", "helix"),
    P("helical_twist_min", "number", None, "Minimum twist (degrees)", "Lower bound of the twist search.", "helix"),
    P("helical_twist_max", "number", None, "Maximum twist (degrees)", "Upper bound of the twist search.", "helix"),
    P("helical_rise_min", "number", None, "Minimum rise (A)", "Lower bound of the rise search.", "helix"),
    P("helical_rise_max", "number", None, "Maximum rise (A)", "Upper bound of the rise search.", "helix"),
    P("helical_filament_outer_diameter", "number", None, "Filament outer diameter (A)",
      "Outer diameter of the filament, used for masking.", "helix"),
    P("helical_non_uniform", "boolean", False, "Use non-uniform refinement",
      "Non-uniform regularization during helical refinement.", "helix"),
]

# the parameters of the sharpen job as scipion-em-cryosparc2 sets them (protocol_cryosparc_sharppening.py)
SHARPEN = [
    P("sharp_bfactor", "number", 0, "B-Factor to apply", "Negative values sharpen.", "sharpen"),
    P("sharp_use_FSC_full", "boolean", False, "Use full FSC",
      "False means to use the half-FSC, which is usually an underestimate for sharpening.", "sharpen"),
    P("sharp_falloff_order", "number", 8, "Lowpass filter order",
      "Higher means faster falloff, 2 is usually best.", "sharpen", advanced=True),
    P("sharp_falloff_offset", "number", 0, "Lowpass filter offset",
      "Offset for corner frequency from FSC resolution shell", "sharpen", advanced=True),
    P("sharp_generate_new_mask", "boolean", False, "Generate new FSC mask",
      "Create a new mask for FSC and sharpening rather than using the refinement FSC mask", "sharpen",
      advanced=True),
    P("sharp_do_spherical_mask", "boolean", True, "Spherical mask final output",
      "Apply a spherical mask to the final map.", "sharpen"),
]

LOCRES = [
    P("locres_step_size", "number", 1, "Step size (voxels)", "Distance between local windows.", "locres"),
    P("locres_fsc_thresh", "number", 0.143, "FSC threshold", "FSC value defining the local resolution.", "locres"),
    P("locres_use_phase_randomization", "boolean", True, "Use phase randomization",
      "Correct local FSCs for mask effects by phase randomization.", "locres"),
    P("locres_window_factor", "number", 6, "Adaptive window factor", "Window size relative to the resolution.",
      "locres", advanced=True),
    P("locres_compute_batch_size", "number", None, "GPU batch size", "Windows processed at once.", "locres",
      advanced=True),
]

PIPELINE_PARAMS: dict[str, list[Param]] = {
    "patch_motion_correction_multi": PATCH_MOTION,
    "ctf_estimation": CTFFIND,
    "import_micrographs": IMPORT_MICROGRAPHS,
    "class_2D_new": CLASS_2D,
    "class_2D": [p for p in CLASS_2D if p.name != "class2D_remove_duplicate_particles"],
    "homo_abinit": ABINIT,
    "hetero_refine": HETERO,
    "class_3D": CLASS_3D,
    "helix_refine": PREPARE + [SYMMETRY, RELAX] + HELIX + REFINE_CORE + NONUNIFORM + REFINE_MISC + PLOTS_AND_BATCH
    + DEFOCUS + GLOBAL_CTF + EWS + COMPUTE,
    "sharpen": SHARPEN,
    "local_resolution": LOCRES,
}

PIPELINE_OVERRIDES: dict[str, dict[str, Any]] = {
    "helix_refine": {"refine_nu_enable": False, "refine_do_marg": False},
}
