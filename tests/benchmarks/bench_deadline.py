"""What csx's per-request deadline (a thread per request, sources/deadline.py)
costs: the same job document fetched through the installed client with and
without it, side by side in one run against the look-alike.

    python -m tests.benchmarks.bench_deadline [--rounds 7] [--calls 100]
"""

import argparse
import tempfile
import time
from pathlib import Path

from extractor.sources.instance import Instance, client_generation
from tests.fixturegen import REFERENCE_PROJECTS, make_project
from tests.lookalike import start_server


def run(rounds: int = 7, calls: int = 100) -> dict:
    generation, tools_version = client_generation()
    fixture = REFERENCE_PROJECTS[{"4": "P30", "5": "P446"}[generation]]
    juid = next(job.uid for job in fixture.jobs if job.job_type == "nonuniform_refine_new")
    with tempfile.TemporaryDirectory() as root:
        make_project(Path(root), fixture.puid, fixture.title, fixture.jobs, fixture.dirname)
        with start_server(root, generation=generation) as server:
            instance = Instance(dict(server.instance_info), generation, tools_version, timeout=30)
            tools = instance.client
            asks = {"without": lambda call, *args, **kwargs: call(*args, **kwargs), "with": instance._ask}
            times = {name: [] for name in asks}
            fetched = {}
            for name, ask in asks.items():  # the same document both ways, or the figures compare nothing
                tools.ask = ask
                fetched[name] = tools.job_document(fixture.puid, juid)
            if fetched["with"] != fetched["without"]:
                raise SystemExit("the deadline changed the job document fetched")
            for _ in range(rounds):
                for name, ask in asks.items():  # interleaved, so that a busy moment hits both
                    tools.ask = ask
                    started = time.perf_counter()
                    for _ in range(calls):
                        tools.job_document(fixture.puid, juid)
                    times[name].append((time.perf_counter() - started) / calls)
    median = {name: sorted(values)[len(values) // 2] for name, values in times.items()}
    return {"tools": tools_version, **median, "ratio": median["with"] / median["without"]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=100)
    options = parser.parse_args(argv)
    result = run(options.rounds, options.calls)
    print(f"cryosparc-tools {result['tools']}: a job document takes {result['without'] * 1000:.2f} ms without "
          f"the deadline, {result['with'] * 1000:.2f} ms with it (x{result['ratio']:.3f})")


if __name__ == "__main__":
    main()
