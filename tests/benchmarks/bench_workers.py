"""Speed-up of concurrent workers over one, against a running instance.

The look-alike server adds a fixed delay to every request, standing in for
a real instance's latency; csx extracts the same project with --workers 1
and --workers 8, side by side in one run, and prints the ratio.

    python -m tests.benchmarks.bench_workers [--jobs 50] [--delay 0.02]
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

import cryosparc

from extractor.cli import main
from tests.fixturegen import JobFixture, make_project
from tests.lookalike import start_server

GENERATION = cryosparc.__version__.split(".")[0]


def refinements(count: int) -> list:
    layout = f"v{GENERATION}"
    return [JobFixture(f"J{100 + n}", "nonuniform_refine_new", layout=layout, box=256, psize_A=1.05,
                       particle_count=100000 + n, iteration=5, gsfsc_A=3.0 + n / 100, guinier_bfactor=-90.0,
                       parents=(("particles", "J10", "particles"), ("volume", "J11", "volume")))
            for n in range(count)]


def timed_run(info_file: Path, out_dir: Path, workers: int) -> float:
    started = time.perf_counter()
    code = main(["extract", "--instance", str(info_file), "--project", "P1", "--all",
                 "--workers", str(workers), "-o", str(out_dir)])
    elapsed = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"csx exited {code}")
    return elapsed


def run(jobs: int, delay: float) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        make_project(root / "projects", "P1", "Benchmark", refinements(jobs))
        with start_server(root / "projects", generation=GENERATION, delay_s=delay) as server:
            info_file = root / "info.json"
            info_file.write_text(json.dumps(server.instance_info))
            serial = timed_run(info_file, root / "one", 1)
            parallel = timed_run(info_file, root / "eight", 8)
        records = {folder: {path.name: path.read_bytes() for path in (root / folder).glob("*.json")}
                   for folder in ("one", "eight")}
    return {"jobs": jobs, "written": len(records["eight"]), "same": records["one"] == records["eight"],
            "delay_s": delay, "workers_1_s": serial, "workers_8_s": parallel, "speedup": serial / parallel}


def cli(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.02, help="seconds the server waits per request")
    args = parser.parse_args(argv)
    result = run(args.jobs, args.delay)
    print(f"cryosparc-tools {cryosparc.__version__}: {result['jobs']} jobs, {result['delay_s'] * 1000:.0f} ms "
          f"per request: 1 worker {result['workers_1_s']:.2f} s, 8 workers {result['workers_8_s']:.2f} s, "
          f"speed-up {result['speedup']:.1f}x; {result['written']} records written, the same both ways: "
          f"{'yes' if result['same'] else 'NO'}")


if __name__ == "__main__":
    cli()
