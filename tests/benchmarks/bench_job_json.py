"""Parsing job.json: csx's parser against an earlier revision's and the standard library, side by side.

A refinement's job.json of about 150 KB (twice that indented), written by the fixture generators
compact and indented, with and without NaN/Infinity in its statistics. For each shape: the parse time
of this tree's parse_job_json, of parse_job_json at --baseline (a git revision; "fails" where it
cannot read the shape), and of the general path alone (the standard library with hooks), each the
best of several rounds run in alternation, and the ratios.

    python -m tests.benchmarks.bench_job_json [--baseline 41b6125] [--rounds 7]
"""

import argparse
import subprocess
import tempfile
import time
import types
from pathlib import Path

from extractor.sources.jobjson import parse_exact, parse_job_json
from tests.fixturegen import JobFixture, Variant, make_project

# main before job.json parsing learned whitespace-free extended JSON, NaN and exact integers
BASELINE = "41b6125"
JOB = JobFixture("J180", "nonuniform_refine_new", box=660, psize_A=0.9681428670883179, particle_count=656974,
                 iteration=25, gsfsc_A=2.2814612388610840, guinier_bfactor=-78.3,
                 parents=(("particles", "J170", "particles"), ("volume", "J165", "volume")))
SHAPES = {
    "compact": Variant("compact"),
    "indented": Variant("indented", job_json="indented"),
    "compact, NaN": Variant("compact-nan", nonfinite_stats=True),
    "indented, NaN": Variant("indented-nan", job_json="indented", nonfinite_stats=True),
}


def documents(root: Path) -> dict:
    return {name: (make_project(root / variant.name, "P30", "Benchmark", [JOB], variant=variant) / "J180" /
                   "job.json").read_bytes() for name, variant in SHAPES.items()}


def baseline_parser(revision: str):
    """parse_job_json as it was at `revision`, or None where this checkout does not hold it (a shallow clone,
    an unpacked archive)."""
    for path in ("extractor/sources/jobjson.py", "extractor/sources/__init__.py"):  # the parser's home, then its old one
        shown = subprocess.run(["git", "show", f"{revision}:{path}"], capture_output=True, text=True,
                               cwd=Path(__file__).parent)
        if shown.returncode == 0 and "def parse_job_json" in shown.stdout:
            break
    else:
        return None
    module = types.ModuleType("baseline_sources")
    module.__package__ = "extractor.sources"  # its relative imports (..uids) are of the installed package
    exec(compile(shown.stdout, f"{revision}:{path}", "exec"), module.__dict__)
    return module.parse_job_json


def best_time(parse, data: bytes, repeat: int) -> float | None:
    """Seconds per parse, or None when the parser cannot read the document."""
    try:
        parse(data)
    except ValueError:
        return None
    started = time.perf_counter()
    for _ in range(repeat):
        parse(data)
    return (time.perf_counter() - started) / repeat


def run(baseline: str, rounds: int, repeat: int) -> list:
    """One row per shape: its size and the seconds per parse of each parser (None: it cannot read the shape;
    no "old" where the baseline revision is not in this checkout)."""
    parsers = {"new": parse_job_json, "old": baseline_parser(baseline), "stdlib": parse_exact}
    if parsers["old"] is None:
        del parsers["old"]
    with tempfile.TemporaryDirectory() as scratch:
        docs = documents(Path(scratch))
    rows = []
    for shape, data in docs.items():
        times = {name: [] for name in parsers}
        for _ in range(rounds):
            for name, parse in parsers.items():
                times[name].append(best_time(parse, data, repeat))
        best = {name: None if None in t else min(t) for name, t in times.items()}
        rows.append({"shape": shape, "bytes": len(data), **best})
    return rows


def _ms(seconds, missing="fails") -> str:
    return missing if seconds is None else f"{seconds * 1000:.2f} ms"


def _ratio(slow, fast) -> str:
    return "-" if slow is None or fast is None else f"{slow / fast:.2f}x"


def cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=20, help="parses per timing")
    args = parser.parse_args(argv)
    print(f"{'shape':<15} {'size':>9} {'new':>10} {'old':>10} {'stdlib':>10} {'old/new':>8} {'stdlib/new':>10}")
    rows = run(args.baseline, args.rounds, args.repeat)
    for row in rows:
        old = _ms(row.get("old"), "fails" if "old" in row else "-")
        print(f"{row['shape']:<15} {row['bytes'] / 1000:>6.0f} KB {_ms(row['new']):>10} {old:>10} "
              f"{_ms(row['stdlib']):>10} {_ratio(row.get('old'), row['new']):>8} "
              f"{_ratio(row['stdlib'], row['new']):>10}")
    if "old" not in rows[0]:
        print(f"(no old: revision {args.baseline} is not in this checkout)")


if __name__ == "__main__":
    cli()
