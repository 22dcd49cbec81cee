"""csx plot fsc: the FSC curves of jobs in one figure, PDF, PNG or SVG by the
name of -o, one or two journal columns wide."""

from pathlib import Path

from ..errors import JobError, UsageError
from ..pictures.curves import MASKS_TEXT, checked_masks, record_curves
from ..pictures.plot import COLUMN_WIDTHS_IN, figure_width, legend_labels, plot_fsc
from ..sinks.atomic import write_output
from .gather import gather
from .options import JOBS, add_job_selection, job_labels

DESCRIPTION = "Figures made from records."
SUBCOMMANDS = True  # csx plot fsc: the common options go on each figure's parser


def add_arguments(parser, common):
    figures = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
    plot = figures.add_parser("fsc", parents=[common], help="FSC curves of jobs",
                              description="FSC curves of one or more jobs in one panel, with the 0.143 line and "
                                          "a resolution axis, one journal column wide unless told otherwise. "
                                          "Needs matplotlib (pip install matplotlib).")
    add_job_selection(plot, JOBS)
    plot.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.pdf, FILE.png or FILE.svg")
    plot.add_argument("--mask", action="append", metavar="NAME",
                      help=f"only this mask's curve: {MASKS_TEXT} (may repeat)")
    plot.add_argument("--label", action="append", metavar="JOB=TEXT",
                      help="name a job in the legend, e.g. J180=EMD-12345 or P30/J180='apo, pH 7' (may repeat)")
    width = plot.add_mutually_exclusive_group()
    width.add_argument("--columns", type=int, choices=sorted(COLUMN_WIDTHS_IN),
                       help=f"as wide as one journal column ({COLUMN_WIDTHS_IN[1]} in, the default) or two "
                            f"({COLUMN_WIDTHS_IN[2]} in)")
    width.add_argument("--width", type=float, metavar="INCHES", help="any other width")


def run(args, log) -> int:
    target = Path(args.output)
    file_format = target.suffix.lower().lstrip(".")
    masks = checked_masks(args.mask)
    labels = job_labels(args.label)
    width = figure_width(args.columns, args.width)
    if not args.jobs and not args.project_dir:
        raise UsageError("plot fsc: name the jobs (job directories, or uids with --project-dir or --instance)")
    found, failed = gather(args, ["fsc"], log)
    curves = []
    for record in found["fsc"]:
        try:
            curves += record_curves(record, masks)
        except JobError as exc:  # curves that cannot be placed on their axis: that job fails, the others are drawn
            log.error(str(exc))
            failed.append(exc)
    figure = plot_fsc(curves, file_format, legend_labels(labels, list(dict.fromkeys(c.label for c in curves))),
                      width)
    write_output(target, figure, f"-o {target}")
    return 1 if failed else 0
