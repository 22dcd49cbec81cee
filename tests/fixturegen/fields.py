"""Dataset fields of each result type, in CryoSPARC's `min_fields` notation, and result titles.

A result's type is its v4 `type` ("exposure.ctf"); the v5 dtype is the part
after the dot. Results of one dtype can have other names (the particles'
per-class `alignments_class_3` is a `particle.alignments3D`).
"""

FIELDS: dict[str, list[tuple[str, str]]] = {
    "particle.alignments3D": [
        ("split", "u4"), ("shift", "2f4"), ("pose", "3f4"), ("psize_A", "f4"), ("error", "f4"),
        ("error_min", "f4"), ("resid_pow", "f4"), ("slice_pow", "f4"), ("image_pow", "f4"),
        ("cross_cor", "f4"), ("alpha", "f4"), ("alpha_min", "f4"), ("weight", "f4"), ("pose_ess", "f4"),
        ("shift_ess", "f4"), ("class_posterior", "f4"), ("class", "u4"), ("class_ess", "f4"),
    ],
    "particle.ctf": [
        ("type", "O"), ("exp_group_id", "u4"), ("accel_kv", "f4"), ("cs_mm", "f4"), ("amp_contrast", "f4"),
        ("df1_A", "f4"), ("df2_A", "f4"), ("df_angle_rad", "f4"), ("phase_shift_rad", "f4"), ("scale", "f4"),
        ("scale_const", "f4"), ("shift_A", "2f4"), ("tilt_A", "2f4"), ("trefoil_A", "2f4"),
        ("tetra_A", "4f4"), ("anisomag", "4f4"), ("bfactor", "f4"),
    ],
    "particle.blob": [
        ("path", "O"), ("idx", "u4"), ("shape", "2u4"), ("psize_A", "f4"), ("sign", "f4"), ("import_sig", "u8"),
    ],
    "particle.motion": [
        ("type", "O"), ("path", "O"), ("psize_A", "f4"), ("frame_start", "u4"), ("frame_end", "u4"),
        ("zero_shift_frame", "u4"),
    ],
    "particle.location": [
        ("micrograph_uid", "u8"), ("exp_group_id", "u4"), ("micrograph_path", "O"),
        ("micrograph_shape", "2u4"), ("micrograph_psize_A", "f4"), ("center_x_frac", "f4"),
        ("center_y_frac", "f4"),
    ],
    "particle.pick_stats": [("ncc_score", "f4"), ("power", "f4"), ("template_idx", "u4"), ("angle_rad", "f4")],
    "volume.blob": [("path", "O"), ("shape", "3u4"), ("psize_A", "f4")],
    "exposure.movie_blob": [
        ("path", "O"), ("shape", "3u4"), ("psize_A", "f4"), ("is_gain_corrected", "u4"), ("format", "O"),
        ("has_defect_file", "u4"), ("import_sig", "u8"),
    ],
    "exposure.mscope_params": [
        ("accel_kv", "f4"), ("cs_mm", "f4"), ("total_dose_e_per_A2", "f4"), ("phase_plate", "u4"),
        ("neg_stain", "u4"), ("exp_group_id", "u4"),
    ],
    "exposure.gain_ref_blob": [("path", "O"), ("shape", "2u4"), ("flip_x", "u4"), ("flip_y", "u4"),
                               ("rotate_num", "u4")],
    "exposure.ctf": [
        ("type", "O"), ("exp_group_id", "u4"), ("accel_kv", "f4"), ("cs_mm", "f4"), ("amp_contrast", "f4"),
        ("df1_A", "f4"), ("df2_A", "f4"), ("df_angle_rad", "f4"), ("phase_shift_rad", "f4"), ("scale", "f4"),
        ("scale_const", "f4"), ("bfactor", "f4"), ("fit_data_path", "O"), ("ctf_fit_to_A", "f4"),
    ],
    "exposure.ctf_stats": [
        ("cross_corr_ctffind4", "f4"), ("ctf_fit_to_A", "f4"), ("df_range", "2f4"), ("diag_image_path", "O"),
        ("ice_thickness_rel", "f4"),
    ],
    "particle.alignments2D": [
        ("split", "u4"), ("shift", "2f4"), ("pose", "f4"), ("psize_A", "f4"), ("error", "f4"), ("error_min", "f4"),
        ("resid_pow", "f4"), ("slice_pow", "f4"), ("image_pow", "f4"), ("cross_cor", "f4"), ("alpha", "f4"),
        ("alpha_min", "f4"), ("weight", "f4"), ("pose_ess", "f4"), ("shift_ess", "f4"), ("class_posterior", "f4"),
        ("class", "u4"), ("class_ess", "f4"),
    ],
    "template.blob": [("path", "O"), ("idx", "u4"), ("shape", "2u4"), ("psize_A", "f4"), ("res_A", "f4")],
    "exposure.micrograph_blob": [
        ("path", "O"), ("idx", "u4"), ("shape", "2u4"), ("psize_A", "f4"), ("format", "O"),
        ("is_background_subtracted", "u4"), ("vmin", "f4"), ("vmax", "f4"), ("import_sig", "u8"),
    ],
    "exposure.stat_blob": [("path", "O"), ("idx", "u4"), ("shape", "2u4"), ("psize_A", "f4"), ("binfactor", "u4")],
    "exposure.motion": [
        ("type", "O"), ("path", "O"), ("idx", "u4"), ("frame_start", "u4"), ("frame_end", "u4"),
        ("zero_shift_frame", "u4"), ("psize_A", "f4"),
    ],
}

TITLES = {
    "alignments3D": "3D alignments",
    "ctf": "CTF parameters",
    "ctf_stats": "CTF fit statistics",
    "map": "Volume data",
    "map_sharp": "Sharpened volume data",
    "map_half_A": "Half map A",
    "map_half_B": "Half map B",
    "mask_refine": "Refinement mask",
    "mask_fsc": "FSC mask",
    "mask_fsc_auto": "Auto-tightened FSC mask",
    "precision": "Alignment precision map",
    "movie_blob": "Movie data",
    "mscope_params": "Microscope parameters",
    "gain_ref_blob": "Gain reference",
    "alignments2D": "2D alignments",
    "blob": "Class averages",
    "micrograph_blob": "Motion-corrected micrograph",
    "micrograph_blob_non_dw": "Motion-corrected micrograph (not dose-weighted)",
    "background_blob": "Background estimate",
    "rigid_motion": "Rigid motion trajectories",
    "spline_motion": "Patch motion model",
    "map_locres": "Local resolution map",
    "map_locres_fsc": "Local FSC map",
}
