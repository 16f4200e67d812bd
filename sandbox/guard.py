"""Who may talk to a local fake: requests from this machine by name, never from other sites.

The fake Bot API and the sandbox's web chat listen on a local port that any web page in
the tester's browser can reach. Without a guard, a page on any site could post a form to
``/bot<token>/setWebhook`` (and receive what a tester types), show made-up bot messages,
or, through DNS rebinding (its own name pointed at 127.0.0.1), read ``/api/state`` with
the unpublished questionnaire being previewed. :func:`local_only` is an aiohttp middleware
that answers every such request with a short plain reason before any route sees it:

* ``Host`` must name this server: ``127.0.0.1``, ``localhost``, ``[::1]`` or the host it
  was started on (a wildcard such as ``0.0.0.0`` names nothing), with the port the request
  came in on. Otherwise 421 Misdirected Request: this stops DNS rebinding.
* ``Origin``, when the request carries one (browsers send it with every POST and every
  cross-origin request), must be this server itself. Otherwise 403.
* ``Sec-Fetch-Site``, when the request carries one (browsers send it with every request),
  must be ``same-origin`` or ``none`` (typed in the address bar). Otherwise 403: this
  stops "simple" cross-site requests that carry no ``Origin``, such as an image or a link
  pointing at ``/bot<token>/sendMessage?...``. Only opening the page itself (``GET /``)
  from a link elsewhere is let through.

The bot's own calls (python-telegram-bot: form-encoded or multipart POSTs, from this
machine, without ``Origin`` or ``Sec-Fetch-*``) and the sandbox's own page pass unchanged.
"""

from __future__ import annotations

import logging

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware

__all__ = ["LOCAL_NAMES", "allowed_names", "local_only"]

_LOG = logging.getLogger("sandbox.guard")

#: The names of this machine every local server answers to.
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
#: Addresses to listen on that name no host: never accepted as a ``Host``.
_WILDCARDS = frozenset({"", "0.0.0.0", "[::]"})  # noqa: S104 - compared, never bound
#: ``Sec-Fetch-Site`` values of requests made by the page itself or typed by the tester.
_OWN_FETCHES = frozenset({"same-origin", "none"})


def allowed_names(host: str) -> frozenset[str]:
    """The host names a server started on ``host`` answers to (lower case, IPv6 in [])."""
    configured = host.strip().lower()
    if ":" in configured and not configured.startswith("["):
        configured = f"[{configured}]"
    return frozenset(LOCAL_NAMES) | ({configured} - _WILDCARDS)


def _authority(value: str) -> tuple[str, int] | None:
    """``name[:port]`` as (lower-case name, port; 80 when absent); ``None`` if malformed."""
    value = value.strip().lower()
    if value.endswith("]") or ":" not in value:
        return (value, 80) if value else None
    name, _, port = value.rpartition(":")
    if not name or not port.isdigit() or len(port) > 5:
        return None
    return name, int(port)


def _refuse(status: int, reason: str) -> web.Response:
    _LOG.info("Refused a request for another host or from another site (%d)", status)
    return web.Response(
        status=status,
        text=f"{reason}\n",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"},
    )


def local_only(host: str) -> Middleware:
    """A middleware that refuses requests for other host names and from other sites.

    ``host`` is the address the server was started on; the port is the one each request
    came in on. See the module's description for the rules.
    """
    names = allowed_names(host)
    shown = ", ".join(sorted(names))

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        port = int(sockname[1]) if sockname else -1
        given = request.headers.get(hdrs.HOST, "")
        if not _names_us(_authority(given), names, port):
            return _refuse(
                421,
                f"Misdirected request: this sandbox answers only as {shown} (port {port}), "
                f"not as {given[:100]!r}. Open it at http://127.0.0.1:{port}/ or start it "
                "with --host set to the name you use.",
            )
        origin = request.headers.get(hdrs.ORIGIN)
        if origin is not None and not _same_origin(origin, names, port):
            return _refuse(
                403,
                f"Forbidden: a request from another site ({origin[:100]!r}). The sandbox only "
                "answers its own page and the bot.",
            )
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None and site.lower() not in _OWN_FETCHES and not _opens_page(request):
            return _refuse(
                403,
                f"Forbidden: a {site[:20]!r} request from another page. The sandbox only "
                "answers its own page and the bot.",
            )
        return await handler(request)

    return guard


def _same_origin(origin: str, names: frozenset[str], port: int) -> bool:
    """Whether ``origin`` (e.g. ``http://127.0.0.1:8080``) is this server itself."""
    scheme, sep, authority = origin.strip().partition("://")
    if scheme.lower() != "http" or not sep or "/" in authority:
        return False
    return _names_us(_authority(authority), names, port)


def _names_us(authority: tuple[str, int] | None, names: frozenset[str], port: int) -> bool:
    return authority is not None and authority[0] in names and authority[1] == port


def _opens_page(request: web.Request) -> bool:
    """A link elsewhere opening the sandbox's page: harmless, it changes nothing."""
    return (
        request.method in (hdrs.METH_GET, hdrs.METH_HEAD)
        and request.path == "/"
        and request.headers.get("Sec-Fetch-Mode", "").lower() == "navigate"
    )
