"""A one-line progress display on a terminal; nothing at all in a pipe."""

import sys
import time


class Progress:
    def __init__(self, total: int, enabled: bool, stream=None, output=None):
        """`output`: the stream the records go to, if any; on the same terminal, a progress line would
        run into them."""
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty() and not (output is not None and output.isatty())
        self.total, self.count = total, 0
        self.started = time.monotonic()
        self._shown = 0.0

    def step(self, summary):
        self.count += 1
        now = time.monotonic()
        if self.enabled and (now - self._shown > 0.1 or self.count == self.total):
            self._shown = now
            rate = self.count / max(now - self.started, 1e-9)
            self.stream.write(f"\r[{self.count}/{self.total}] {rate:.1f} jobs/s  done {summary.done}  "
                              f"skipped {len(summary.skipped)}  failed {len(summary.failed)} ")
            self.stream.flush()

    def finish(self):
        if self.enabled and self.count:
            self.stream.write("\n")
            self.stream.flush()
