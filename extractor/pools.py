"""Working on many jobs at once, results in order and memory bounded:
threads for an instance (the time goes in waiting on the network), processes
for files on disk (the time goes in parsing, which threads cannot share),
and no pool at all for one worker."""

import signal
from collections import deque

from .errors import CsxError

_process_extraction = None  # each worker process's own Extraction


def _start_process(args, stored):
    global _process_extraction
    from .extraction import Extraction
    from .registry import Registry

    # Ctrl-C is the main process's to handle: it stops the pool and keeps what was written
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _process_extraction = Extraction(args, Registry(args.specs), stored)


def _extract_in_process(handle):
    outcome = _process_extraction(handle)
    if outcome.error is not None:
        # csx's errors carry their own constructor arguments and would not unpickle as they are
        outcome.error = CsxError(str(outcome.error))
    return outcome


def open_pool(kind: str, workers: int, extraction, args, stored):
    """(pool or None, the function to map over job handles)."""
    if workers <= 1:
        return None, extraction
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    if kind == "processes":
        return ProcessPoolExecutor(workers, initializer=_start_process, initargs=(args, stored)), _extract_in_process
    return ThreadPoolExecutor(workers), extraction


def ordered_map(pool, function, items, window: int):
    """pool.map's results in order, with at most `window` jobs in flight, so
    memory does not grow with the number of jobs; without a pool, one by one
    in this thread (no hand-over cost when there is nothing to overlap)."""
    if pool is None:
        yield from map(function, items)
        return
    pending = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


