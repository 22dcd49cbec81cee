"""A threaded HTTP server that hands each request to an app function.

An app takes a `Request` and returns a `Response`; the server adds the fixed
delay, the Content-Length and keep-alive handling.
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
import threading
import time
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
        time.sleep(self.server.delay_s)
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
            if self.server.trickle_s:
                self._trickle(response.body)
            else:
                self.wfile.write(response.body)

    def _trickle(self, body: bytes) -> None:
        """A stalled instance: the body one byte at a time, each after a pause."""
        for i in range(len(body)):
            time.sleep(self.server.trickle_s)
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read the request log instead


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # idle keep-alive connections must not block stop()
    request_queue_size = 128  # many concurrent clients in the benchmarks

    def __init__(self, host: str, port: int, app: App, delay_s: float, trickle_s: float = 0.0):
        super().__init__((host, port), _Handler)
        self.app = app
        self.delay_s = delay_s
        self.trickle_s = trickle_s

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that timed out and hung up is no fault here
            super().handle_error(request, client_address)


class HTTPService:
    """One listening port served from a background thread."""

    def __init__(self, host: str, port: int, app: App, delay_s: float = 0.0, trickle_s: float = 0.0):
        self._server = _Server(host, port, app, delay_s, trickle_s)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"lookalike:{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
