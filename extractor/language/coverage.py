"""What the specs cover, at a glance: for each job type the record kinds made
of its jobs, and for each record kind the job types it reads. Both come from
the specs alone (their kinds, layouts, job types and on_request), so
`csx specs --coverage` and the README's list of kinds say what the specs
say."""

from dataclasses import dataclass

from ..checks.schemacheck import read_schema
from .registry import Registry


@dataclass(frozen=True)
class TypeCoverage:
    """The kinds made of one job type's jobs: `job_type` is None for a type no spec names."""

    job_type: str | None
    default: tuple  # kinds made by default (csx extract without --spec), with their layouts
    on_request: tuple  # kinds made when asked for (--spec KIND)


@dataclass(frozen=True)
class KindCoverage:
    kind: str
    description: str  # the first sentence of the record schema's description
    on_request: bool
    layouts: tuple
    job_types: tuple  # () with any_type
    any_type: bool


def _with_layouts(specs) -> tuple:
    """("map-info (v4, v5)", ...): each kind once, with the layouts its specs read."""
    layouts = {}
    for spec in specs:
        layouts.setdefault(spec.kind, set()).add(spec.layout)
    return tuple(f"{kind} ({', '.join(sorted(found))})" for kind, found in sorted(layouts.items()))


def type_coverage(registry: Registry) -> list:
    """A TypeCoverage per job type some spec names, in name order, then one for every other type."""
    named = sorted({t for spec in registry.specs for t in spec.job_types})
    rows = []
    for job_type in named + [None]:
        covering = [s for s in registry.specs if s.any_type or (job_type is not None and job_type in s.job_types)]
        # a spec naming the type is the default over one of any type (registry.choose)
        default = [s for s in covering if not s.on_request]
        if any(not s.any_type for s in default):
            default = [s for s in default if not s.any_type]
        rows.append(TypeCoverage(job_type, _with_layouts(default),
                                 _with_layouts(s for s in covering if s.on_request)))
    return rows


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def kind_coverage(registry: Registry) -> list:
    """A KindCoverage per record kind, in name order."""
    kinds = {}
    for spec in registry.specs:
        kinds.setdefault(spec.kind, []).append(spec)
    rows = []
    for kind, specs in sorted(kinds.items()):
        schema = read_schema(registry.record_schema(kind))
        any_type = any(s.any_type for s in specs)
        rows.append(KindCoverage(
            kind=kind,
            description=_first_sentence(schema.get("description", "")),
            on_request=all(s.on_request for s in specs),
            layouts=tuple(sorted({s.layout for s in specs})),
            job_types=() if any_type else tuple(sorted({t for s in specs for t in s.job_types})),
            any_type=any_type,
        ))
    return rows
