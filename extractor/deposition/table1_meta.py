"""The rows of a Table 1 that CryoSPARC does not know (microscope, detector,
magnification, energy filter slit, exposure time, and rows of the user's own),
from a YAML file checked against schemas/table1.meta.schema.json:

    all:                          # every column
      microscope: Titan Krios G4
      detector: Falcon 4i
      magnification: 165000
      energy_filter_slit_eV: 10
      exposure_time_s: 2.6
      rows:
        - {label: Grid, value: Quantifoil R1.2/1.3 Au 300}
    jobs:                         # one column: P32/J10, or J10 where one project is tabled
      J10: {rows: [{label: EMDB entry, value: EMD-50123}]}

A job's own facts and rows replace those of `all` (a row by its label).
"""

from pathlib import Path

from ..checks.schemacheck import first_error, located_error, shipped_schema
from ..errors import UsageError
from ..language.yamllines import load_located

SCHEMA = "table1.meta.schema.json"
FACTS = ("microscope", "detector", "magnification", "energy_filter_slit_eV", "exposure_time_s")


def read_meta(meta) -> dict:
    """The meta facts: from a YAML file (a path), or a dict as the file would hold it (from Python). Either is
    checked against the schema; a problem is a SpecError naming the file, line and column (or UsageError)."""
    if meta is None:
        return {}
    if isinstance(meta, dict):
        problem = first_error(shipped_schema(SCHEMA), meta)
        if problem is not None:
            where = "/".join(str(p) for p in problem.absolute_path) or "(top level)"
            raise UsageError(f"meta: {where}: {problem.message}")
        return meta
    located = load_located(Path(meta))
    data = located.data if located.data is not None else {}
    problem = first_error(shipped_schema(SCHEMA), data)
    if problem is not None:
        raise located_error(located, problem, "table1 meta schema")
    return data


def facts_of(meta: dict, column_keys: list) -> dict:
    """{fact or ("row", label, unit): value} of one column: `all`, then the column's own entry, found under
    any of `column_keys` (P32/J10, J10)."""
    own = next((meta.get("jobs", {})[key] for key in column_keys if key in meta.get("jobs", {})), {})
    found = {}
    for part in (meta.get("all", {}), own):
        found.update({fact: part[fact] for fact in FACTS if fact in part})
        found.update({("row", row["label"], row.get("unit", "")): row["value"] for row in part.get("rows", ())})
    return found
