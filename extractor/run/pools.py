"""Working on many jobs at once, results in order and memory bounded:
threads for an instance (the time goes in waiting on the network), processes
for files on disk (the time goes in parsing, which threads cannot share),
and no pool at all for one worker."""

import signal
from collections import deque

_process_extraction = None  # each worker process's own Extraction


def _start_process(spec_dirs, options, stored):
    global _process_extraction
    from ..language.registry import Registry
    from .extraction import Extraction

    # Ctrl-C is the main process's to handle: it stops the pool and keeps what was written
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _process_extraction = Extraction(Registry(spec_dirs), options, stored)


def _extract_in_process(handles):
    return [_process_extraction(handle) for handle in handles]  # csx's errors pickle as themselves


def _extract_in_thread(extraction):
    return lambda handles: [extraction(handle) for handle in handles]


def open_pool(kind: str, workers: int, extraction, spec_dirs):
    """(pool or None, the function to map over lists of job handles); worker processes make their own
    Extraction like `extraction`, with the registry of `spec_dirs`."""
    if workers <= 1:
        return None, _extract_in_thread(extraction)
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    if kind == "processes":
        return ProcessPoolExecutor(workers, initializer=_start_process,
                                   initargs=(tuple(spec_dirs), extraction.options, extraction.stored)
                                   ), _extract_in_process
    return ThreadPoolExecutor(workers), _extract_in_thread(extraction)


def batch_size(jobs: int, workers: int, kind: str) -> int:
    """Jobs per task: a process pool's round trip costs about as much as a small job, so its tasks take
    several; a few per worker at most, so that the last tasks still share out."""
    if kind != "processes":
        return 1
    return max(1, min(8, jobs // (4 * max(workers, 1))))


def ordered_map(pool, function, items, window: int, settled=None, batch: int = 1):
    """The outcomes of `function` (which takes a list of items) over `items`, in order, with at most
    `window` tasks in flight so memory does not grow with the number of jobs. `settled(item)` gives an
    item's outcome without a task where it can (an unchanged job), else None. Without a pool, one by
    one in this thread (no hand-over cost when there is nothing to overlap)."""
    settled = settled or (lambda item: None)
    if pool is None:
        for item in items:
            yield settled(item) or function([item])[0]
        return
    pending, chunk = deque(), []  # each pending entry: a future of a list of outcomes, or a list
    for item in items:
        outcome = settled(item)
        if outcome is None:
            chunk.append(item)
        if chunk and (outcome is not None or len(chunk) >= batch):
            pending.append(pool.submit(function, chunk))
            chunk = []
        if outcome is not None:
            pending.append([outcome])
        while len(pending) > window:
            yield from _results(pending.popleft())
    if chunk:
        pending.append(pool.submit(function, chunk))
    while pending:
        yield from _results(pending.popleft())


def _results(entry) -> list:
    return entry if isinstance(entry, list) else entry.result()
