"""Parameters of the SPA workflow's other job types (pickers, curation,
extraction, 3D variability, 3D Flex, symmetry expansion, subtraction, CTF
refinement, imports), declared like the refinements' in params.py.

Names are those public sources show (specs/PROVENANCE.md and the report of
issue 18 list them): the extraction parameters as cryosparc-tools'
docs/guides/jobs.ipynb prints them (`print_param_spec`, with their titles and
defaults); the picker diameters from docs/examples/custom-workflow.ipynb;
var_*, flex_*, sym_*, crg_*, crl_* and the subtraction parameters from
scipion-em-cryosparc2's protocols. Titles and descriptions elsewhere are
written to read like CryoSPARC's; no spec reads them. A type whose
parameters no source shows declares none.
"""

from __future__ import annotations

from .params import Param

P = Param

SECTIONS = {
    "blob": "Blob Picker",
    "template": "Template Picker",
    "filament": "Filament Tracer",
    "topaz": "Topaz Extract",
    "extract": "Particle Extraction",
    "var": "3D Variability",
    "var_disp": "3D Variability Display",
    "flex": "3D Flex",
    "sym": "Symmetry Expansion",
    "subtract": "Particle Subtraction",
    "crg": "Global CTF Refinement",
    "crl": "Local CTF Refinement",
    "import_particles": "Import Particles",
    "import_volumes": "Import Volumes",
}

PICKING = [
    P("min_distance", "number", 1.0, "Min. separation dist (diameters)",
      "Minimum distance between picks, as a fraction of the particle diameter.", "blob"),
    P("max_num_hits", "number", 4000, "Maximum number of local maxima to consider",
      "Picks kept per micrograph before thresholding.", "blob", advanced=True),
    P("num_process", "number", None, "Number of mics to process", "Process only this many micrographs.", "blob",
      advanced=True),
]

BLOB_PICKER = [
    P("diameter", "number", None, "Minimum particle diameter (A)", "Smallest blob to look for, Angstrom.", "blob"),
    P("diameter_max", "number", None, "Maximum particle diameter (A)", "Largest blob to look for, Angstrom.", "blob"),
    P("use_circle", "boolean", True, "Use circular blob", "Look for circular blobs.", "blob"),
    P("use_ellipse", "boolean", False, "Use elliptical blob", "Look for elliptical blobs.", "blob"),
    P("use_ring", "boolean", False, "Use ring blob", "Look for ring-shaped blobs.", "blob"),
] + PICKING

TEMPLATE_PICKER = [
    P("diameter", "number", None, "Particle diameter (A)", "Diameter of the particle, Angstrom.", "template"),
] + [p._replace(section="template", value=0.5 if p.name == "min_distance" else p.value) for p in PICKING]

FILAMENT_TRACER = [
    P("filament_diameter", "number", None, "Filament diameter (A)", "Diameter of the filaments, Angstrom.", "filament"),
    P("diameter", "number", None, "Minimum template diameter (A)", "Smallest template feature, Angstrom.", "filament"),
    P("diameter_max", "number", None, "Maximum template diameter (A)", "Largest template feature, Angstrom.",
      "filament"),
] + [p._replace(section="filament") for p in PICKING]

TOPAZ_EXTRACT = [
    P("exec_path", "path", "/opt/topaz/bin/topaz", "Path to Topaz executable", "The topaz program to run.", "topaz"),
    P("pretrained", "boolean", False, "Use pretrained model", "Use Topaz's pretrained model instead of an input.",
      "topaz"),
    P("scale", "number", 4, "Downsampling factor", "Factor the micrographs are downsampled by.", "topaz"),
    P("radius", "number", 8, "Extraction radius (pixels)", "Radius of non-maximum suppression, downsampled pixels.",
      "topaz"),
    P("num_workers", "number", 4, "Number of parallel threads", "Threads per process.", "topaz", advanced=True),
    P("num_distribute", "number", 4, "Number of parallel processes", "Processes over the micrographs.", "topaz",
      advanced=True),
]

# as docs/guides/jobs.ipynb prints them for extract_micrographs_cpu_parallel (title, default)
EXTRACT = [
    P("bin_size_pix", "number", None, "Fourier-crop to box size (pix)",
      "Fourier-crop the extracted particles to this box size.", "extract"),
    P("bin_size_pix_small", "number", None, "Second (small) F-crop box size (pix)",
      "Also write a second, smaller Fourier-cropped stack.", "extract", advanced=True),
    P("box_size_pix", "number", 256, "Extraction box size (pix)", "Box size of the extracted particles, pixels.",
      "extract"),
    P("compute_num_cores", "number", 4, "Number of CPU cores", "CPU cores to extract with.", "extract"),
    P("flip_x", "boolean", False, "Flip mic. in x before extract?", "Flip the micrograph left to right.", "extract",
      advanced=True),
    P("flip_y", "boolean", False, "Flip mic. in y before extract?", "Flip the micrograph top to bottom.", "extract",
      advanced=True),
    P("force_reextract_CTF", "boolean", False, "Force re-extract CTFs from micrographs",
      "Take the CTF of each particle from its micrograph.", "extract", advanced=True),
    P("num_extract", "number", None, "Number of mics to extract", "Extract from this many micrographs only.",
      "extract", advanced=True),
    P("output_f16", "boolean", False, "Save results in 16-bit floating point", "Write float16 particle stacks.",
      "extract"),
    P("recenter_using_shifts", "boolean", True, "Recenter using aligned shifts",
      "Recenter particles using their 2D or 3D alignment shifts.", "extract"),
    P("scale_const_override", "number", None, "Scale constant (override)", "Override the CTF scale constant.",
      "extract", advanced=True),
]

VAR_3D = [
    P("var_K", "number", 3, "Number of modes to solve", "Number of orthogonal principal components.", "var"),
    P("var_filter_res", "number", None, "Filter resolution (A)", "Low-pass filter applied to the components.", "var"),
    P("var_filter_order", "number", 1.5, "Filter order", "Order of the Butterworth low-pass filter.", "var",
      advanced=True),
    P("var_highpass_order", "number", 8, "Highpass order", "Order of the high-pass filter.", "var", advanced=True),
    P("var_use_gramschmidt", "boolean", True, "Use Gram-Schmidt", "Orthogonalise the components.", "var",
      advanced=True),
    P("var_use_white_noise", "boolean", False, "Use white noise model", "Assume white noise.", "var", advanced=True),
    P("var_use_scales", "boolean", True, "Use per-particle scale", "Account for per-particle scale factors.", "var",
      advanced=True),
    P("var_num_iterations", "number", 20, "Number of iterations", "Iterations of the solver.", "var", advanced=True),
    P("var_lambda", "number", 0.01, "Lambda", "Regularisation of the components.", "var", advanced=True),
    P("var_symmetry", "string", "C1", "Symmetry", "Symmetry to enforce on the components.", "var"),
]

VAR_3D_DISP = [
    P("var_output_mode", "enum", "simple", "Output mode", "simple: a series per component; cluster: clusters of "
      "particles; intermediates: reconstructions along the components.", "var_disp",
      enum=("simple", "cluster", "intermediates")),
    P("var_num_frames", "number", 20, "Number of frames/clusters", "Frames of each series, or clusters.", "var_disp"),
    P("var_range_percentile", "number", 3, "Range percentile", "Percentile of the reaction coordinates shown.",
      "var_disp", advanced=True),
    P("var_N", "number", None, "Downsample to box size", "Box size of the series volumes.", "var_disp"),
    P("var_filter_res", "number", None, "Filter resolution (A)", "Low-pass filter of the series volumes.",
      "var_disp"),
    P("var_filter_order", "number", 1.5, "Filter order", "Order of the low-pass filter.", "var_disp", advanced=True),
]

FLEX_TRAIN = [
    P("flex_K", "number", 2, "Number of latent dims", "Dimensions of the latent space.", "flex"),
    P("flex_num_layers", "number", 6, "Number of hidden layers", "Hidden layers of the flex generator.", "flex",
      advanced=True),
    P("flex_hidden_units", "number", 64, "Number of hidden units", "Units of each hidden layer.", "flex",
      advanced=True),
    P("flex_sv_lam", "number", 2.0, "Rigidity (lambda)", "Weight of the mesh rigidity prior.", "flex"),
    P("flex_extra_epochs", "number", 0, "Extra training epochs", "Epochs after convergence.", "flex", advanced=True),
]

FLEX_HIGHRES = [
    P("flex_do_noflex_recon", "boolean", True, "Do a no-flex reconstruction",
      "Also reconstruct without deformation, for comparison.", "flex"),
    P("flex_bfgs_num_iters", "number", 20, "BFGS iterations", "Iterations of the L-BFGS solver.", "flex",
      advanced=True),
    P("refine_gs_resplit", "boolean", False, "Force re-do GS split", "Split the particles into new halves.", "flex",
      advanced=True),
]

SYM_EXPAND = [
    P("sym_symmetry", "string", "C1", "Symmetry group", "Point group the particles are expanded by (C, D, T, O, I).",
      "sym"),
    P("sym_twist_deg", "number", None, "Helical twist (degrees)", "Twist of a helical expansion.", "sym",
      advanced=True),
    P("sym_rise_A", "number", None, "Helical rise (A)", "Rise of a helical expansion.", "sym", advanced=True),
    P("sym_num_rises", "number", None, "Number of rises", "Rises each particle is expanded by.", "sym",
      advanced=True),
]

SUBTRACT = [
    P("inner_radius", "number", 0.85, "Inner radius", "Inner radius of the real-space window.", "subtract",
      advanced=True),
    P("outer_radius", "number", 0.99, "Outer radius", "Outer radius of the real-space window.", "subtract",
      advanced=True),
    P("use_premult", "boolean", True, "Use premultiplication", "Premultiply the volume.", "subtract", advanced=True),
    P("use_halfmaps", "boolean", True, "Use half maps", "Subtract each half's own map.", "subtract"),
    P("lpf_volume", "number", None, "Low-pass filter volume (A)", "Filter the subtracted volume.", "subtract"),
    P("mask_threshold", "number", 0.2, "Mask threshold", "Threshold binarising the mask.", "subtract"),
    P("mask_fill_holes", "boolean", True, "Fill mask holes", "Fill holes in the mask.", "subtract", advanced=True),
]

CTF_REFINE_GLOBAL = [
    P("crg_num_iters", "number", 1, "Number of iterations", "Iterations of the fit.", "crg"),
    P("crg_num_plots", "number", 3, "Number of plots", "Exposure groups plotted.", "crg", advanced=True),
    P("crg_plot_binfactor", "number", 2, "Plot bin factor", "Binning of the plots.", "crg", advanced=True),
    P("crg_min_res_A", "number", 10, "Minimum fit resolution (A)", "Lowest resolution fitted.", "crg"),
    P("crg_do_tilt", "boolean", True, "Fit tilt", "Fit beam tilt.", "crg"),
    P("crg_do_trefoil", "boolean", True, "Fit trefoil", "Fit trefoil.", "crg"),
    P("crg_do_spherical", "boolean", False, "Fit spherical aberration", "Fit spherical aberration.", "crg"),
    P("crg_do_tetrafoil", "boolean", False, "Fit tetrafoil", "Fit tetrafoil.", "crg"),
]

CTF_REFINE_LOCAL = [
    P("crl_N", "number", 32, "Defocus search points", "Defocus values tried per particle.", "crl", advanced=True),
    P("crl_num_plots", "number", 10, "Number of plots", "Particles plotted.", "crl", advanced=True),
    P("crl_min_res_A", "number", 20, "Minimum fit resolution (A)", "Lowest resolution fitted.", "crl"),
    P("crl_max_res_A", "number", None, "Maximum fit resolution (A)", "Highest resolution fitted.", "crl"),
    P("crl_df_range", "number", 2000, "Defocus search range (A +/-)", "Defocus searched around each particle's.",
      "crl"),
]

IMPORT_PARTICLES = [
    P("particle_meta_path", "path", None, "Particle meta path", "A .star or .cs file with the particles.",
      "import_particles"),
    P("particle_blob_path", "path", None, "Particle data path", "Folder of the particle stacks.", "import_particles"),
    P("psize_A", "number", None, "Pixel size (A)", "Pixel size of the particle images.", "import_particles"),
    P("accel_kv", "number", None, "Accelerating Voltage (kV)", "Microscope accelerating voltage.", "import_particles"),
    P("cs_mm", "number", None, "Spherical Aberration (mm)", "Spherical aberration of the objective.",
      "import_particles"),
]

IMPORT_VOLUMES = [
    P("volume_blob_path", "path", None, "Volume data path", "Wildcard path to the .mrc volumes.", "import_volumes"),
    P("volume_out_name", "enum", "map", "Type of volume being imported", "map, map_half_A, map_half_B or mask.",
      "import_volumes", enum=("map", "map_half_A", "map_half_B", "mask")),
    P("volume_psize", "number", None, "Pixel size (A)", "Pixel size of the volumes; from their header when unset.",
      "import_volumes"),
]

WORKFLOW_PARAMS: dict[str, list[Param]] = {
    "blob_picker_gpu": BLOB_PICKER,
    "template_picker_gpu": TEMPLATE_PICKER,
    "filament_tracer_gpu": FILAMENT_TRACER,
    "topaz_extract": TOPAZ_EXTRACT,
    "curate_exposures_v2": [],  # thresholds are set interactively, not as parameters
    "inspect_picks_v2": [],
    "select_2D": [],
    "extract_micrographs_cpu_parallel": EXTRACT,
    "extract_micrographs_multi": [p for p in EXTRACT if p.name != "compute_num_cores"],
    "downsample_particles": [],
    "restack_particles": [],
    "var_3D": VAR_3D,
    "var_3D_disp": VAR_3D_DISP,
    "flex_prep": [],
    "flex_meshprep": [],
    "flex_train": FLEX_TRAIN,
    "flex_highres": FLEX_HIGHRES,
    "sym_expand": SYM_EXPAND,
    "particle_subtract": SUBTRACT,
    "ctf_refine_global": CTF_REFINE_GLOBAL,
    "ctf_refine_local": CTF_REFINE_LOCAL,
    "reference_motion_correction": [],
    "rigid_motion_correction_multi": [],
    "local_motion_correction_multi": [],
    "import_particles": IMPORT_PARTICLES,
    "import_volumes": IMPORT_VOLUMES,
    "snowflake": [],  # an External job has no parameters
}
