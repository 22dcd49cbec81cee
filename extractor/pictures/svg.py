"""Small SVG line plots written by hand, for the report: an FSC plot per map
and resolution over time. A report of a thousand maps must stay a few
megabytes, so coordinates are integers (curves in a 900 x 600 drawing) and each curve
keeps only the points that change its drawing (_thinned). Every text is
escaped."""

from datetime import datetime, timezone

from .curves import MASKS, THRESHOLD, record_curves
from .markup import escaped

FSC_SIZE = (600, 400)
TIMELINE_SIZE = (900, 320)
LEFT, RIGHT, TOP, BOTTOM = 70, 30, 14, 56
TOLERANCE = 0.3  # units of the curves' 900-wide drawing; PASSES of it stay within about a pixel as the report shows it
PASSES = 4
# curves are drawn this much finer than the box and scaled back: still three digits a coordinate
CURVE_SCALE = 1.5


def _thinned(x, y):
    """Integer points of a curve, without those that lie on the line through their neighbours.

    Each pass looks at every other point, its neighbours staying, so a pass moves the line by at
    most TOLERANCE; vectorised, it costs a few array operations per curve (exact Ramer-Douglas-
    Peucker in Python was most of the report's time)."""
    import numpy

    x, y = numpy.rint(x), numpy.rint(y)
    for _ in range(PASSES):
        inner = numpy.arange(1, len(x) - 1, 2)
        if not len(inner):
            break
        ax, ay, bx, by = x[inner - 1], y[inner - 1], x[inner + 1], y[inner + 1]
        length = numpy.hypot(bx - ax, by - ay)
        deviation = numpy.abs((bx - ax) * (ay - y[inner]) - (ax - x[inner]) * (by - ay)) / numpy.maximum(length, 1)
        keep = numpy.ones(len(x), dtype=bool)
        keep[inner[deviation <= TOLERANCE]] = False
        if keep.all():
            break
        x, y = x[keep], y[keep]
    return x.astype(int).tolist(), y.astype(int).tolist()


def _line(x, y, css_class: str) -> str:
    """A path through the points, each step relative to the last: mostly one or two digits a number,
    and no separator before a minus sign."""
    x, y = _thinned(x, y)
    if len(x) < 2:
        return ""
    steps = " ".join(f"{x[i] - x[i - 1]} {y[i] - y[i - 1]}" for i in range(1, len(x))).replace(" -", "-")
    return f'<path class="{css_class}" d="M{x[0]} {y[0]}l{steps}"/>'


def _frame(size: tuple, x_label: str, y_label: str) -> list:
    (width, height), bottom = size, size[1] - BOTTOM
    right = width - RIGHT
    return [f'<path class="axis" d="M{LEFT},{TOP}V{bottom}H{right}"/>',
            f'<text class="label" x="{(LEFT + right) / 2:g}" y="{height - 10}" text-anchor="middle">'
            f"{escaped(x_label)}</text>",
            f'<text class="label" transform="translate(18 {(TOP + bottom) / 2:g}) rotate(-90)" '
            f'text-anchor="middle">{escaped(y_label)}</text>']


def _x_tick(size: tuple, x: float, text: str, anchor="middle") -> str:
    bottom = size[1] - BOTTOM
    return (f'<path class="axis" d="M{x:.0f},{bottom}v6"/>'
            f'<text class="tick" x="{x:.0f}" y="{bottom + 22}" text-anchor="{anchor}">{escaped(text)}</text>')


def _y_tick(y: float, text: str) -> str:
    return (f'<path class="axis" d="M{LEFT - 6},{y:.0f}h6"/>'
            f'<text class="tick" x="{LEFT - 10}" y="{y + 6:.0f}" text-anchor="end">{escaped(text)}</text>')


def fsc_svg(record: dict, label: str) -> str:
    """An FSC plot of every curve of an fsc record; its mask curves are styled by class (CSS)."""
    import numpy

    frequencies = record["frequency_invA"]
    nyquist = max(frequencies) or 1.0
    (width, height) = FSC_SIZE
    bottom, right = height - BOTTOM, width - RIGHT

    def x_of(f):
        return LEFT + (right - LEFT) * f / nyquist

    def y_of(v):  # FSC from -0.05 to 1.05
        return bottom - (bottom - TOP) * (v + 0.05) / 1.1

    parts = [f'<svg class="fsc" viewBox="0 0 {width} {height}" role="img"><title>{escaped(label)}</title>']
    parts += _frame(FSC_SIZE, "Spatial frequency (1/Å)", "FSC")
    parts += [_x_tick(FSC_SIZE, x_of(f), f"{f:g}") for f in (0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7) if f <= nyquist]
    parts += [_y_tick(y_of(v), f"{v:g}") for v in (0, 0.5, 1)]
    parts.append(f'<path class="threshold" d="M{LEFT},{y_of(THRESHOLD):.0f}H{right}"/>')
    legend_y = bottom - 10
    curves, keys = [], []
    for curve in reversed(record_curves(record, MASKS)):
        css = f"curve {curve.mask}"
        x = x_of(numpy.asarray(curve.frequency_invA, dtype=float)) * CURVE_SCALE
        y = y_of(numpy.asarray(curve.fsc, dtype=float)) * CURVE_SCALE
        drawn = ~numpy.isnan(y)  # a NaN shell is left out of the line
        curves.append(_line(x[drawn], y[drawn], css))
        resolution = "" if curve.resolution_A is None else f" {curve.resolution_A:.2f} Å"
        if curve.resolution_A:
            keys.append(f'<circle class="{css}" cx="{x_of(1 / curve.resolution_A):.0f}" '
                        f'cy="{y_of(THRESHOLD):.0f}" r="5"/>')
        keys.append(f'<path class="{css}" d="M{LEFT + 14},{legend_y - 6}h30"/>'
                    f'<text class="key" x="{LEFT + 50}" y="{legend_y}">'
                    f"{escaped(curve.mask.replace('_', ' ') + resolution)}</text>")
        legend_y -= 26
    parts.append(f'<g class="curves" transform="scale({1 / CURVE_SCALE:.6f})">{"".join(curves)}</g>')
    parts += keys
    parts.append("</svg>")
    return "".join(parts)


def _when(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)  # CryoSPARC writes UTC


def timeline_svg(points: list) -> str:
    """Resolution (Å) over time of [(ISO date, resolution, label), ...]; better (smaller) resolutions up."""
    dated = [(when, res, label) for text, res, label in points if (when := _when(text)) and res]
    if not dated:
        return ""
    (width, height) = TIMELINE_SIZE
    bottom, right = height - BOTTOM, width - RIGHT
    first, last = min(w for w, _, _ in dated), max(w for w, _, _ in dated)
    span = (last - first).total_seconds() or 1.0
    low, high = min(r for _, r, _ in dated), max(r for _, r, _ in dated)
    low, high = (low - 0.1, high + 0.1) if high - low < 0.2 else (low, high)

    def x_of(when):
        return LEFT + 10 + (right - LEFT - 20) * (when - first).total_seconds() / span

    def y_of(res):
        return TOP + 10 + (bottom - TOP - 20) * (res - low) / (high - low)

    parts = [f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img">'
             "<title>Resolution over time</title>"]
    parts += _frame(TIMELINE_SIZE, "Completed", "Resolution (Å)")
    ticks = 5 if span > 1 else 1
    parts += [_x_tick(TIMELINE_SIZE, x_of(first + (last - first) * k / 4),
                      (first + (last - first) * k / 4).strftime("%Y-%m-%d"), "end" if k == 4 else "middle")
              for k in range(ticks)]
    parts += [_y_tick(y_of(low + (high - low) * k / 4), f"{low + (high - low) * k / 4:.2f}") for k in range(5)]
    for when, res, label in sorted(dated):
        parts.append(f'<circle class="point" cx="{x_of(when):.0f}" cy="{y_of(res):.0f}" r="5">'
                     f"<title>{escaped(f'{label}: {res:.2f} Å')}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)
