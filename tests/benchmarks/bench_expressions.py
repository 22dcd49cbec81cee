"""Evaluating a spec's expressions: jmespath's TreeInterpreter against csx's compiled closures, side by side.

Every field of the shipped map-info spec over every job of a benchmark project (tests/benchmarks/project.py),
with the job's documents and dataset columns loaded beforehand, so only expression evaluation is timed.
Each round evaluates all jobs once with the interpreter and once compiled, alternating; the figure is the
median round, in µs per job, for every field and apart for the fields that call functions (whose time is
mostly jmespath's argument type checks and the functions' own work, the same both ways). Both ways must
give the same values, or the run stops.

    python -m tests.benchmarks.bench_expressions [--jobs 1000] [--rounds 7] [--layout v4|v5]
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from jmespath.visitor import Options

from extractor.language.values import plain
from extractor.language.expressions import _walk
from extractor.language.functions import CsxFunctions
from extractor.language.registry import Registry
from extractor.run.datasets import load_datasets
from extractor.run.jobs import open_job
from extractor.sources.files import project_handles
from tests.benchmarks.project import SHAPES, make_benchmark_project


def interpreted(expression, scope, functions):
    return expression.parsed.search(scope, options=Options(custom_functions=functions))


def compiled(expression, scope, functions):
    return expression.search(scope, functions)


def prepared_jobs(project_dir: Path, registry: Registry) -> list:
    """(expressions, scope, functions) of each job, its datasets loaded."""
    jobs = []
    for handle in project_handles(project_dir, all_jobs=True):
        context = open_job(handle, registry.layouts)
        spec = registry.choose(context.key, "map-info")
        scope = context.scope(load_datasets(context, spec.datasets, spec.dataset_fields))
        jobs.append(([field.expression for field in spec.fields], scope, CsxFunctions(context, scope)))
    return jobs


def evaluate_all(jobs: list, way) -> list:
    return [[way(expression, scope, functions) for expression in expressions]
            for expressions, scope, functions in jobs]


def calls_functions(expression) -> bool:
    return any(node["type"] == "function_expression" for node in _walk(expression.parsed.parsed))


def timed(jobs: list, rounds: int) -> dict:
    """Median µs per job of each way, the ways alternating within each round."""
    times = {interpreted: [], compiled: []}
    for _ in range(rounds):
        for way in times:
            start = time.perf_counter()
            evaluate_all(jobs, way)
            times[way].append((time.perf_counter() - start) / len(jobs) * 1e6)
    return {way: statistics.median(values) for way, values in times.items()}


def run(jobs: int = 1000, rounds: int = 7, layout: str = "v4") -> dict:
    """Per-job times of every field, and of the fields that call no function and those that do."""
    shape = next(shape for shape in SHAPES if shape.layout == layout)
    with tempfile.TemporaryDirectory(prefix="csx-bench-expr-") as scratch:
        prepared = prepared_jobs(make_benchmark_project(Path(scratch), jobs, shape), Registry())
        # a first pass each (columns fill their lists on first use), and the same values both ways
        if plain(evaluate_all(prepared, interpreted)) != plain(evaluate_all(prepared, compiled)):
            raise SystemExit("the compiled expressions give other values than the interpreter")
        subsets = {"every field": lambda expression: True,
                   "fields calling no function": lambda expression: not calls_functions(expression),
                   "fields calling functions": calls_functions}
        rows = []
        for name, keep in subsets.items():
            subset = [([e for e in expressions if keep(e)], scope, functions)
                      for expressions, scope, functions in prepared]
            times = timed(subset, rounds)
            rows.append({"fields": name, "count": len(subset[0][0]), "interpreter": times[interpreted],
                         "compiled": times[compiled], "ratio": times[interpreted] / times[compiled]})
    return {"jobs": jobs, "shape": shape.name, "rows": rows}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--layout", choices=("v4", "v5"), default="v4")
    args = parser.parse_args(argv)
    result = run(args.jobs, args.rounds, args.layout)
    print(f"map-info spec over {result['jobs']} jobs ({result['shape']}), µs per job, median of {args.rounds} "
          "alternating rounds:")
    print(f"  {'':32} {'TreeInterpreter':>15} {'compiled':>9} {'ratio':>6}")
    for row in result["rows"]:
        print(f"  {row['fields'] + ' (' + str(row['count']) + ')':32} {row['interpreter']:15.1f} "
              f"{row['compiled']:9.1f} {row['ratio']:5.2f}x")


if __name__ == "__main__":
    main()
