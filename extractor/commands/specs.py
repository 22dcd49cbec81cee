"""csx specs: every spec, its record kind, layout, version range and job types;
with --explain JOB_DIR, which spec a job gets and why each other one does not."""

from pathlib import Path

from ..errors import JobError
from ..language.registry import Registry
from ..run.jobs import open_job
from ..run.related import RelatedJobs
from ..sources.files import job_dir_handles

DESCRIPTION = ("List the specs (shipped, and those of --specs folders) with their record kind, layout, "
               "CryoSPARC versions and job types; with --explain, which spec a job gets and why.")


def add_arguments(parser):
    parser.add_argument("--explain", metavar="JOB_DIR",
                        help="say which spec matches this job, and why the others do not (exit 1 if none does)")


def _table(rows):
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])


def _explain(registry: Registry, job_dir: str) -> bool:
    """Print which spec the job gets and why each other does not; False when none matches."""
    (handle,) = job_dir_handles([Path(job_dir)])
    context = open_job(handle, registry.layouts)
    print(f"{context.origin}: {context.key}")
    verdicts = registry.explain(context.key)
    for spec, reason in verdicts:
        verdict = f"does not match: {reason}" if reason else \
            f"matches when asked for (--spec {spec.kind})" if spec.on_request else "matches"
        print(f"  {spec.name} ({spec.file}) {verdict}")
    if not any(reason is None for _, reason in verdicts):
        print("  no spec matches this job")
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
    return any(reason is None for _, reason in verdicts)


def run(args, log) -> int:
    registry = Registry(args.specs)
    if args.explain:
        try:
            return 0 if _explain(registry, args.explain) else 1  # the one job asked about: done, or failed
        except JobError as exc:
            log.error(f"csx: {exc}", exc_info=args.debug)
            return 1
    rows = [("SPEC", "KIND", "LAYOUT", "CRYOSPARC", "JOB TYPES", "FILE")]
    for spec in registry.specs:
        rows.append((spec.name, spec.kind, spec.layout, spec.cryosparc_text or "any",
                     ", ".join(spec.job_types), str(spec.file)))
    _table(rows)
    return 0
