"""A threaded HTTP server that hands each request to an app function.

An app takes a `Request` and returns a `Response`; the server adds the fixed
delay, the Content-Length and keep-alive handling, and, when told to
misbehave, stalls (never answers) or trickles its answer a byte at a time.
It keeps what tests check instead of timing: the most requests it handled at
once (were clients answered side by side?), the requests whose answers it
is holding back now and the trickled answers that reached their last byte
(did a client give up before the answer was complete?).
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Any  # email.message.Message: case-insensitive .get()
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {key: values[-1] for key, values in parse_qs(self.body.decode(), keep_blank_values=True).items()}


@dataclass
class Response:
    status: int = 200
    body: bytes | Path = b""  # a Path is streamed from disk
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    reason: str | None = None  # the status line's phrase; None: the standard one


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status, json.dumps(data).encode(), "application/json", headers or {})


App = Callable[[Request], Response]


@dataclass
class Misbehaviour:
    mode: str  # "stall": read the request, never answer; "trickle": answer one byte at a time
    seconds_per_byte: float = 0.02
    only: Callable[[Request], bool] | None = None  # which requests; None: every one

    def __post_init__(self) -> None:
        if self.mode not in ("stall", "trickle"):
            raise ValueError(f"mode must be 'stall' or 'trickle', not {self.mode!r}")

    def applies(self, request: Request) -> bool:
        return self.only is None or self.only(request)


class _Trickle:
    """A socket writer that sends each byte on its own, until the server stops."""

    def __init__(self, raw: Any, seconds_per_byte: float, stopping: threading.Event):
        self.raw, self.seconds_per_byte, self.stopping = raw, seconds_per_byte, stopping

    def write(self, data: bytes) -> int:
        for byte in bytes(data):
            if self.stopping.wait(self.seconds_per_byte):
                raise ConnectionAbortedError("the look-alike stopped")
            self.raw.write(bytes([byte]))
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name: str) -> Any:  # what else the handler asks of its writer (closed, ...)
        return getattr(self.raw, name)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the httpx client of cryosparc-tools 5 expects
    server: "_Server"

    def setup(self) -> None:
        super().setup()
        # headers and body go out as two writes: without this, Nagle's algorithm and the
        # client's delayed ACK stall every response by ~40 ms, which no real server does
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        url = urlsplit(self.path)
        request = Request(self.command, url.path, parse_qs(url.query, keep_blank_values=True), self.headers, body)
        with self.server.in_flight():
            time.sleep(self.server.delay_s)
            misbehaviour = self.server.misbehaviour
            if misbehaviour is None or not misbehaviour.applies(request):
                self._answer(request)
                return
            self.close_connection = True
            with self.server.holding(request):
                if misbehaviour.mode == "stall":
                    self.server.stopping.wait()
                    return
                self.wfile = _Trickle(self.wfile, misbehaviour.seconds_per_byte, self.server.stopping)
                self._answer(request)
                self.server.trickled_whole.append(request)  # the client waited for the last byte

    def _answer(self, request: Request) -> None:
        try:
            response = self.server.app(request)
        except Exception as error:  # a bug in the look-alike: say so instead of hanging the client
            response = Response(500, f"look-alike error: {error!r}".encode(), "text/plain")
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status, response.reason)
        self.send_header("Content-Type", response.content_type)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if isinstance(response.body, Path):
            self.send_header("Content-Length", str(response.body.stat().st_size))
            self.end_headers()
            with open(response.body, "rb") as f:
                shutil.copyfileobj(f, self.wfile)
        else:
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read the request log instead


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # idle keep-alive connections must not block stop()
    request_queue_size = 128  # many concurrent clients in the benchmarks

    def __init__(self, host: str, port: int, app: App, delay_s: float):
        super().__init__((host, port), _Handler)
        self.app = app
        self.delay_s = delay_s
        self.misbehaviour: Misbehaviour | None = None
        self.stopping = threading.Event()  # releases stalled and trickling handlers
        self.handling = 0  # requests being handled now
        self.most_in_flight = 0
        self.held: list[Request] = []  # the requests whose answers are stalled or trickling now
        self.trickled_whole: list[Request] = []  # trickled answers a client read to the end
        self._lock = threading.Lock()

    @contextmanager
    def in_flight(self):
        with self._lock:
            self.handling += 1
            self.most_in_flight = max(self.most_in_flight, self.handling)
        try:
            yield
        finally:
            with self._lock:
                self.handling -= 1

    @contextmanager
    def holding(self, request: Request):
        with self._lock:
            self.held.append(request)
        try:
            yield
        finally:
            with self._lock:
                self.held.remove(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that timed out and hung up is no fault here
            super().handle_error(request, client_address)


class HTTPService:
    """One listening port served from a background thread."""

    def __init__(self, host: str, port: int, app: App, delay_s: float = 0.0):
        self._server = _Server(host, port, app, delay_s)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"lookalike:{self.port}", daemon=True)
        self._thread.start()

    def misbehave(self, misbehaviour: Misbehaviour | None) -> None:
        self._server.misbehaviour = misbehaviour

    @property
    def held(self) -> list[Request]:
        """The requests whose answers are stalled or still trickling now (not yet sent to the last byte)."""
        return list(self._server.held)

    @property
    def trickled_whole(self) -> list[Request]:
        """The requests whose trickled answers were sent to the last byte (a client that waited them out)."""
        return list(self._server.trickled_whole)

    @property
    def most_in_flight(self) -> int:
        """The most requests this port has handled at one time."""
        return self._server.most_in_flight

    def stop(self) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
