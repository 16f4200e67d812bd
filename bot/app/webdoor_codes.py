"""Invitation codes at the web door (:mod:`bot.app.webdoor`): what the door asks of the
codes, and the network address that wrong codes are slowed down by (in memory only,
never stored or logged)."""

from __future__ import annotations

import ipaddress
from typing import Protocol

from aiohttp import web

from bot.resident.codes import Looked


class Codes(Protocol):
    """What a code's address needs (:class:`bot.resident.codes.CodeDoor`): a code looked
    at, not used, slowed down per network address."""

    async def look(self, typed: str, address: str) -> Looked: ...


def address_of(request: web.Request) -> str:
    """The network address a request came from, to slow down guessed codes (in memory
    only). Behind a reverse proxy on this machine or its private network (the workers
    listen there only, docs/deploying.md) it is the address the proxy added last to
    ``X-Forwarded-For``; an IPv6 address counts as its /64 network, which one household
    often has whole."""
    remote = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
    if forwarded and _proxy(remote):
        remote = forwarded
    try:
        found = ipaddress.ip_address(remote)
    except ValueError:
        return remote[:64]
    if found.version == 6:
        return str(ipaddress.ip_network(f"{found}/64", strict=False))
    return str(found)


def _proxy(remote: str) -> bool:
    try:
        found = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return found.is_loopback or found.is_private
