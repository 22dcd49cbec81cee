"""Writing in batches on a thread of its own (extractor/sinks/batches.py): every item written once, in the
order it came, in batches no larger than asked; a batch written when full, and a batch not full once its
first item has waited; a failure raised in the caller's thread."""

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.sinks.batches import BatchWriter


class Recorder:
    """A write function keeping the batches it was given."""

    def __init__(self, fail_on=None):
        self.batches, self.fail_on = [], fail_on
        self.written = threading.Event()

    def __call__(self, batch):
        if self.fail_on in batch:
            raise OSError(f"cannot write {self.fail_on}")
        self.batches.append(list(batch))
        self.written.set()
        return [f"settled {item}" for item in batch]


@settings(max_examples=100, deadline=None)
@given(count=st.integers(0, 60), size=st.integers(1, 12))
def test_every_item_is_written_once_in_order_in_full_batches(count, size):
    write = Recorder()
    writer = BatchWriter(write, size, seconds=3600, name="test")
    settled = []
    for item in range(count):
        settled += writer.add(item)
    settled += writer.flush()
    writer.close()
    assert settled == [f"settled {item}" for item in range(count)]
    # no batch was due by time: each is full but the last
    assert [len(batch) for batch in write.batches] == [size] * (count // size) + ([count % size] if count % size else [])
    assert [item for batch in write.batches for item in batch] == list(range(count))


def test_a_batch_not_full_is_written_once_its_first_item_has_waited():
    write = Recorder()
    writer = BatchWriter(write, size=100, seconds=0.05, name="test")
    assert writer.add("a") == []  # gathered: nothing settled yet
    assert write.written.wait(30)  # written by the thread, without another call
    assert write.batches == [["a"]]
    assert writer.add("b") + writer.flush() == ["settled a", "settled b"]
    writer.close()
    assert write.batches == [["a"], ["b"]]


def test_a_failed_write_is_raised_in_the_callers_thread_and_stops_the_writing():
    write = Recorder(fail_on=3)
    writer = BatchWriter(write, size=2, seconds=3600, name="test")
    with pytest.raises(OSError, match="cannot write 3"):
        for item in range(4):
            writer.add(item)  # the batch [2, 3] fails
        writer.flush()
    with pytest.raises(OSError, match="cannot write 3"):
        writer.add(4)
    writer.close()
    assert write.batches == [[0, 1]]


def test_close_writes_what_was_gathered():
    write = Recorder()
    writer = BatchWriter(write, size=10, seconds=3600, name="test")
    for item in "xyz":
        writer.add(item)
    writer.close()  # as after Ctrl-C: no flush first
    assert write.batches == [["x", "y", "z"]]
