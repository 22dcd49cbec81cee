"""csx lint's checks of spec files: every problem in the files named (specs,
layouts, fragments through what extends them), and the warnings that are
likely mistakes but no error."""

from pathlib import Path

from ..errors import SpecError
from ..resources import specs_dir
from .jobtypes import job_type_warnings, public_job_types
from .layouts import load_layout
from .registry import Registry
from .specfile import check_spec


def spec_files(paths) -> tuple:
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
    specs, layouts = spec_files(paths)
    problems = []
    for file in layouts:
        try:
            load_layout(file)
        except SpecError as exc:
            problems.append(exc)
    try:
        registry = Registry(user_dirs, load_specs=False)
    except SpecError as exc:
        return problems + [exc]
    loaded, read = [], {}
    for file in specs:
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
        for file in specs:
            located = read.get(file, (None,))[0]
            if located is not None:
                warnings += job_type_warnings(located, public)
    return problems
