"""FSC curves as a figure for a paper: one panel as wide as one journal
column (3.5 in) or two (7.2 in), or any width, the 0.143 line, a resolution
axis in Å along the top, and each curve's resolution marked where it
crosses 0.143; PDF (text kept as text, fonts embedded), PNG or SVG.

One job: a colour per mask, its resolution in the legend (the job's label
above them, when it has one). Several jobs: a colour per job, named by its
label (an EMDB entry, a sample) or else its uid, a line style per mask.
matplotlib is csx's optional `plot` extra, imported only here, with the Agg
backend (no display needed)."""

import io

from ..errors import UsageError
from ..wording import COLUMNS, WIDTH, Either, Words
from .curves import THRESHOLD

# the widths journals give one and two columns (Nature 89 and 183 mm, Cell 85 and 174 mm, Science 2.3 and 4.8
# in, ...): a figure this wide is printed at its size, its 7 pt text staying 7 pt
COLUMN_WIDTHS_IN = {1: 3.5, 2: 7.2}
HEIGHT_IN = 2.6  # of a one-column figure; a wider one is a little taller
WIDTHS_IN = (1.5, 20.0)  # a width outside these is a mistake
FONT_PT = 7
MASK_STYLES = {"no_mask": ":", "spherical": (0, (6, 2)), "loose": "-.", "tight": (0, (4, 1, 1, 1, 1, 1)),
               "corrected": "-"}
MASK_LABELS = {"no_mask": "no mask", "spherical": "spherical", "loose": "loose", "tight": "tight",
               "corrected": "corrected"}
# resolutions (Å) offered as ticks on the top axis, where they fall inside the plotted range
RESOLUTION_TICKS = (20, 10, 7, 5, 4, 3.5, 3, 2.5, 2.2, 2, 1.8, 1.6, 1.5, 1.4, 1.2, 1)
FORMATS = ("pdf", "png", "svg")


def _pyplot():
    try:
        import matplotlib
    except ImportError as exc:
        raise UsageError("csx plot needs matplotlib: pip install matplotlib") from exc
    matplotlib.use("Agg")
    from matplotlib import pyplot

    return pyplot


def _inverse(values):
    """1/x both ways between frequency and resolution; zero frequency maps to a large finite
    resolution, as matplotlib refuses infinite axis limits."""
    import numpy

    values = numpy.asarray(values, dtype=float)
    return 1 / numpy.maximum(values, 1e-6)


def _resolution_text(resolution) -> str:
    return "" if resolution is None else f" {resolution:.2f} Å"


def figure_width(columns=None, width=None) -> float:
    """The figure's width in inches: `width`, else that of one or two journal `columns` (one by default)."""
    if columns is not None and width is not None:
        raise UsageError(Words("plot: give the width in columns or in inches (", COLUMNS, " or ", WIDTH, "), not both"))
    if width is not None:
        if not WIDTHS_IN[0] <= width <= WIDTHS_IN[1]:
            raise UsageError(Words("plot: ", WIDTH.given(width),
                                   f": give a width from {WIDTHS_IN[0]:g} to {WIDTHS_IN[1]:g} inches"))
        return float(width)
    if columns not in (None, 1, 2):
        raise UsageError(Words("plot: ", COLUMNS.given(columns), ": a figure is one or two journal columns wide"))
    return COLUMN_WIDTHS_IN[columns or 1]


def legend_labels(labels, jobs: list) -> dict:
    """{job label: text} from {job: text}, a job named as P30/J180, J180 (when one job plotted has that uid)
    or its directory; an error naming a job that is not plotted, or a uid that is more than one."""
    found = {}
    for key, text in (labels or {}).items():
        parts = str(key).rstrip("/").split("/")
        exact = "/".join(parts[-2:])
        matches = [job for job in jobs if job == exact] or [job for job in jobs if job.split("/")[-1] == parts[-1]]
        if len(matches) != 1:
            why = "is more than one of the jobs plotted" if matches else "is none of the jobs plotted"
            raise UsageError(Words("plot: ", Either(f"--label {key}={text}", f"labels={{{key!r}: {text!r}}}"),
                                   f": {key} {why} ({', '.join(jobs)})"))
        found[matches[0]] = text
    return found


def plot_fsc(curves: list, file_format: str, labels=None, width_in: float = COLUMN_WIDTHS_IN[1]) -> bytes:
    """The figure of the curves (from curves.record_curves) as PDF, PNG or SVG bytes; `labels` names jobs
    in the legend ({"P30/J180": "EMD-12345"})."""
    if file_format not in FORMATS:
        raise UsageError(f"plot: cannot write .{file_format} (write .pdf, .png or .svg)")
    if not curves:
        raise UsageError("plot: none of the jobs has an FSC curve under the masks asked for")
    labels = labels or {}
    pyplot = _pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator

    jobs = list(dict.fromkeys(c.label for c in curves))
    masks = list(dict.fromkeys(c.mask for c in curves))
    colours = pyplot.rcParams["axes.prop_cycle"].by_key()["color"]
    height_in = HEIGHT_IN + max(0.0, width_in - COLUMN_WIDTHS_IN[1]) * 0.25
    # TrueType fonts in the PDF: text a journal's editor can still select and change
    with pyplot.rc_context({"font.size": FONT_PT, "axes.linewidth": 0.6, "lines.linewidth": 1.0,
                            "xtick.major.width": 0.6, "ytick.major.width": 0.6, "svg.hashsalt": "csx",
                            "pdf.fonttype": 42, "legend.facecolor": "white", "legend.edgecolor": "none",
                            "legend.framealpha": 1}):
        figure, axes = pyplot.subplots(figsize=(width_in, height_in), layout="constrained")
        handles = []
        for curve in curves:
            single = len(jobs) == 1
            colour = colours[(masks.index(curve.mask) if single else jobs.index(curve.label)) % len(colours)]
            style = "-" if single else MASK_STYLES[curve.mask]
            label = (MASK_LABELS[curve.mask] + _resolution_text(curve.resolution_A)) if single else None
            (line,) = axes.plot(curve.frequency_invA, curve.fsc, color=colour, linestyle=style, label=label)
            if single:
                handles.append(line)
            if curve.resolution_A:
                axes.plot([1 / curve.resolution_A], [THRESHOLD], "o", color=colour, markersize=2.5, zorder=3)
        if len(jobs) > 1:
            # the resolution in a job's entry is that of the finest mask drawn (corrected, when drawn)
            for i, job in enumerate(jobs):
                resolution = [c.resolution_A for c in curves if c.label == job][-1]
                handles.append(Line2D([], [], color=colours[i % len(colours)],
                                      label=f"{labels.get(job, job)}{_resolution_text(resolution)}"))
            if len(masks) > 1:
                handles += [Line2D([], [], color="0.3", linestyle=MASK_STYLES[m], label=MASK_LABELS[m])
                            for m in masks]
        axes.axhline(THRESHOLD, color="0.45", linewidth=0.6, linestyle="--", zorder=0)
        nyquist = max(max(c.frequency_invA) for c in curves)
        axes.text(nyquist, THRESHOLD + 0.02, "0.143", color="0.35", ha="right", va="bottom")
        axes.set_xlim(0, nyquist)
        axes.set_ylim(-0.05, 1.05)
        axes.set_xlabel("Spatial frequency (1/Å)")
        axes.set_ylabel("Fourier shell correlation")
        top = axes.secondary_xaxis("top", functions=(_inverse, _inverse))
        top.xaxis.set_major_locator(FixedLocator([r for r in RESOLUTION_TICKS if 1 / r <= nyquist]))
        top.xaxis.set_major_formatter("{x:g}")
        top.set_xlabel("Resolution (Å)")
        # FSC curves start at 1 and fall: the lower left corner is free
        axes.legend(handles=handles, loc="lower left", fontsize=FONT_PT - 1, handlelength=2.2,
                    title=labels.get(jobs[0]) if len(jobs) == 1 else None, title_fontsize=FONT_PT - 1)
        out = io.BytesIO()
        # no dates in the file: the same curves make the same bytes
        metadata = {"Date": None} if file_format == "svg" else {"CreationDate": None} if file_format == "pdf" \
            else {"Software": None}
        figure.savefig(out, format=file_format, dpi=300, metadata=metadata)
        pyplot.close(figure)
    return out.getvalue()
