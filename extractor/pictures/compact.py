"""FSC curves made small for the report page, which draws them itself when a
row or plot is shown: a report of 10,000 maps carries every curve in about
two hundred bytes a curve, and the browser draws only what is on screen.

A curve keeps only the shells that change its drawing (kept_shells: each
pass drops every other point lying within TOLERANCE_PX of the line through
its neighbours, in the report's 600 x 400 plot). Each kept shell is two
characters of URL-safe base64, twelve bits: two for the step from the last
kept shell (1 to 4), ten for the FSC value in LEVELS steps from LOW to HIGH
(clamped there: the exact values are for the EMDB file, not the page). The
value code LEVELS marks what is not a point: with step bits 0, a gap (NaN
shells break the line); with step bits 1, a skip of as many shells as the
next two characters say (steps past 4 are rare: the smooth stretch of a
curve before it falls)."""

from .curves import FSC_MASKS

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
BASE = len(ALPHABET)
LEVELS = 1023  # values 0..1022; 1023 marks a gap or a skip
LOW, HIGH = -0.2, 1.2
MOST_STEP = 4  # a point's own step, in its two step bits
GAP, SKIP = 0, 1  # the step bits of a non-point
PLOT_PX = (500, 300)  # the enlarged plot's drawing area, width by FSC 1.1 tall
TOLERANCE_PX = 0.25
PASSES = 4  # so a kept line strays at most PASSES * TOLERANCE_PX (1 px) from the curve


def kept_points(x, y, protected):
    """Positions of the points (x, y in drawing pixels) that keep the drawing of their lines: every other
    unprotected point whose distance to the line through its neighbours is at most TOLERANCE_PX goes, pass
    by pass. The first and last point of each line must be `protected`, so a point's neighbours are always
    of its own line and many lines are thinned in one go."""
    import numpy

    index = numpy.arange(len(x))
    for _ in range(PASSES):
        inner = numpy.arange(1, len(index) - 1, 2)
        inner = inner[~protected[index[inner]]]
        if not len(inner):
            break
        a, b, p = index[inner - 1], index[inner + 1], index[inner]
        dx, dy = x[b] - x[a], y[b] - y[a]
        deviation = numpy.abs(dx * (y[a] - y[p]) - (x[a] - x[p]) * dy) / numpy.maximum(numpy.hypot(dx, dy), 1e-9)
        keep = numpy.ones(len(index), dtype=bool)
        keep[inner[deviation <= TOLERANCE_PX]] = False
        if keep.all():
            break
        index = index[keep]
    return index


def encode_curves(curves: list) -> list:
    """Each curve (a list of numbers, None where NaN, or a float array) as text: per kept shell, its step from the last kept
    one and its value; runs of finite values apart from each other by a gap code. All the curves are
    thinned and coded together, in a few array operations whatever their number."""
    import numpy

    lengths = numpy.array([len(c) for c in curves], dtype=numpy.int64)
    if not lengths.sum():
        return ["" for _ in curves]
    values = numpy.concatenate([numpy.asarray(c, dtype=float) for c in curves])
    curve = numpy.repeat(numpy.arange(len(curves)), lengths)
    shell = numpy.arange(len(values)) - numpy.repeat(numpy.cumsum(lengths) - lengths, lengths)
    finite = numpy.flatnonzero(numpy.isfinite(values))
    # clamped before thinning: the line kept is the line drawn
    values, curve, shell = numpy.clip(values[finite], LOW, HIGH), curve[finite], shell[finite]
    # a run of finite values begins where the point before it is of another curve or not the shell before
    first = numpy.ones(len(finite), dtype=bool)
    first[1:] = (curve[1:] != curve[:-1]) | (shell[1:] != shell[:-1] + 1)
    last = numpy.roll(first, -1)
    last[-1:] = True
    x = shell * (PLOT_PX[0] / numpy.maximum(lengths[curve] - 1, 1))
    kept = kept_points(x, values * (PLOT_PX[1] / 1.1), first | last)
    curve, shell, values, first = curve[kept], shell[kept], values[kept], first[kept]
    new_curve = numpy.ones(len(kept), dtype=bool)
    new_curve[1:] = curve[1:] != curve[:-1]
    steps = shell - numpy.where(new_curve, -1, numpy.roll(shell, 1))  # the first point steps from shell -1
    gap = first & ~new_curve
    if (steps > BASE * BASE).any():  # a skip moves at most BASE**2 - 1 shells: a curve of 4,097 shells or more
        raise ValueError("an FSC curve of more than 4,096 shells")
    skip = steps > MOST_STEP
    levels = numpy.rint((values - LOW) / (HIGH - LOW) * (LEVELS - 1)).astype(numpy.int64)
    # each kept shell: [a gap] [a skip and its shells] its own code
    counts = 1 + gap + 2 * skip
    end = numpy.cumsum(counts)
    codes = numpy.empty(end[-1] if len(end) else 0, dtype=numpy.int64)
    codes[end - 1] = ((numpy.where(skip, 1, steps) - 1) << 10) | levels
    codes[end[skip] - 3], codes[end[skip] - 2] = SKIP << 10 | LEVELS, steps[skip] - 1
    codes[end[gap] - 1 - 2 * skip[gap] - 1] = GAP << 10 | LEVELS
    text = _text(codes)
    bounds = numpy.zeros(len(curves) + 1, dtype=numpy.int64)
    numpy.add.at(bounds, curve + 1, counts)
    bounds = 2 * numpy.cumsum(bounds)
    return [text[bounds[i]:bounds[i + 1]] for i in range(len(curves))]


def _text(codes) -> str:
    """Twelve-bit codes as two characters each."""
    import numpy

    alphabet = numpy.frombuffer(ALPHABET.encode(), dtype=numpy.uint8)
    pairs = numpy.empty(2 * len(codes), dtype=numpy.uint8)
    pairs[0::2], pairs[1::2] = alphabet[codes >> 6], alphabet[codes & 63]
    return pairs.tobytes().decode()


def _axis(frequencies: list) -> dict:
    """The frequency axis: first value and step where the shells are evenly spaced (as CryoSPARC's are),
    else every frequency; eight digits, more than a drawing needs."""
    import numpy

    axis = numpy.asarray(frequencies, dtype=float)
    if len(axis) > 1:
        step = (axis[-1] - axis[0]) / (len(axis) - 1)
        if numpy.abs(axis - (axis[0] + step * numpy.arange(len(axis)))).max() <= 1e-9 * abs(step):
            return {"x0": float(f"{axis[0]:.8g}"), "dx": float(f"{step:.8g}")}
    return {"x": [float(f"{f:.8g}") for f in frequencies]}


def compact_curves(jobs: list) -> list:
    """For each job's Curves (curves.record_curves): {axis, "c": [text per mask of FSC_MASKS, or None], "r":
    [resolution per mask, or None]}, or None when it has none to draw. Many jobs at once are coded at once."""
    texts = iter(encode_curves([c.fsc if c.values is None else c.values for curves in jobs for c in curves]))
    compacts = []
    for curves in jobs:
        if not curves:
            compacts.append(None)
            continue
        by_mask = {c.mask: (c, next(texts)) for c in curves}
        compact = _axis(curves[0].frequency_invA)
        compact["c"] = [by_mask[m][1] if m in by_mask else None for m in FSC_MASKS]
        compact["r"] = [float(f"{by_mask[m][0].resolution_A:.6g}") if m in by_mask and by_mask[m][0].resolution_A
                        else None for m in FSC_MASKS]
        compacts.append(compact)
    return compacts
