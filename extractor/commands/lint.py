"""csx lint: check spec files, reporting every problem as file:line:col: message."""

from pathlib import Path

from ..errors import SpecError
from ..language.jobtypes import job_type_warnings, public_job_types
from ..language.layouts import load_layout
from ..language.registry import Registry
from ..language.specfile import check_spec, is_fragment
from ..resources import specs_dir
from ..run.joblint import job_problems
from ..sources.files import job_dir_handles

DESCRIPTION = "Check spec files; every problem as file:line:col: message."


def add_arguments(parser):
    parser.add_argument("paths", nargs="*", metavar="SPEC", help="spec files or folders (default: the shipped specs)")
    parser.add_argument("--job", metavar="JOB_DIR",
                        help="also run every spec that matches this job (with --specs folders) and report every "
                             "problem at once: records that break their schema, required fields that are null, "
                             "param() names the job does not know, field options misspelt")


def _files(paths) -> tuple:
    """(spec files, layout files) named by the arguments; a directory means its specs and layouts."""
    specs, layouts = [], []
    for path in map(Path, paths or [specs_dir()]):
        if path.is_dir():
            specs += sorted(path.glob("*.yaml"))
            layouts += sorted((path / "layouts").glob("*.yaml"))
        elif path.parent.name == "layouts":
            layouts.append(path)
        else:
            specs.append(path)
    return specs, layouts


def lint(paths, user_dirs=(), warnings=None) -> list:
    """Every problem found, as SpecErrors; with a `warnings` list, also what is likely a mistake but no
    error (a job type no public source names), appended to it as SpecWarnings."""
    spec_files, layout_files = _files(paths)
    problems = []
    for file in layout_files:
        try:
            load_layout(file)
        except SpecError as exc:
            problems.append(exc)
    try:
        registry = Registry(user_dirs, load_specs=False)
    except SpecError as exc:
        return problems + [exc]
    loaded, read = [], {}
    for file in spec_files:
        spec, found = check_spec(file, read)
        problems += found
        if spec is None:  # broken, or a fragment (checked, and checked again through what extends it)
            continue
        found = registry.spec_problems(spec)
        problems += found
        if not found:
            loaded.append(spec)
    problems += registry.ambiguities(loaded)
    if warnings is not None:
        try:
            public = public_job_types(user_dirs)
        except SpecError as exc:
            return problems + [exc]
        for file in spec_files:
            located = read.get(file, (None,))[0]
            if located is not None:
                warnings += job_type_warnings(located, public)
    return problems


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
    spec_files, layout_files = _files(args.paths)
    fragments = sum(1 for f in spec_files if is_fragment(f))
    print(f"csx lint: {len(spec_files) - fragments} spec(s), {fragments} fragment(s) and "
          f"{len(layout_files)} layout(s) are fine")
    return 0
