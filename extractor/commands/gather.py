"""Records for the picture commands (plot, fsc): the jobs named the way `csx extract` takes them,
extracted by the batch runner as the kinds a picture needs. A job that fails is reported on its own
line and left out; the others go on."""

from ..language.registry import Registry
from ..run.batch import Batch, BatchOptions
from ..run.selection import select
from .extract import selection_from_args


def gather(args, kinds, log) -> tuple:
    """({kind: [record, ...]}, [labels of the jobs that failed]) for the jobs the arguments name (no --all,
    no --type: a picture command names its jobs, or takes the project's)."""
    registry = Registry(args.specs)
    jobs = select(registry, selection_from_args(args))
    found, failed = {kind: [] for kind in kinds}, []
    for kind in kinds:
        options = BatchOptions(spec=kind, in_process=args.debug)
        for outcome in Batch(registry, jobs, options).run():
            if outcome.record is not None:
                found[kind].append(outcome.record)
            elif outcome.skipped:
                log.info(f"csx: skipped {outcome.label}: {outcome.skipped}")
            elif outcome.label not in failed:
                failed.append(outcome.label)
                log.error(str(outcome.error), exc_info=(type(outcome.error), outcome.error,
                                                        outcome.error.__traceback__) if args.debug else None)
    return found, failed
