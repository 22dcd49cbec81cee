"""csx specs: every spec, its record kind, layout, version range and job types."""

from ..registry import Registry


def run(args, log) -> int:
    registry = Registry(args.specs)
    rows = [("SPEC", "KIND", "LAYOUT", "CRYOSPARC", "JOB TYPES", "FILE")]
    for spec in registry.specs:
        rows.append((spec.name, spec.kind, spec.layout, spec.cryosparc_text or "any",
                     ", ".join(spec.job_types), str(spec.file)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    return 0
