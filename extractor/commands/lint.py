"""csx lint: check spec files, reporting every problem as file:line:col: message."""

from pathlib import Path

from ..language.registry import Registry
from ..language.speclint import lint, spec_files
from ..language.specfile import is_fragment
from ..run.joblint import job_problems
from ..sources.files import job_dir_handles

DESCRIPTION = "Check spec files; every problem as file:line:col: message."


def add_arguments(parser):
    parser.add_argument("paths", nargs="*", metavar="SPEC", help="spec files or folders (default: the shipped specs)")
    parser.add_argument("--job", metavar="JOB_DIR",
                        help="also run every spec that matches this job (with --specs folders) and report every "
                             "problem at once: records that break their schema, required fields that are null, "
                             "param() names the job does not know, field options misspelt")


def _lint_job(args, log) -> int:
    (handle,) = job_dir_handles([Path(args.job)])
    origin, names, problems = job_problems(handle, Registry(args.specs))
    for problem in problems:
        print(problem)
    if problems:
        log.warning(f"csx lint: {origin}: {len(problems)} problem(s)")
        return 1
    print(f"csx lint: {origin}: {', '.join(names)}: fine")
    return 0


def run(args, log) -> int:
    if args.job:
        if args.paths:
            code = _lint_files(args, log)
            return max(code, _lint_job(args, log))
        return _lint_job(args, log)
    return _lint_files(args, log)


def _lint_files(args, log) -> int:
    warnings = []
    problems = lint(args.paths, args.specs, warnings)
    for problem in problems:
        print(problem)
        if problem.detail:
            print(problem.detail)
    # after the problems, in the same report; only problems decide the exit status
    for warning in warnings:
        print(warning)
    if problems:
        log.warning(f"csx lint: {len(problems)} problem(s)")
        return 1
    specs, layouts = spec_files(args.paths)
    fragments = sum(1 for f in specs if is_fragment(f))
    print(f"csx lint: {len(specs) - fragments} spec(s), {fragments} fragment(s) and "
          f"{len(layouts)} layout(s) are fine")
    return 0
