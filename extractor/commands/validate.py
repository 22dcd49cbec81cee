"""csx validate: check record files (a JSON object, or JSON lines; `-` is
stdin) against their kind's schema. A file with no record, or a record that
is not strict JSON (NaN, Infinity, a number past a double), is a failure."""

from ..checks.recordfiles import records_in_file
from ..checks.records import UnknownKind, check_record, kind_schema
from ..errors import CsxError, RecordError
from ..language.registry import Registry


DESCRIPTION = ("Check records (a JSON object per file, or JSON lines; - for stdin) against their record kind's "
               "JSON Schema; one line per problem.")


def add_arguments(parser):
    parser.add_argument("records", nargs="+", metavar="RECORD.json", help="record files, or - for stdin")
    parser.add_argument("--kind", help="record kind, for records without a \"kind\" key")


def run(args, log) -> int:
    registry = Registry(args.specs, load_specs=False)
    checked, problems = 0, 0
    for name in args.records:
        where = "<stdin>" if name == "-" else name
        try:
            for number, record in records_in_file(name):
                checked += 1
                try:
                    _check(registry, record, f"{where}:{number}", args.kind)
                except RecordError as exc:
                    problems += 1
                    log.error(str(exc))
        except CsxError as exc:  # a file that cannot be read, has no record, or a line that is not JSON
            problems += 1
            log.error(str(exc))
    log.info(f"csx validate: {checked} record(s) checked, {problems} problem(s)")
    return 1 if problems else 0


def _check(registry: Registry, record, where: str, kind: str | None):
    try:
        _, schema = kind_schema(registry, record, kind)
    except UnknownKind as exc:
        raise RecordError(f"{where}: {exc}" + ("; say which with --kind" if exc.missing else "")) from None
    check_record(record, schema, origin=where)
