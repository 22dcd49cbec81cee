"""The curves of an fsc record, as the pictures use them: each mask's points
and its 0.143 resolution, under the stable mask names of the fsc kind.

A curve is placed on the record's frequency axis shell by shell, so a curve
of another length than the axis cannot be placed at all: that job fails with
one line, rather than a curve cut to the shorter of the two. A curve without
one finite value is left out, as a mask the job does not report."""

from dataclasses import dataclass, field

from ..errors import JobError, UsageError
from ..kinds import fsc, job_label, value_at
from ..kinds.fsc import FSC_MASKS
from ..wording import MASK, Words

MASKS_TEXT = ", ".join(FSC_MASKS[:-1]) + " or " + FSC_MASKS[-1]  # as the options' help names them
THRESHOLD = 0.143


@dataclass
class Curve:
    label: str  # the job, e.g. "P30/J180"
    title: str | None  # the job's title, where the record has it
    mask: str
    frequency_invA: list
    fsc: list
    resolution_A: float | None  # where it crosses 0.143, as CryoSPARC reports it
    values: object = field(default=None, repr=False, compare=False)  # fsc as a float array, NaN for None


def checked_masks(masks) -> tuple:
    """The masks asked for, in the kind's order; every mask when none is named."""
    unknown = [m for m in masks or () if m not in FSC_MASKS]
    if unknown:
        raise UsageError(Words(MASK.given(unknown[0]), f": no such mask (masks: {', '.join(FSC_MASKS)})"))
    return tuple(m for m in FSC_MASKS if m in masks) if masks else FSC_MASKS


def _numbers(values):
    """The values as a float array (None as NaN), or None where they are not a flat list of numbers and nulls."""
    import numpy

    if not isinstance(values, list):
        return None
    try:
        array = numpy.array(values, dtype=float)
    except (TypeError, ValueError, OverflowError):
        return None
    return array if array.ndim == 1 else None


def record_curves(record: dict, masks=FSC_MASKS) -> list:
    """The record's curves under the masks asked for, leaving out those the job does not report (or reports
    without a finite value). A JobError naming the job and the curve where a curve and the frequency axis
    differ in length, or where the axis or a curve is not a list of numbers."""
    import numpy

    label = job_label(record)
    axis = _numbers(value_at(record, fsc.FREQUENCY_INVA))
    if axis is None or not len(axis) or not numpy.isfinite(axis).all():
        raise JobError(f"{label}: its fsc record has no frequency axis of numbers; extract it again "
                       "(csx extract --spec fsc)")
    curves = []
    for mask in masks:
        values = value_at(record, (*fsc.CURVES, mask))
        if values is None or values == []:
            continue
        array = _numbers(values)
        if array is None:
            raise JobError(f"{label}: its {mask} FSC curve is not a list of numbers; extract it again "
                           "(csx extract --spec fsc)")
        if not numpy.isfinite(array).any():
            continue
        if len(array) != len(axis):
            raise JobError(f"{label}: its {mask} FSC curve has {len(array)} shells and its frequency axis "
                           f"{len(axis)}: the curve cannot be placed on the axis; is the job document whole? "
                           "extract it again (csx extract --spec fsc)")
        curves.append(Curve(label, value_at(record, fsc.TITLE), mask, value_at(record, fsc.FREQUENCY_INVA), values,
                            value_at(record, (*fsc.RESOLUTIONS_A, mask)), array))
    return curves


def one_curve(record: dict, mask: str) -> Curve:
    """One mask's curve; an error naming the job and the masks it has when that one is missing."""
    (mask,) = checked_masks([mask])
    found = record_curves(record, (mask,))
    if not found:
        present = ", ".join(c.mask for c in record_curves(record)) or "none"
        raise UsageError(f"{job_label(record)}: no {mask} FSC curve in its document (curves: {present})")
    return found[0]
