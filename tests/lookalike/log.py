"""The record of what the clients asked the look-alike."""

from __future__ import annotations

from typing import Any, NamedTuple


class Call(NamedTuple):
    name: str  # JSON-RPC method (v4) or the endpoint's client function, e.g. "jobs.find_one" (v5)
    params: Any


class RequestLog(list):
    """A list of `Call`s in arrival order; list.append is atomic, so handler threads share it safely."""

    def add(self, name: str, params: Any) -> None:
        self.append(Call(name, params))

    def names(self) -> list[str]:
        return [call.name for call in self]
