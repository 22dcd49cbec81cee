"""The CryoSPARC job type names public sources show, and the warning a spec
gets for naming another one.

A misspelt job type (`var3D` for `var_3D`) matches no job and fails nothing:
the job is silently left out. The shipped list, specs/names/job-types.yaml,
holds every name a public source shows, each with its source; a folder of
the user's own specs may add its site's names in DIR/names/job-types.yaml.
"""

import difflib
from dataclasses import dataclass
from pathlib import Path

from ..errors import named
from ..resources import specs_dir
from .yamllines import Located, load_located

NAMES_FILE = Path("names") / "job-types.yaml"
SHOWN_NAMES_FILE = "specs/names/job-types.yaml"  # as a message names the shipped list


@dataclass(frozen=True)
class SpecWarning:
    """Something in a spec file that is not an error but is likely a mistake; `csx lint` shows it
    and its exit status does not change."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self):
        return f"{self.file}:{self.line}:{self.col}: warning: {self.message}"


def public_job_types(user_dirs=()) -> frozenset:
    """The names of the shipped list and of each user folder's own list (a folder need not have one).
    A list that is not a mapping under `job_types:` is a SpecError naming the file."""
    names = set()
    for directory in [specs_dir(), *map(Path, user_dirs)]:
        file = directory / NAMES_FILE
        if directory != specs_dir() and not file.is_file():
            continue
        located = load_located(file)
        table = located.data.get("job_types") if isinstance(located.data, dict) else None
        if not isinstance(table, dict) or not all(isinstance(name, str) for name in table):
            raise located.error(("job_types",), "job_types: a mapping from job type names to their sources "
                                                "was expected")
        names |= set(table)
    return frozenset(names)


def job_type_warnings(located: Located, public: frozenset) -> list:
    """A SpecWarning for each job type that one spec file names in match.job_types or in a
    related.<alias>.job_types list and no public source does."""
    data = located.data if isinstance(located.data, dict) else {}
    match = data.get("match") if isinstance(data.get("match"), dict) else {}
    places = [(("match", "job_types"), match.get("job_types"))]
    related = data.get("related") if isinstance(data.get("related"), dict) else {}
    places += [(("related", alias, "job_types"), decl.get("job_types"))
               for alias, decl in related.items() if isinstance(decl, dict)]
    warnings = []
    for path, names in places:
        for index, name in enumerate(names if isinstance(names, list) else ()):
            if isinstance(name, str) and name not in public:
                line, col = located.value_position(path + (index,))
                warnings.append(SpecWarning(str(located.file), line, col, unknown_job_type(name, public)))
    return warnings


def unknown_job_type(name: str, public: frozenset) -> str:
    by_lower = {known.lower(): known for known in public}
    close = difflib.get_close_matches(name.lower(), sorted(by_lower), n=1)
    hint = f" (did you mean {by_lower[close[0]]}?)" if close else ""
    return (f"job type {named(name)} is named by no public source csx knows ({SHOWN_NAMES_FILE}); "
            f"check the spelling{hint}")
