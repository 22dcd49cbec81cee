"""Working on many jobs at once, results in order and memory bounded:
threads for an instance (the time goes in waiting on the network), processes
for files on disk (the time goes in parsing, which threads cannot share),
and no pool at all for one worker."""

import signal
from collections import deque

_process_extraction = None  # each worker process's own Extraction


def _start_process(spec_dirs, options, stored):
    global _process_extraction
    from .extraction import Extraction
    from .registry import Registry

    # Ctrl-C is the main process's to handle: it stops the pool and keeps what was written
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _process_extraction = Extraction(Registry(spec_dirs), options, stored)


def _extract_in_process(handle):
    return _process_extraction(handle)  # csx's errors pickle with their class and attributes


def open_pool(kind: str, workers: int, extraction, spec_dirs):
    """(pool or None, the function to map over job handles); worker processes make their own
    Extraction like `extraction`, with the registry of `spec_dirs`."""
    if workers <= 1:
        return None, extraction
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    if kind == "processes":
        return ProcessPoolExecutor(workers, initializer=_start_process,
                                   initargs=(tuple(spec_dirs), extraction.options, extraction.stored)
                                   ), _extract_in_process
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


