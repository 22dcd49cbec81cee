"""Writing in batches on a thread of its own. The caller's thread gathers
items; a batch goes out when it holds `size` items, or when its first has
waited `seconds` (a slow run's records still show up as they come). While
one batch is written the caller gathers the next, so a database does its
part meanwhile (in its own process, or without the GIL); a caller that fills
the next batch before the last is written waits for it."""

import threading
import time


class BatchWriter:
    def __init__(self, write, size: int, seconds: float, name: str):
        """`write(batch)` writes a list of items and returns those settled (written, or refused one by one);
        what it raises stops the writing and is raised in the caller's thread, on its next call."""
        self._write = write
        self.size, self.seconds, self.name = size, seconds, name
        self._state = threading.Condition()
        self._gathering = []
        self._since = 0.0  # when the first item of the batch being gathered came
        self._full = None  # a batch handed over, not yet taken up by the thread
        self._busy = False  # the thread is writing a batch
        self._settled = []  # what the thread settled since the caller last asked
        self._failure = None
        self._closing = False
        self._thread = None

    def add(self, item) -> list:
        """Gather an item; the items settled since the last call, in the order they came."""
        with self._state:
            self._raise_failure()
            self._gathering.append(item)
            if len(self._gathering) == 1:
                self._since = time.monotonic()
            if len(self._gathering) >= self.size:
                self._hand_over()
            elif len(self._gathering) == 1:
                self._start()
                self._state.notify_all()  # the thread waits until this batch is due
            return self._take_settled()

    def flush(self) -> list:
        """Write what was gathered and wait until it is written; the items settled since the last call."""
        with self._state:
            self._raise_failure()
            if self._gathering:
                self._hand_over()
            while (self._full is not None or self._busy) and self._failure is None:
                self._state.wait()
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

    def _hand_over(self):
        while self._full is not None and self._failure is None:
            self._state.wait()
        self._raise_failure()
        self._full, self._gathering = self._gathering, []
        self._start()
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
                elif self._gathering and (self._closing or time.monotonic() >= self._since + self.seconds):
                    batch, self._gathering = self._gathering, []
                elif self._closing:
                    return
                else:
                    self._state.wait(self._since + self.seconds - time.monotonic() if self._gathering else None)
                    continue
                self._busy = True
                self._state.notify_all()  # a caller waiting to hand over the next batch
                self._state.release()
                settled, failure = [], None
                try:
                    settled = self._write(batch)
                except BaseException as exc:  # raised in the caller's thread
                    failure = exc
                finally:
                    self._state.acquire()
                self._busy, self._failure = False, failure
                self._settled += settled
                self._state.notify_all()
