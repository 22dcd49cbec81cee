"""Text files csx is given (specs, schemas, records): regular files of a
sane size, UTF-8, or an error with the line and column of the first byte
that is not."""

import os
import stat
import sys

from .errors import SpecError

STDIN = "-"  # wherever csx reads a file, this name means standard input


class NotText(ValueError):
    def __init__(self, line: int, col: int, message: str):
        self.line, self.col, self.message = line, col, message
        super().__init__(f"{line}:{col}: {message}")


def read_text(path, max_bytes: int) -> str:
    """The text of a regular file; OSError when it cannot be read, NotText when it is
    no file to read (a FIFO would block, a device never end) or not UTF-8."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            raise NotText(1, 1, "not a regular file")
        chunks, size = [], 0
        while size <= max_bytes and (chunk := os.read(handle, max(status.st_size, 2**16) + 1)):
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(handle)
    if size > max_bytes:
        raise NotText(1, 1, f"larger than {max_bytes // 2**20} MiB")
    return decode_utf8(b"".join(chunks))


def read_named_text(name, max_bytes: int) -> str:
    """read_text, where the name "-" means stdin."""
    if str(name) != STDIN:
        return read_text(name, max_bytes)
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise NotText(1, 1, f"larger than {max_bytes // 2**20} MiB")
    return decode_utf8(data)


def decode_utf8(data: bytes) -> str:
    """The text of UTF-8 bytes (a leading byte-order mark, as some editors write, dropped)."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        before = data[:exc.start].decode("utf-8")
        line_start = before.rfind("\n") + 1
        # the bytes themselves stay unsaid: they may be anything
        line, col = before.count("\n") + 1, len(before) - line_start + 1
        raise NotText(line, col, "not UTF-8 text; save it as UTF-8") from None


def read_source_text(path, max_bytes: int) -> str:
    """read_text for the files csx reads as its own language (specs, layouts, schemas): any failure is a
    SpecError naming the file, and the line and column where there is one."""
    try:
        return read_text(path, max_bytes)
    except OSError as exc:
        raise SpecError(path, 1, 1, f"cannot read: {exc.strerror}") from exc
    except NotText as exc:
        raise SpecError(path, exc.line, exc.col, exc.message) from exc
