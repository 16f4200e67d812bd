"""Invitation codes at the web door (:mod:`bot.app.webdoor`): what the door asks of the
codes, and the network address that wrong codes are slowed down by (in memory only,
never stored or logged)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Protocol

from aiohttp import web

from bot.resident.codes import Looked


class Codes(Protocol):
    """What a code's address needs (:class:`bot.resident.codes.CodeDoor`): a code looked
    at, not used, slowed down per network address."""

    async def look(self, typed: str, address: str) -> Looked: ...


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(setting: str | None) -> tuple[Network, ...] | None:
    """``TRUSTED_PROXIES`` read: the networks whose ``X-Forwarded-For`` is believed (none
    for "none"); None when unset: any loopback or private address."""
    if setting is None:
        return None
    if setting.strip().lower() == "none":
        return ()
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in setting.split(","))


def address_of(request: web.Request, trusted: Sequence[Network] | None = None) -> str:
    """The network address a request came from, to limit it (in memory only). Behind a
    reverse proxy it is the address the proxy added last to ``X-Forwarded-For``, believed
    only from the proxy: a peer in ``trusted`` (``TRUSTED_PROXIES``), or by default on this
    machine or its private network (the workers listen there only, docs/deploying.md). An
    IPv6 address counts as its /64 network, which one household often has whole."""
    remote = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
    if forwarded and _proxy(remote, trusted):
        remote = forwarded
    try:
        found = ipaddress.ip_address(remote)
    except ValueError:
        return remote[:64]
    if found.version == 6:
        return str(ipaddress.ip_network(f"{found}/64", strict=False))
    return str(found)


def _proxy(remote: str, trusted: Sequence[Network] | None) -> bool:
    try:
        found = ipaddress.ip_address(remote)
    except ValueError:
        return False
    if trusted is not None:
        return any(found in network for network in trusted)
    return found.is_loopback or found.is_private
