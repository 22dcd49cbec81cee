"""Records for the picture commands (plot, fsc, report): the jobs named the
way `csx extract` takes them, extracted as the kinds a picture needs. A job
that fails is reported on its own line and left out; the others go on."""

from ..language.registry import Registry
from ..run.extraction import Extraction
from .extract import handles_from_args, options_from_args


def gather(args, kinds, log) -> tuple:
    """({kind: [record, ...]}, [labels of the jobs that failed]) for the jobs the arguments name."""
    registry = Registry(args.specs)
    handles = handles_from_args(args, registry)
    found, failed = {kind: [] for kind in kinds}, []
    for kind in kinds:
        extraction = Extraction(registry, options_from_args(args, spec=kind))
        for outcome in map(extraction, handles):
            if outcome.record is not None:
                found[kind].append(outcome.record)
            elif outcome.skipped:
                log.info(f"csx: skipped {outcome.label}: {outcome.skipped}")
            elif outcome.label not in failed:
                failed.append(outcome.label)
                log.error(str(outcome.error), exc_info=(type(outcome.error), outcome.error,
                                                        outcome.error.__traceback__) if args.debug else None)
    return found, failed
