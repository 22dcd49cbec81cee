"""csx specs: every spec, its record kind, layout, version range and job types;
with --explain JOB_DIR, which spec a job gets and why each other one does not;
with --coverage, the record kinds of each job type; with --kinds, the job
types of each record kind (--markdown: as a Markdown table, the README's)."""

from pathlib import Path

from ..errors import JobError, NoSpecError, UsageError
from ..language.coverage import kind_coverage, type_coverage
from ..language.registry import Registry
from ..run.jobs import open_job
from ..run.related import RelatedJobs
from ..sources.files import job_dir_handles

DESCRIPTION = ("List the specs (shipped, and those of --specs folders) with their record kind, layout, "
               "CryoSPARC versions and job types; with --explain, which spec a job gets and why; with "
               "--coverage, which record kinds each job type gets; with --kinds, the job types of each kind.")


def add_arguments(parser):
    parser.add_argument("--explain", metavar="JOB_DIR",
                        help="say which spec makes this job's record, and why the others do not (exit 1 if none does "
                             "by default)")
    parser.add_argument("--coverage", action="store_true",
                        help="for each job type, the record kinds made of its jobs: by default, and on request")
    parser.add_argument("--kinds", action="store_true",
                        help="for each record kind, what it is and the job types it reads")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")


def _table(rows, markdown=False):
    if markdown:
        escaped = [[cell.replace("|", "\\|") for cell in row] for row in rows]
        print("| " + " | ".join(escaped[0]) + " |")
        print("|" + "|".join(":---" for _ in rows[0]) + "|")
        for row in escaped[1:]:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])


def _coverage_rows(registry: Registry, markdown: bool) -> list:
    code = (lambda text: f"`{text}`") if markdown else (lambda text: text)
    rows = [("JOB TYPE", "RECORD", "ON REQUEST")]
    for row in type_coverage(registry):
        rows.append((code(row.job_type) if row.job_type else "(any other type)",
                     ", ".join(row.default) or "-", ", ".join(row.on_request) or "-"))
    return rows


def _kind_rows(registry: Registry, markdown: bool) -> list:
    code = (lambda text: f"`{text}`") if markdown else (lambda text: text)
    rows = [("KIND", "MADE", "LAYOUTS", "JOB TYPES", "WHAT IT HOLDS")]
    for row in kind_coverage(registry):
        types = "any" if row.any_type else ", ".join(code(t) for t in row.job_types)
        rows.append((code(row.kind), "on request" if row.on_request else "by default", ", ".join(row.layouts),
                     types, row.description))
    return rows


def _explain(registry: Registry, job_dir: str) -> bool:
    """Print which spec the job gets and why each other does not; False when no spec makes its record by
    default (specs made on request, such as job's, may still match it)."""
    (handle,) = job_dir_handles([Path(job_dir)])
    context = open_job(handle, registry.layouts)
    print(f"{context.origin}: {context.key}")
    verdicts = registry.explain(context.key)
    for spec, reason in verdicts:
        verdict = f"does not match: {reason}" if reason else \
            f"matches when asked for (--spec {spec.kind})" if spec.on_request else "matches"
        print(f"  {spec.name} ({spec.file}) {verdict}")
    matching = [spec for spec, reason in verdicts if reason is None]
    try:  # of several that match, the one of a user's folder, or the one naming the job's type
        chosen = registry.choose(context.key)
        print(f"  the job's record is made by {chosen.name} ({chosen.file})")
    except NoSpecError as exc:
        chosen = None
        asked = ", ".join(f"{spec.name} (--spec {spec.kind})" for spec in matching if spec.on_request)
        if not matching:
            print("  no spec matches this job")
        elif all(spec.on_request for spec in matching):
            print(f"  no spec makes this job's record by default; made when asked for: {asked}")
        else:
            print(f"  {exc}")
    related = RelatedJobs(registry)
    for spec in (spec for spec, reason in verdicts if reason is None and spec.related):
        print(f"{spec.name}: related jobs")
        for alias, relation in spec.related.items():
            walk = related.walk(context, relation)
            found = ", ".join(node.uid for node in walk.matches) or "none"
            print(f"  {alias}: {relation.describe()}: {found}")
            for step in walk.steps:
                items = f" ({step['num_items']:,} items)" if step["num_items"] is not None else ""
                via = f" <- {step['input']}{items}" if step["input"] else ""
                note = f"  [{step['note']}]" if "note" in step else ""
                print(f"    {step['juid']} {step['type']}{via}{note}")
    return chosen is not None


def run(args, log) -> int:
    if sum(map(bool, (args.explain, args.coverage, args.kinds))) > 1:
        raise UsageError("give one of --explain, --coverage and --kinds")
    if args.markdown and not (args.coverage or args.kinds):
        raise UsageError("--markdown goes with --coverage or --kinds")
    registry = Registry(args.specs)
    if args.coverage or args.kinds:
        _table((_coverage_rows if args.coverage else _kind_rows)(registry, args.markdown), args.markdown)
        return 0
    if args.explain:
        try:
            return 0 if _explain(registry, args.explain) else 1  # the one job asked about: done, or failed
        except JobError as exc:
            log.error(f"csx: {exc}", exc_info=args.debug)
            return 1
    rows = [("SPEC", "KIND", "LAYOUT", "CRYOSPARC", "JOB TYPES", "FILE")]
    for spec in registry.specs:
        rows.append((spec.name, spec.kind, spec.layout, spec.cryosparc_text or "any", spec.types_text,
                     str(spec.file)))
    _table(rows)
    return 0
