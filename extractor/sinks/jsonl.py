"""JSON lines on stdout, one record per line, flushed as each job finishes."""

import json
import sys

from ..errors import StdoutClosed


class JsonLinesSink:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def write(self, outcome):
        try:
            self.stream.write(json.dumps(outcome.record) + "\n")
            self.stream.flush()
        except BrokenPipeError as exc:
            raise StdoutClosed from exc

    def close(self, completed=True):
        pass
