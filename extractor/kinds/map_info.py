"""What csx's code reads of a map-info record (schemas/map-info.schema.json)."""

TYPE = ("job_info", "type")
PARTICLES = ("job_info", "particle_count")
SYMMETRY = ("job_info", "parameters", "refine_symmetry")
RESOLUTION_A = ("gsfsc",)
MASK_RESOLUTIONS_A = ("fsc_resolution_A",)  # {mask of fsc.FSC_MASKS: resolution}
BFACTOR_A2 = ("guinier_bfactor",)
CFAR = ("cfar",)
PIXEL_SIZE_A = ("psize_A",)
BOX_VOX = ("box_size_vox",)
PATHS = ("paths",)  # {name: absolute path}
# the files of PATHS a deposition needs
MAP_FILES = ("map", "map_half_A", "map_half_B")
MASK_FILES = ("mask_refine", "mask_fsc", "mask_fsc_auto")
