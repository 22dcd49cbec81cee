"""csx plot fsc: the FSC curves of jobs in one figure, PNG or SVG by the
name of -o."""

from pathlib import Path

from ..errors import SinkError, UsageError
from ..pictures.curves import checked_masks, record_curves
from ..pictures.plot import plot_fsc
from ..sinks.atomic import write_atomically
from .gather import gather


def run(args, log) -> int:
    target = Path(args.output)
    file_format = target.suffix.lower().lstrip(".")
    masks = checked_masks(args.mask)
    if not args.jobs and not args.project_dir:
        raise UsageError("plot fsc: name the jobs (job directories, or uids with --project-dir or --instance)")
    found, failed = gather(args, ["fsc"], log)
    curves = [curve for record in found["fsc"] for curve in record_curves(record, masks)]
    figure = plot_fsc(curves, file_format)
    try:
        write_atomically(target, figure)
    except OSError as exc:
        raise SinkError(f"-o {target}: cannot write there ({exc.strerror or exc})") from exc
    return 1 if failed else 0
