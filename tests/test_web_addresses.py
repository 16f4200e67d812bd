"""bot.app.webdoor_codes.address_of: the network address wrong invitation codes are slowed
down by on the web door. Behind the reverse proxy on this machine (or its private network)
it is the address the proxy added last; a client elsewhere cannot choose its own; an IPv6
client counts as its /64 network."""

from __future__ import annotations

from unittest.mock import Mock

from aiohttp.test_utils import make_mocked_request

from bot.app.webdoor_codes import address_of


def request_from(remote: str, forwarded: str | None = None) -> str:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    transport = Mock()
    transport.get_extra_info.return_value = (remote, 43210)
    return address_of(make_mocked_request("GET", "/doe-mee/x", headers, transport=transport))


def test_behind_the_proxy_the_address_it_added_last() -> None:
    assert request_from("127.0.0.1") == "127.0.0.1"
    assert request_from("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    # Whatever the client wrote itself comes first; the proxy appends what it saw.
    assert request_from("127.0.0.1", "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert request_from("172.18.0.1", "203.0.113.7") == "203.0.113.7"  # a container's proxy


def test_a_client_elsewhere_cannot_choose_its_address() -> None:
    assert request_from("145.97.20.9", "198.51.100.1") == "145.97.20.9"


def test_an_ipv6_household_counts_as_one() -> None:
    one = request_from("2001:db8:1:2:aaaa::1")
    other = request_from("2001:db8:1:2:bbbb::7")
    assert one == other == "2001:db8:1:2::/64"
    assert request_from("2001:db8:1:3::1") != one
    assert request_from("127.0.0.1", "2001:db8:1:2::5") == one
