"""Writing in batches. The caller's thread gathers items; a batch goes out
when it holds `size` items, or when its first has waited `seconds`, so that a
slow run's records still show up as they come: the caller writes it on its
next call, or, when the caller has not come back for `seconds` (it is busy
on one long job, or waits on an instance), a thread of the writer's own
does.

With `background`, full batches are written by that thread too, and the
caller gathers the next one meanwhile: worth it where the writing is mostly
waiting on a server (PostgreSQL, in its own process), not where it needs the
GIL all along (SQLite's module takes it back for every row, so two busy
threads would each wait on the other's switch interval)."""

import threading
import time


class BatchWriter:
    def __init__(self, write, size: int, seconds: float, background: bool, name: str):
        """`write(batch)` writes a list of items and returns those settled (written, or refused one by one);
        what it raises stops the writing and is raised in the caller's thread, on its next call."""
        self._write = write
        self.size, self.seconds, self.background, self.name = size, seconds, background, name
        self._lock = threading.Lock()
        self._state = threading.Condition(self._lock)
        self._gathering = []
        self._since = 0.0  # when the first item of the batch being gathered came
        self._last = 0.0  # when the caller last came
        self._full = None  # a batch handed over, not yet taken up by the thread
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
                self._state.notify_all()  # the thread's clock starts
            if len(self._gathering) >= self.size or now >= self._since + self.seconds:
                self._send()
                self._raise_failure()
            return self._take_settled()

    def flush(self) -> list:
        """Write what was gathered and wait until it is written; the items settled since the last call."""
        with self._state:
            self._raise_failure()
            if self._gathering:
                self._send()
            self._wait_for_thread()
            self._raise_failure()
            return self._take_settled()

    def close(self):
        """Write what was gathered, if the writing has not failed, and stop the thread. Raises nothing: after
        a failure, the caller has an error of its own to show."""
        with self._state:
            self._closing = True
            self._state.notify_all()
        if self._thread is not None:
            self._thread.join()

    def _send(self):
        """The batch gathered goes out: handed to the thread, or written here."""
        batch = self._gathering
        if self.background:
            while self._full is not None and self._failure is None:
                self._state.wait()
            self._raise_failure()
            self._full, self._gathering = batch, []
            self._state.notify_all()
            return
        self._wait_for_thread()
        self._raise_failure()
        self._gathering = []
        self._write_out(batch)

    def _wait_for_thread(self):
        while (self._full is not None or self._busy) and self._failure is None:
            self._state.wait()

    def _write_out(self, batch: list):
        """Write a batch, the lock let go meanwhile; a failure is kept for the caller."""
        self._busy = True
        self._state.release()
        settled, failure = [], None
        try:
            settled = self._write(batch)
        except BaseException as exc:
            failure = exc
        finally:
            self._state.acquire()
        self._busy = False
        self._settled += settled
        self._failure = self._failure or failure
        self._state.notify_all()

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
        with self._state:
            while self._failure is None:
                if self._full is not None:
                    batch, self._full = self._full, None
                elif self._gathering and not self._busy and (
                        self._closing or time.monotonic() >= self._last + self.seconds):
                    batch, self._gathering = self._gathering, []  # the caller has not come back
                elif self._closing and not self._busy:
                    return
                else:
                    waiting = self._gathering and not self._busy
                    self._state.wait(self._last + self.seconds - time.monotonic() if waiting else None)
                    continue
                self._write_out(batch)
