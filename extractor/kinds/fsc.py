"""What csx's code reads of an fsc record (schemas/fsc.schema.json)."""

# the kind's mask names, loosest first, as the record schema orders them
FSC_MASKS = ("no_mask", "spherical", "loose", "tight", "corrected")
TITLE = ("job_info", "title")
COMPLETED = ("job_info", "completed_at")
FREQUENCY_INVA = ("frequency_invA",)
CURVES = ("curves",)  # {mask: [fsc per shell]}
RESOLUTIONS_A = ("resolution_A",)  # {mask: resolution at 0.143}
