"""The curves of an fsc record, as the pictures use them: each mask's points
and its 0.143 resolution, under the stable mask names of the fsc kind."""

from dataclasses import dataclass

from ..errors import UsageError

# the fsc kind's mask names, loosest first, as the record schema orders them
MASKS = ("no_mask", "spherical", "loose", "tight", "corrected")
THRESHOLD = 0.143


@dataclass
class Curve:
    label: str  # the job, e.g. "P30/J180"
    title: str | None  # the job's title, where the record has it
    mask: str
    frequency_invA: list
    fsc: list
    resolution_A: float | None  # where it crosses 0.143, as CryoSPARC reports it


def job_label(record: dict) -> str:
    info = record["job_info"]
    return f"{info['puid']}/{info['juid']}"


def checked_masks(masks) -> tuple:
    """The masks asked for, in the kind's order; every mask when none is named."""
    unknown = [m for m in masks or () if m not in MASKS]
    if unknown:
        raise UsageError(f"--mask {unknown[0]}: no such mask (masks: {', '.join(MASKS)})")
    return tuple(m for m in MASKS if m in masks) if masks else MASKS


def record_curves(record: dict, masks=MASKS) -> list:
    """The record's curves under the masks asked for, leaving out those the job does not report."""
    curves = []
    for mask in masks:
        values = record["curves"].get(mask)
        if values:
            curves.append(Curve(job_label(record), record["job_info"].get("title"), mask,
                                record["frequency_invA"], values, record["resolution_A"].get(mask)))
    return curves


def one_curve(record: dict, mask: str) -> Curve:
    """One mask's curve; an error naming the job and the masks it has when that one is missing."""
    (mask,) = checked_masks([mask])
    found = record_curves(record, (mask,))
    if not found:
        present = ", ".join(c.mask for c in record_curves(record)) or "none"
        raise UsageError(f"{job_label(record)}: no {mask} FSC curve in its document (curves: {present})")
    return found[0]
