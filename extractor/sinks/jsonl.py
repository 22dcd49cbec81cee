"""JSON lines on stdout, one record per line, flushed as each job finishes."""

import json
import sys


class JsonLinesSink:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def write(self, outcome):
        self.stream.write(json.dumps(outcome.record) + "\n")
        self.stream.flush()

    def close(self, completed=True):
        pass
