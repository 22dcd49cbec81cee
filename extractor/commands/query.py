"""csx query: one expression against one job's context, for spec authors."""

import json

from ..errors import DatasetError, FieldError, JobError
from ..language.registry import Registry
from ..run.jobquery import query_job
from ..run.selection import Selection, select

DESCRIPTION = ("Evaluate one JMESPath expression over a job's context (job, project, datasets.<output>, source; "
               "related.<alias> and lineage.<alias> where the spec names related jobs).")


def add_arguments(parser):
    parser.add_argument("expression", metavar="EXPR")
    parser.add_argument("job_dir", metavar="JOB_DIR")
    parser.add_argument("--spec", metavar="KIND",
                        help="see the job as the spec of this record kind does: its dataset aliases and related jobs "
                             "(related.<alias>, lineage.<alias>), e.g. --spec table1")
    parser.add_argument("--keys", action="store_true",
                        help="list what is under EXPR (keys and their types) instead of printing it whole")
    parser.add_argument("-r", "--raw", action="store_true", help="print a string as it is, not as JSON (jq -r)")


def run(args, log) -> int:
    registry = Registry(args.specs)
    (handle,) = select(registry, Selection((args.job_dir,))).handles
    try:
        value = query_job(args.expression, handle, registry, args.spec)
    except (JobError, DatasetError, FieldError) as exc:  # the job failed, as it would in csx extract
        log.error(f"csx: {exc}", exc_info=args.debug)
        return 1
    if args.keys:
        print("\n".join(outline(value)))
    elif args.raw and isinstance(value, str):
        print(value)
    else:
        print(json.dumps(value, indent=2))
    return 0


def _describe(value) -> str:
    """A value in a few words: its type, and its size or (for short scalars) itself."""
    if isinstance(value, dict):
        return f"object, {len(value)} keys"
    if isinstance(value, list):
        return f"array, {len(value)} items"
    text = json.dumps(value)
    return text if len(text) <= 60 else f"{type(value).__name__}, {text[:57]}..."


def outline(value) -> list:
    """One line per key of an object (or a summary of an array) under the queried path."""
    if isinstance(value, dict):
        width = max((len(key) for key in value), default=0)
        return [f"{key.ljust(width)}  {_describe(item)}" for key, item in value.items()]
    if isinstance(value, list):
        lines = [f"array, {len(value)} items"]
        if value:
            lines.append(f"[0]  {_describe(value[0])}")
            if isinstance(value[0], dict):
                lines += ["  " + line for line in outline(value[0])]
        return lines
    return [_describe(value)]
