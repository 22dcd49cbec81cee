"""A deadline on one call to a CryoSPARC client, from its start to its last byte.

The clients only bound each wait for a byte (a socket or httpx timeout), so an
instance that trickles its answer a byte at a time is never given up on, and
their own retries multiply even that. No client offers a total timeout, so the
call runs in a thread of its own, and csx stops waiting for it when the time
is up. The thread is a daemon: left behind, it ends with its connection, or
with csx."""

import math
import threading

MAX_SECONDS = 86_400  # a day: a longer wait is none at all, and past the system's limit a wait cannot start


def seconds_problem(value) -> str | None:
    """Why `value` is no timeout (None when it is one): a number of seconds above 0, at most a day."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "is no number of seconds"
    if not math.isfinite(value) or value <= 0 or value > MAX_SECONDS:
        return f"is no timeout: give seconds above 0 and at most {MAX_SECONDS:,} (a day), e.g. 30"
    return None


class NoAnswer(TimeoutError):
    """The instance did not answer completely in time."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"no complete answer within {seconds:g} s")


def within(seconds: float, call, *args, **kwargs):
    """call(*args, **kwargs), or NoAnswer once `seconds` have passed without its result."""
    outcome = {}
    finished = threading.Event()

    def run():
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as exc:  # handed to the waiting thread, which raises it as its own
            outcome["error"] = exc
        finally:
            finished.set()

    threading.Thread(target=run, name="csx-instance-call", daemon=True).start()
    if not finished.wait(seconds):
        raise NoAnswer(seconds)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
