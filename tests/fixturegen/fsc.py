"""FSC statistics as CryoSPARC stores them in a volume output's summary stats.

Each curve is a list of N/2+1 floats that falls sigmoidally from 1 to about 0
and crosses 0.143 at its mask's resolution; the scalar `radwn_<curve>_A`
holds that resolution. The last curve of a layout is the noise-substituted
(corrected) one and its scalar equals `radwn_final_A`, the GSFSC. v4
documents also hold `fsc_noisesub_raw` and `fsc_noisesub_true`, the curves the
correction is computed from (no scalar of their own); v5 documents hold
`fsc_autotight` and `fsc_autotight_noisesub_raw` for it. CryoSPARC 4.0 to 4.2 add
`fsc_info_autotight`, the curves with the auto-tightened mask, beside
`fsc_info_best`.

The curves' names go by the generation that wrote the statistics, which is
not always the document's layout: a job of an instance upgraded to v5 keeps
the v4 names in a v5 document, and v4-shaped documents seen in 2026 carry the
v5 names. Which dicts the statistics hold (`DICTS`) varies as well.

With `nonfinite`, the curves hold what Python's json writes for a division by
zero: every curve's corner shell is NaN, and the corrected curve's first shell
(where the randomized FSC is 1) is Infinity.
"""

from __future__ import annotations

import math
import random
from typing import Any

# Curve names by the generation that wrote them, coarsest mask first, corrected curve last.
CURVES = {
    "v4": ("nomask", "sphericalmask", "loosemask", "tightmask", "noisesub"),
    "v5": ("nomask", "sphericalmask", "loosemask", "resmask", "autotight_noisesub"),
}
# Resolution of each curve relative to the GSFSC (same order as CURVES).
MASK_FACTORS = (1.35, 1.2, 1.1, 1.02, 1.0)
# `fsc_info` describes the last iteration, which here is a hair worse than the
# best one (`fsc_info_best`), so reading the wrong key gives a different number.
LAST_ITERATION_FACTOR = 1.006
THRESHOLD = 0.143
# v4 also stores the two curves the noise-substituted one is computed from;
# the phase-randomized maps decorrelate at this multiple of the GSFSC.
RANDOMIZATION_FACTOR = 2.2
# CryoSPARC 4.0-4.2's auto-tightened mask gives a resolution a little off the best one.
AUTOTIGHT_FACTOR = 1.013
# The iteration before the last, in a 4.0-4.2 document's list of summary statistics.
PREVIOUS_ITERATION_FACTOR = 1.041
# Which FSC dicts the statistics hold:
#   best            fsc_info (the last iteration) and fsc_info_best, the one reported (4.3 on, v5)
#   best+autotight  and fsc_info_autotight, the auto-tightened mask's (4.0-4.2)
#   autotight       fsc_info and fsc_info_autotight only, which is then the one reported, with no
#                   radwn_final_A (4.0-4.2, as a 4.x-era reader of summary_stats[-1] expects)
#   single          one fsc_info with everything, the one reported (v4-shaped documents seen in 2026)
DICTS = ("best", "best+autotight", "autotight", "single")


def expected_mask_resolutions(gsfsc_A: float, layout: str) -> dict[str, float]:
    """`radwn_<curve>_A` of `fsc_info_best`, by curve name (e.g. "nomask")."""
    names = CURVES[layout]
    values = [round(gsfsc_A * f, 4) for f in MASK_FACTORS[:-1]] + [gsfsc_A]
    return dict(zip(names, values))


def fsc_curve(box: int, psize_A: float, resolution_A: float) -> list[float]:
    crossing = box * psize_A / resolution_A  # shell index of the 0.143 crossing
    width = max(1.5, crossing / 12)
    centre = crossing - width * math.log(1 / THRESHOLD - 1)
    noise = random.Random(f"{box}/{psize_A}/{resolution_A}")
    curve = [1.0]
    for k in range(1, box // 2 + 1):
        value = 1 / (1 + math.exp((k - centre) / width))
        # past the crossing an FSC wanders around zero rather than vanishing
        curve.append(value + noise.gauss(0, 0.012) if value < 0.05 else value)
    return curve


def fsc_info(box: int, psize_A: float, gsfsc_A: float, names: str, nonfinite: bool = False,
             final: bool = True) -> dict[str, Any]:
    """One `fsc_info` dict: N, psize, the curves under `names` ("v4" or "v5", see CURVES), radwns and the
    scalars; `final=False` leaves out radwn_final_A."""
    info: dict[str, Any] = {"N": box, "psize": psize_A}
    for name, res in expected_mask_resolutions(gsfsc_A, names).items():
        if name == "noisesub":
            info["fsc_noisesub_raw"] = fsc_curve(box, psize_A, gsfsc_A * RANDOMIZATION_FACTOR)
            info["fsc_noisesub_true"] = info["fsc_tightmask"]
        if name == "autotight_noisesub":
            info["fsc_autotight"] = info["fsc_resmask"]
            info["fsc_autotight_noisesub_raw"] = fsc_curve(box, psize_A, gsfsc_A * RANDOMIZATION_FACTOR)
        info[f"fsc_{name}"] = fsc_curve(box, psize_A, res)
        if name == "nomask":
            info["radwns"] = list(range(box // 2 + 1))
        info[f"radwn_{name}_A"] = res
    if final:
        info["radwn_final_A"] = gsfsc_A
    if nonfinite:
        for key, curve in info.items():
            if key.startswith("fsc_"):
                info[key] = curve[:-1] + [math.nan]
        info[f"fsc_{CURVES[names][-1]}"][0] = math.inf
    return info


def volume_summary_stats(
    box: int,
    psize_A: float,
    gsfsc_A: float,
    names: str,
    iteration: int,
    cfar: float | None = None,
    guinier_bfactor: float | None = None,
    dicts: str = "best",
    nonfinite: bool = False,
) -> dict[str, Any]:
    """`latest_summary_stats` of a refinement's volume output; `version` is the iteration they describe.
    `names`: the curves' names ("v4" or "v5"); `dicts`: which FSC dicts they hold (see DICTS)."""
    if dicts not in DICTS:
        raise ValueError(f"dicts: {dicts!r} is none of {DICTS}")
    last = round(gsfsc_A * LAST_ITERATION_FACTOR, 4)
    stats: dict[str, Any] = {}
    if cfar is not None:
        stats["cfar"] = cfar
    stats["extent"] = round(0.62 * box * psize_A, 2)
    if dicts == "single":
        stats["fsc_info"] = fsc_info(box, psize_A, gsfsc_A, names, nonfinite)
    else:
        stats["fsc_info"] = fsc_info(box, psize_A, last, names, nonfinite)
    if dicts.startswith("best"):
        stats["fsc_info_best"] = fsc_info(box, psize_A, gsfsc_A, names, nonfinite)
    if dicts == "best+autotight":
        stats["fsc_info_autotight"] = fsc_info(box, psize_A, round(gsfsc_A * AUTOTIGHT_FACTOR, 4), names, nonfinite)
    if dicts == "autotight":
        stats["fsc_info_autotight"] = fsc_info(box, psize_A, gsfsc_A, names, nonfinite, final=False)
    if guinier_bfactor is not None:
        stats["guinier_bfactor"] = guinier_bfactor
    stats["processed_fraction"] = 1.0
    stats["version"] = iteration
    return stats
