"""FSC curves as a figure for a paper: one panel, 3.5 in wide (a journal
column), the 0.143 line, a resolution axis in Å along the top, and each
curve's resolution marked where it crosses 0.143.

One job: a colour per mask, its resolution in the legend. Several jobs: a
colour per job, a line style per mask. matplotlib is csx's optional `plot`
extra, imported only here, with the Agg backend (no display needed)."""

import io

from ..errors import UsageError
from .curves import THRESHOLD

WIDTH_IN, HEIGHT_IN = 3.5, 2.6
FONT_PT = 7
MASK_STYLES = {"no_mask": ":", "spherical": (0, (6, 2)), "loose": "-.", "tight": (0, (4, 1, 1, 1, 1, 1)),
               "corrected": "-"}
MASK_LABELS = {"no_mask": "no mask", "spherical": "spherical", "loose": "loose", "tight": "tight",
               "corrected": "corrected"}
# resolutions (Å) offered as ticks on the top axis, where they fall inside the plotted range
RESOLUTION_TICKS = (20, 10, 7, 5, 4, 3.5, 3, 2.5, 2.2, 2, 1.8, 1.6, 1.5, 1.4, 1.2, 1)
FORMATS = ("png", "svg")


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


def plot_fsc(curves: list, file_format: str) -> bytes:
    """The figure of the curves (from curves.record_curves) as PNG or SVG bytes."""
    if file_format not in FORMATS:
        raise UsageError(f"plot: cannot write .{file_format} (write .png or .svg)")
    if not curves:
        raise UsageError("plot: none of the jobs has an FSC curve under the masks asked for")
    pyplot = _pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator

    jobs = list(dict.fromkeys(c.label for c in curves))
    masks = list(dict.fromkeys(c.mask for c in curves))
    colours = pyplot.rcParams["axes.prop_cycle"].by_key()["color"]
    with pyplot.rc_context({"font.size": FONT_PT, "axes.linewidth": 0.6, "lines.linewidth": 1.0,
                            "xtick.major.width": 0.6, "ytick.major.width": 0.6, "svg.hashsalt": "csx",
                            "legend.facecolor": "white", "legend.edgecolor": "none", "legend.framealpha": 1}):
        figure, axes = pyplot.subplots(figsize=(WIDTH_IN, HEIGHT_IN), layout="constrained")
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
                                      label=f"{job}{_resolution_text(resolution)}"))
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
        axes.legend(handles=handles, loc="lower left", fontsize=FONT_PT - 1, handlelength=2.2)
        out = io.BytesIO()
        metadata = {"Date": None} if file_format == "svg" else {"Software": None}
        figure.savefig(out, format=file_format, dpi=300, metadata=metadata)
        pyplot.close(figure)
    return out.getvalue()
