"""The web door's link to continue on another device, ``/praat/<id>/verder/<link>``.

A link is ``<token>.<until>.<check>``: the session's token, the moment (Unix seconds) the
link stops working, :data:`VALID_SECONDS` after the page made it, and an HMAC of the three
with ``PSEUDONYM_SECRET``. Only this server makes links, and only on the page of the
session they continue (the "Verder op een ander apparaat" link): a made-up token, an edited
link or an old one opens nothing. The token alone is worth nothing to whoever reads it from
an old link (a cookie needs the server's check as well). Nothing is stored.

The door (:meth:`bot.app.webdoor.WebDoor.elsewhere`) also asks before it switches: a link
only continues a session that exists (the resident consented and did not erase), and the
browser first gets a page that asks whether to continue the conversation of the other
device; only a same-origin post of that page sets the cookie.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from collections.abc import Callable

#: How long a link works after the page made it: a day.
VALID_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_UNTIL = re.compile(r"^[0-9]{1,12}$")


class Continuation:
    """Makes and reads the links that continue a session on another device."""

    def __init__(self, secret: bytes, *, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self.clock = clock

    def _check(self, questionnaire: str, token: str, until: str) -> str:
        message = f"continue:{questionnaire}:{token}:{until}".encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")

    def link(self, questionnaire: str, token: str) -> str:
        """A new link for the session ``token`` of ``questionnaire``, working for a day."""
        until = str(int(self.clock()) + VALID_SECONDS)
        return f"{token}.{until}.{self._check(questionnaire, token, until)}"

    def token(self, questionnaire: str, link: str) -> str | None:
        """The session token a link of this server continues; None for a link this server
        did not make (for this questionnaire), an edited one or one that has expired."""
        parts = link.split(".")
        if len(parts) != 3:
            return None
        token, until, check = parts
        if not TOKEN.match(token) or not _UNTIL.match(until):
            return None
        if not hmac.compare_digest(check, self._check(questionnaire, token, until)):
            return None
        return token if self.clock() < int(until) else None
