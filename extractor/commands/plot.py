"""csx plot fsc: the FSC curves of jobs in one figure, PNG or SVG by the
name of -o."""

from pathlib import Path

from ..errors import SinkError, UsageError
from ..pictures.curves import checked_masks, record_curves
from ..pictures.plot import plot_fsc
from ..sinks.atomic import write_atomically
from .gather import gather
from .options import JOBS, MASKS, add_job_selection

DESCRIPTION = "Figures made from records."
SUBCOMMANDS = True  # csx plot fsc: the common options go on each figure's parser


def add_arguments(parser, common):
    figures = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
    plot = figures.add_parser("fsc", parents=[common], help="FSC curves of jobs",
                              description="FSC curves of one or more jobs in one panel, with the 0.143 line and "
                                          "a resolution axis, 3.5 in wide. Needs matplotlib (pip install matplotlib).")
    add_job_selection(plot, JOBS)
    plot.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.png or FILE.svg")
    plot.add_argument("--mask", action="append", metavar="NAME", help=f"only this mask's curve: {MASKS} (may repeat)")


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
