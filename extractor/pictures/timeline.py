"""Resolution over time, as an SVG drawn by hand for the report: a point per
map, one colour per project, axes people can read.

The resolution axis has round ticks (steps of 1, 2, 2.5 or 5 times a power
of ten) and room for its labels beside its title; the date axis has ticks on
round times (minutes, hours, days, weeks, months, years, whichever gives a
few) that span the dates of the maps, so maps of a single day get hours, and
a single map gets the two hours around it. Better (smaller) resolutions are up. Every
text is escaped."""

import math
from calendar import monthrange
from datetime import datetime, timedelta, timezone

from .markup import escaped

SIZE = (900, 340)
TOP, RIGHT, BOTTOM = 16, 24, 58
FONT_PX = 15
CHAR_PX = 9  # a digit of the tick font, generously
TITLE_BAND = 34  # the rotated axis title, left of the tick labels
MOST_TICKS = 7
HOUR = 3600
# the first ten: matplotlib's tab10, which people know from their own plots; then hues a golden angle apart
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")
# (step, unit, label format); months and years are counted in calendar units
DATE_STEPS = [(5, "minute"), (10, "minute"), (15, "minute"), (30, "minute"), (1, "hour"), (2, "hour"), (3, "hour"), (6, "hour"), (12, "hour"), (1, "day"), (2, "day"),
              (7, "day"), (14, "day"), (1, "month"), (2, "month"), (3, "month"), (6, "month"), (1, "year"),
              (2, "year"), (5, "year"), (10, "year"), (20, "year"), (50, "year")]


def project_colours(count: int) -> list:
    """A colour for each of `count` projects, every one different."""
    import colorsys

    colours = list(PALETTE[:count])
    for k in range(count - len(colours)):
        lightness = (0.38, 0.5, 0.62)[k % 3]
        red, green, blue = colorsys.hls_to_rgb((0.11 + k * 0.381966) % 1, lightness, 0.65)
        colour = f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"
        colours.append(colour)
    return colours


def nice_ticks(low: float, high: float, most: int = 6) -> tuple:
    """(ticks, decimals): round ticks covering [low, high], at most `most` of them, and the decimals their
    labels need."""
    if high - low < 1e-3:  # maps of one resolution: a tenth of an Angstrom around it
        low, high = low - 0.1, high + 0.1
    magnitude = 10 ** math.floor(math.log10((high - low) / (most - 1)))
    for step, multiple in ((m * magnitude * scale, m) for scale in (1, 10, 100) for m in (1, 2, 2.5, 5)):
        first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
        if last - first <= most - 1:
            break
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if multiple == 2.5 else 0)
    return [round(k * step, decimals + 3) for k in range(first, last + 1)], decimals


def _start(when: datetime, step: int, unit: str) -> datetime:
    """The first round time of the step at or before `when`."""
    if unit == "minute":
        return when.replace(second=0, microsecond=0, minute=when.minute - when.minute % step)
    if unit == "hour":
        return when.replace(minute=0, second=0, microsecond=0, hour=when.hour - when.hour % step)
    if unit == "day":
        midnight = when.replace(hour=0, minute=0, second=0, microsecond=0)
        days = (midnight - datetime(1970, 1, 5, tzinfo=timezone.utc)).days  # weeks begin on Mondays
        return midnight - timedelta(days=days % step)
    if unit == "month":
        month = when.month - (when.month - 1) % step
        return when.replace(day=1, hour=0, minute=0, second=0, microsecond=0, month=month)
    return when.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0, year=when.year - when.year % step)


def _next(when: datetime, step: int, unit: str) -> datetime:
    if unit == "minute":
        return when + timedelta(minutes=step)
    if unit == "hour":
        return when + timedelta(hours=step)
    if unit == "day":
        return when + timedelta(days=step)
    if unit == "month":
        month = when.month - 1 + step
        return when.replace(year=when.year + month // 12, month=month % 12 + 1,
                            day=min(when.day, monthrange(when.year + month // 12, month % 12 + 1)[1]))
    return when.replace(year=when.year + step)


def _label(when: datetime, unit: str, days: bool) -> str:
    if unit in ("minute", "hour"):
        return when.strftime("%m-%d %H:%M" if days else "%H:%M")
    return when.strftime({"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[unit])


def date_domain(first: datetime, last: datetime) -> tuple:
    """The dates the axis spans: the maps' dates with a margin, an hour either side of a single date."""
    span = (last - first).total_seconds()
    if span < 2 * HOUR:  # a few hour ticks around maps made within the hour
        middle = first + (last - first) / 2
        return middle - timedelta(hours=1), middle + timedelta(hours=1)
    margin = timedelta(seconds=span * 0.03)
    return first - margin, last + margin


def date_ticks(low: datetime, high: datetime) -> tuple:
    """([(time, label), ...], axis note): ticks on round times inside [low, high], the finest step that
    gives at most MOST_TICKS; the note names the day where every tick is an hour of the same day."""
    for step, unit in DATE_STEPS:
        ticks, when = [], _start(low, step, unit)
        while when <= high and len(ticks) <= MOST_TICKS:
            if when >= low:
                ticks.append(when)
            when = _next(when, step, unit)
        if len(ticks) <= MOST_TICKS and (len(ticks) >= 2 or unit == "year"):
            break
    one_day = unit in ("minute", "hour") and low.date() == high.date()
    note = f" ({low:%Y-%m-%d}, UTC)" if one_day else " (UTC)"
    return [(t, _label(t, unit, not one_day)) for t in ticks], note


def timeline_svg(points: list, colours: list, projects: list) -> str:
    """The SVG of [(completed datetime, resolution in Å, label, project index), ...]; each project's points in
    a group of its colour (colours[i]), named by its uid (projects[i])."""
    if not points:
        return ""
    width, height = SIZE
    bottom = height - BOTTOM
    y_ticks, decimals = nice_ticks(min(p[1] for p in points), max(p[1] for p in points))
    y_labels = [f"{t:.{decimals}f}" for t in y_ticks]
    left = TITLE_BAND + CHAR_PX * max(len(text) for text in y_labels) + 14
    right = width - RIGHT
    low, high = date_domain(min(p[0] for p in points), max(p[0] for p in points))
    x_ticks, note = date_ticks(low, high)
    span = (high - low).total_seconds()

    def x_of(when):
        return left + (right - left) * (when - low).total_seconds() / span

    def y_of(resolution):
        return TOP + (bottom - TOP) * (resolution - y_ticks[0]) / (y_ticks[-1] - y_ticks[0])

    parts = [f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img"><title>Resolution over time</title>',
             f'<path class="grid" d="{"".join(f"M{left},{y_of(t):.1f}H{right}" for t in y_ticks)}"/>',
             f'<path class="axis" d="M{left},{TOP}V{bottom}H{right}"/>']
    for tick, text in zip(y_ticks, y_labels):
        y = y_of(tick)
        parts.append(f'<path class="axis" d="M{left - 6},{y:.1f}h6"/><text class="tick" x="{left - 10}" '
                     f'y="{y + FONT_PX / 3:.1f}" text-anchor="end">{text}</text>')
    for when, text in x_ticks:
        x = x_of(when)
        parts.append(f'<path class="axis" d="M{x:.1f},{bottom}v6"/><text class="tick" x="{x:.1f}" '
                     f'y="{bottom + 24}" text-anchor="middle">{escaped(text)}</text>')
    parts.append(f'<text class="label" x="{(left + right) / 2:g}" y="{height - 8}" text-anchor="middle">'
                 f"Completed{escaped(note)}</text>")
    parts.append(f'<text class="label" transform="translate({TITLE_BAND // 2} {(TOP + bottom) / 2:g}) rotate(-90)" '
                 'text-anchor="middle">Resolution (Å)</text>')
    by_project = {}
    for point in points:
        by_project.setdefault(point[3], []).append(point)
    for index, mine in sorted(by_project.items()):
        circles = "".join(f'<circle cx="{x_of(when):.1f}" cy="{y_of(res):.1f}" r="4.5">'
                          f"<title>{escaped(label)}: {res:.2f} Å</title></circle>" for when, res, label, _ in mine)
        parts.append(f'<g class="project" data-project="{escaped(projects[index])}" fill="{colours[index]}">'
                     f"{circles}</g>")
    parts.append("</svg>")
    return "".join(parts)
