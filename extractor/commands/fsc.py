"""csx fsc: one job's FSC curve as the file EMDB deposition takes (XML), or
its curves as JSON or CSV."""

import sys

from ..errors import JobError, UsageError
from ..pictures.curves import MASKS_TEXT, checked_masks, one_curve
from ..pictures.fscfiles import curves_csv, curves_json, emdb_xml
from ..sinks.atomic import write_output
from .gather import gather
from .options import add_job_selection

DESCRIPTION = ("A job's FSC curve as the XML EMDB deposition takes, or its curves as JSON or CSV, on stdout or "
               "in -o FILE.")


def add_arguments(parser):
    add_job_selection(parser, "the job: its directory, or its uid with --project-dir or --instance")
    parser.add_argument("--format", choices=["emdb-xml", "json", "csv"], default="emdb-xml",
                        help="emdb-xml (default: one curve), json or csv (every curve, or those of --mask)")
    parser.add_argument("--mask", action="append", metavar="NAME",
                        help=f"the curve: {MASKS_TEXT} (default corrected for emdb-xml; json and csv may repeat it)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the file here instead of stdout")


def _file(record: dict, file_format: str, masks) -> bytes:
    if file_format == "emdb-xml":
        if masks and len(masks) > 1:
            raise UsageError("fsc --format emdb-xml: an EMDB FSC file holds one curve; give one --mask")
        return emdb_xml(one_curve(record, masks[0] if masks else "corrected"))
    curves = [one_curve(record, mask) for mask in checked_masks(masks)] if masks else None
    if curves is None:  # every curve the job reports
        curves = [one_curve(record, mask) for mask in checked_masks(None) if record["curves"].get(mask)]
    return (curves_json(curves) if file_format == "json" else curves_csv(curves)).encode()


def run(args, log) -> int:
    if len(args.jobs) != 1:
        raise UsageError("fsc: name one job (its directory, or its uid with --project-dir or --instance)")
    found, failed = gather(args, ["fsc"], log)
    if failed:
        return 1
    (record,) = found["fsc"]
    try:
        data = _file(record, args.format, args.mask)
    except JobError as exc:  # curves that cannot be placed on their axis: the job fails
        log.error(str(exc))
        return 1
    if not args.output:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    write_output(args.output, data, f"-o {args.output}")
    return 0
