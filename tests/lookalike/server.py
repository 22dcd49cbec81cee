"""Starting and stopping a look-alike instance of either generation."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any, Callable

from . import v4, v5
from .log import RequestLog
from .store import ProjectStore
from .web import HTTPService, Misbehaviour, Request

HOST = "127.0.0.1"
DEFAULT_VERSIONS = {"4": "v4.7.1", "5": "v5.0.3"}
V4_SERVICES = {"command_core": 2, "command_vis": 3, "command_rtp": 5}  # port offsets from base_port


class LookalikeServer:
    """A running look-alike: `instance_info` is what `CryoSPARC(**info)` takes.

    `port` is base_port (v4) or the API port (v5); `ports` maps each service
    to its port; `base_url` is the API's URL (v5) or command_core's (v4);
    `requests` is the `RequestLog` of every call the clients made; `tokens`
    the session tokens it issued (v5).
    """

    def __init__(self, generation: str, services: dict[str, HTTPService], instance_info: dict[str, Any],
                 requests: RequestLog, base_url: str, tokens: set[str] | None = None):
        self.generation = generation
        self.host = HOST
        self._services = services
        self.ports = {name: service.port for name, service in services.items()}
        self.port = instance_info.get("base_port") or self.ports["api"]  # v4: base_port; v5: the API port
        self.base_url = base_url
        self.instance_info = instance_info
        self.requests = requests
        self.tokens = tokens if tokens is not None else set()

    def misbehave(self, mode: str, seconds_per_byte: float = 0.02,
                  only: Callable[[Request], bool] | None = None) -> None:
        """From now on stall ("stall") or trickle ("trickle") the answers to the requests
        `only` picks (every request when None), on every service."""
        for service in self._services.values():
            service.misbehave(Misbehaviour(mode, seconds_per_byte, only))

    def held(self) -> list[Request]:
        """The requests whose answers are being stalled or trickled now, on every service: one a
        client gave up on before its last byte stays here until the look-alike stops."""
        return [request for service in self._services.values() for request in service.held]

    def trickled_whole(self) -> list[Request]:
        """The requests whose trickled answers were sent whole, on every service."""
        return [request for service in self._services.values() for request in service.trickled_whole]

    def most_in_flight(self) -> int:
        """The most requests any one service handled at one time."""
        return max(service.most_in_flight for service in self._services.values())

    def behave(self) -> None:
        for service in self._services.values():
            service.misbehave(None)

    def stop(self) -> None:
        for service in self._services.values():
            service.stop()

    def __enter__(self) -> "LookalikeServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(
    projects_root: str | Path,
    generation: str = "5",
    delay_s: float = 0.0,
    email: str = "ali@example.com",
    password: str = "password123",
    license: str = "00000000-0000-0000-0000-000000000000",
    version: str | None = None,
    echo: bool = False,
) -> LookalikeServer:
    """Serve the projects under `projects_root` on 127.0.0.1, on free ports,
    as CryoSPARC `version` (default v4.7.1 / v5.0.3) of `generation` "4" or "5".
    With `echo`, error answers repeat what the client sent (credentials, tokens)."""
    generation = str(generation)
    store = ProjectStore(Path(projects_root))
    version = version or DEFAULT_VERSIONS[generation]
    log = RequestLog()
    if generation == "4":
        core = v4.CommandCore(store, email, password, version).procedures()
        apps = {
            "command_core": v4.jsonrpc_app("command_core", core, log, echo=echo),
            "command_vis": v4.jsonrpc_app("command_vis", {}, log, files=store, echo=echo),
            "command_rtp": v4.jsonrpc_app("command_rtp", {}, log, echo=echo),
        }
        base_port, services = _start_v4(apps, delay_s)
        info = {"license": license, "host": HOST, "base_port": base_port, "email": email, "password": password}
        return LookalikeServer("4", services, info, log, f"http://{HOST}:{services['command_core'].port}")
    if generation == "5":
        api = v5.APIServer(store, email, password, version, log, echo=echo)
        service = HTTPService(HOST, 0, api, delay_s)
        base_url = f"http://{HOST}:{service.port}"
        info = {"base_url": base_url, "email": email, "password": password}
        return LookalikeServer("5", {"api": service}, info, log, base_url, api.tokens)
    raise ValueError(f"generation must be '4' or '5', not {generation!r}")


def _start_v4(apps: dict[str, Any], delay_s: float, attempts: int = 50) -> tuple[int, dict[str, HTTPService]]:
    """Find a base port whose +2, +3 and +5 are all free, and listen on them."""
    for _ in range(attempts):
        base_port = _free_port() - V4_SERVICES["command_core"]
        services: dict[str, HTTPService] = {}
        try:
            for name, offset in V4_SERVICES.items():
                services[name] = HTTPService(HOST, base_port + offset, apps[name], delay_s)
        except OSError:  # taken meanwhile, or by something else: try another base
            for service in services.values():
                service.stop()
            continue
        return base_port, services
    raise RuntimeError(f"no base port with +2, +3 and +5 free on {HOST} after {attempts} attempts")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]
