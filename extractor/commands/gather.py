"""Records for the picture commands (plot, fsc, report): the jobs named the
way `csx extract` takes them, extracted as the kinds a picture needs. A job
that fails is reported on its own line and left out; the others go on."""

from ..language.registry import Registry
from ..run.extraction import DEFAULT_STATUSES, Extraction, ExtractOptions, listed_statuses
from ..run.jobhandles import job_handles


def gather(args, kinds, log) -> tuple:
    """({kind: [record, ...]}, [labels of the jobs that failed]) for the jobs the arguments name (no --all,
    no --type: a picture command names its jobs, or takes the project's)."""
    registry = Registry(args.specs)
    handles = job_handles(args.jobs, args.project_dir, args.instance, args.project,
                          statuses=listed_statuses(args.status), timeout=args.timeout)
    found, failed = {kind: [] for kind in kinds}, []
    for kind in kinds:
        extraction = Extraction(registry, ExtractOptions(spec=kind, statuses=tuple(args.status or DEFAULT_STATUSES)))
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
