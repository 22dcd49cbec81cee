"""Writing in batches. The caller's thread gathers items and writes a batch
when it holds `size` items, or when its first has waited `seconds`, so that
a slow run's records still show up as they come. When the caller has not
come back for `seconds` (it is busy on one long job, or waits on an
instance), a thread of the writer's own writes what was gathered.

Batches are written in the caller's thread, not handed to the other one:
sqlite3 takes the GIL back for every row it writes, so a writing thread
beside a busy caller waits out the interpreter's switch interval row after
row; and PostgreSQL, which does its part in its own process, gained nothing
measurable from it (tests/benchmarks/bench_db.py)."""

import threading
import time


class BatchWriter:
    def __init__(self, write, size: int, seconds: float, name: str):
        """`write(batch)` writes a list of items and returns those settled (written, or refused one by one);
        what it raises stops the writing and is raised in the caller's thread."""
        self._write = write
        self.size, self.seconds, self.name = size, seconds, name
        self._lock = threading.Lock()
        self._state = threading.Condition(self._lock)
        self._gathering = []
        self._since = 0.0  # when the first item of the batch being gathered came
        self._last = 0.0  # when the caller last came
        self._busy = False  # a batch is being written
        self._settled = []  # what was settled since the caller last asked
        self._failure = None
        self._closing = False
        self._thread = None

    def add(self, item) -> list:
        """Gather an item; the items settled since the last call, in the order they came."""
        with self._lock:
            self._raise_failure()
            self._last = now = time.monotonic()
            self._gathering.append(item)
            if len(self._gathering) == 1:
                self._since = now
                self._start()
                self._state.notify()  # the thread's clock starts
            if len(self._gathering) >= self.size or now >= self._since + self.seconds:
                self._write_gathered()
            return self._take_settled()

    def flush(self) -> list:
        """Write what was gathered; the items settled since the last call."""
        with self._lock:
            self._raise_failure()
            self._write_gathered()
            return self._take_settled()

    def close(self):
        """Write what was gathered, if the writing has not failed, and stop the thread. Raises nothing: after
        a failure, the caller has an error of its own to show."""
        with self._lock:
            self._closing = True
            self._state.notify()
        if self._thread is not None:
            self._thread.join()

    def _write_gathered(self):
        """Write the batch gathered, the lock let go meanwhile (after the thread's, if it is writing one)."""
        while self._busy:
            self._state.wait()
        self._raise_failure()
        batch, self._gathering = self._gathering, []
        if not batch:
            return
        self._busy = True
        self._lock.release()
        settled, failure = [], None
        try:
            settled = self._write(batch)
        except BaseException as exc:
            failure = exc
        finally:
            self._lock.acquire()
        self._busy = False
        self._settled += settled
        self._failure = self._failure or failure
        self._state.notify_all()
        self._raise_failure()

    def _start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def _take_settled(self) -> list:
        settled, self._settled = self._settled, []
        return settled

    def _raise_failure(self):
        if self._failure is not None:
            raise self._failure

    def _run(self):
        """The thread: writes what was gathered once the caller has been away `seconds`, or is closing."""
        with self._lock:
            while self._failure is None:
                waiting = self._gathering and not self._busy
                if waiting and (self._closing or time.monotonic() >= self._last + self.seconds):
                    try:
                        self._write_gathered()
                    except BaseException:  # kept in _failure, for the caller
                        return
                elif self._closing and not self._busy:
                    return
                else:
                    self._state.wait(self._last + self.seconds - time.monotonic() if waiting else None)
