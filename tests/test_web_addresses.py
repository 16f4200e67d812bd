"""bot.app.webdoor_codes.address_of: the network address wrong invitation codes are slowed
down by on the web door. Behind the reverse proxy on this machine (or its private network)
it is the address the proxy added last; a client elsewhere cannot choose its own; an IPv6
client counts as its /64 network."""

from __future__ import annotations

from unittest.mock import Mock

from aiohttp.test_utils import make_mocked_request

from bot.app.webdoor_codes import Network, address_of, trusted_proxies


def request_from(
    remote: str, forwarded: str | None = None, trusted: tuple[Network, ...] | None = None
) -> str:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    transport = Mock()
    transport.get_extra_info.return_value = (remote, 43210)
    request = make_mocked_request("GET", "/doe-mee/x", headers, transport=transport)
    return address_of(request, trusted)


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


def test_only_the_configured_proxy_is_believed() -> None:
    """TRUSTED_PROXIES names where the proxy connects from; another private peer (a
    neighbouring container) cannot choose its address then, and "none" believes nobody."""
    proxy = trusted_proxies("10.1.2.3/32, ::1")
    assert request_from("10.1.2.3", "203.0.113.7", proxy) == "203.0.113.7"
    assert request_from("10.1.2.4", "203.0.113.7", proxy) == "10.1.2.4"
    assert request_from("127.0.0.1", "203.0.113.7", proxy) == "127.0.0.1"
    assert request_from("127.0.0.1", "203.0.113.7", trusted_proxies("none")) == "127.0.0.1"
    assert trusted_proxies(None) is None  # unset: loopback and private peers, as above
