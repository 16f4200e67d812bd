# Over 500 lines on purpose: every route of the web door and its cookie rules in one place (the
# page itself is :mod:`bot.app.webdoor_page`, codes :mod:`bot.app.webdoor_codes`, pictures
# :mod:`bot.app.webdoor_images`).
"""The web door: a resident's chat page per questionnaire at ``/praat/<questionnaire>``
(and per deliberation, at ``/praat/<deliberation>``), served by ``samenspraak serve``
(next to the webhook) and ``samenspraak run``.

The same conversation as on Telegram (:class:`bot.resident.door.Door`), through a page of
forms that works without JavaScript and, with the small script, without reloads
(:mod:`bot.app.webdoor_page`). Also: ``/praat/<id>/qr.svg`` and ``qr.png`` for posters and
letters, ``/praat/<id>/insluiten`` with a snippet for the municipality's own site, and
``/praat/<id>/verder/<link>``, the secret link that continues on another device: made
only on that session's page, signed and valid for a day (:mod:`bot.app.webdoor_continue`),
it continues only a session that exists, and the browser is asked first (a page whose
same-origin post alone changes the cookie), so nobody can hand a resident a session of
their own making or quietly replace the one the browser has.

**One cookie, first-party.** ``samenspraak`` holds ``<questionnaire>.<token>.<check>``: a
random token (the only thing that ties a browser to its answers; the resident's pseudonym
is a keyed hash of it, never the token itself) with the questionnaire it belongs to. It is
HttpOnly, SameSite=Lax, Secure when the page is served over https, its path is the
questionnaire's page, and it is set because the conversation cannot work without it: no
banner is needed (PRIVACY.md). A cookie of another questionnaire is refused with a clear
page. Nothing is loaded from anywhere else (a strict Content-Security-Policy says so).

**Forms.** Every post carries a token derived from the cookie's (CSRF); a post without it,
with a wrong one or from another site (``Origin``) is refused and changes nothing. A typed
answer also carries the step it answers (:meth:`WebDoor._state`: the response and question
the conversation was at when the form was shown; while the resident is in a deliberation,
which takes typed texts first, the deliberation, its mode and the statement shown; read
from the database in one small read so that it holds on every worker, as a keyed hash so
that the page learns no response or statement number): a post for a step that is no
longer current (replayed, or from a stale tab) stores nothing (no answer, no vote, no new
statement) and gets ``web.stale`` with the current question, or the statement shown now
with its buttons, again (:meth:`Door.stale`); the same post again right after it was
taken (a double click) is taken once and answered with nothing new. A deliberation's vote
button names its statement itself (``VoteButton.statement_id``), so a stale one changes
the vote on the statement it shows, never on another.
One post at a time per browser session, and at most :data:`BURST` quickly after each
other (``web.too_fast``); per network address, new sessions and posts are limited too
(:mod:`bot.app.webdoor_limits`, ``web.busy``): all in memory only, never stored.

**Several workers.** Each process keeps its own transcripts (what a page shows); line ids
are unique across processes (:mod:`bot.app.webdoor_page`), so a post that lands on another
worker never overwrites a line on the page, and the page reloads its state from there
(the conversation itself is in the database). Route ``/praat``, ``/doe-mee`` and
``/verder`` by cookie to one worker where you can (docs/deploying.md).

**Invitation codes.** A letter's address ``/doe-mee/<code>`` looks the code up without
using it (:meth:`bot.resident.codes.CodeDoor.look`) and leads to its questionnaire's page,
which starts the conversation with the code (``/start <code>`` on Telegram): consent first,
and only then is the code used and the response marked as the sample's. A used, expired,
closed or wrong code gets Telegram's answer on a page of its own. Wrong codes are slowed
down per network address (:func:`address_of`; behind the proxy ``TRUSTED_PROXIES``), in
memory only, never stored or logged. A questionnaire for codes only (``access: codes``)
says so on its page instead of asking for consent; a code typed into its chat still opens
it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html as markup
import io
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import segno
from aiohttp import web

from bot.app.webdoor_codes import Codes, address_of, trusted_proxies
from bot.app.webdoor_continue import TOKEN, Continuation
from bot.app.webdoor_images import WebPictures
from bot.app.webdoor_limits import BURST, PER_SECOND, Addresses, Bucket
from bot.app.webdoor_page import (
    PICTURES,
    SCRIPT,
    STYLE,
    Chrome,
    Line,
    Transcript,
    render_continue,
    render_line,
    render_notice,
    render_page,
)
from bot.core.channel import WEB, Event, Press, Start, Text, Who
from bot.core.links import public_base
from bot.core.recent import Recent
from bot.core.reply import Reply, Send
from bot.core.services import Services
from bot.core.voice import speaking
from bot.resident.codes import Looked, told
from bot.resident.door import Door, command_of
from bot.resident.privacy import Forget
from flows.limits import MESSAGE_CHARS
from flows.schema import SLUG
from flows.texts import Language, language_of, raw, t
from flows.wording import characters
from storage import repo
from storage.codes import Found
from storage.repo import WEB_PREFIX

PATH = "/praat"
STATIC = PATH + "/static"
CODE_PATH = "/doe-mee"
COOKIE = "samenspraak"
#: How long the cookie lasts: a resident can come back to an unfinished questionnaire.
COOKIE_DAYS = 90
#: Browser sessions whose transcript a process keeps in memory.
KEPT_SESSIONS = 20_000
#: An aiohttp request handler.
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: A method of :class:`WebDoor` that answers a request.
Answer = Callable[["WebDoor", web.Request], Awaitable[web.StreamResponse]]
#: The longest text the conversation is given from one post (four Telegram messages'
#: worth): it answers a long text as it does on Telegram (too long for this question, no
#: such option...). A longer one the door answers itself as too long. The page keeps only
#: the start of a text longer than a Telegram message (:meth:`Transcript.typed`).
TYPED_CHARS = 4 * MESSAGE_CHARS
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "same-origin",  # the secret link never leaves in a Referer
    "X-Content-Type-Options": "nosniff",
}


@dataclass
class Visitor:
    """One browser session in this process: its transcript, its lock and its limit, and
    the last typed post it took (step, text), to take a double click once."""

    transcript: Transcript = field(default_factory=Transcript)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    allowance: float = BURST
    clock: Callable[[], float] = time.monotonic
    last_typed: tuple[str, str] | None = None
    _bucket: Bucket | None = None

    def allowed(self, burst: int, per_second: float) -> bool:
        if self._bucket is None:
            self._bucket = Bucket(self.allowance)
        return self._bucket.take(self.clock(), burst, per_second)


@dataclass(frozen=True, slots=True)
class Cookie:
    questionnaire: str
    token: str


class WebDoor:
    """The routes of the web door on an aiohttp application."""

    def __init__(
        self,
        services: Services,
        door: Door,
        *,
        codes: Codes | None = None,
        burst: int = BURST,
        per_second: float = PER_SECOND,
        addresses: Addresses | None = None,
    ) -> None:
        self.services = services
        self.door = door
        self.codes = codes
        self.burst, self.per_second = burst, per_second
        self.addresses = addresses or Addresses()  # per network address, in memory only
        self._proxies = trusted_proxies(services.settings.trusted_proxies)
        self._secret = services.pseudonyms.secret
        self.continuation = Continuation(self._secret)  # the links to another device
        self._visitors: Recent[str, Visitor] = Recent(KEPT_SESSIONS)
        self.pictures = WebPictures(services)  # questions' images, from this server only

    def add_routes(self, app: web.Application) -> None:
        """This door's routes (:data:`ROUTES`) on ``app``; ``/doe-mee`` only with codes."""
        for method, path, answer in ROUTES:
            if answer is WebDoor.code and self.codes is None:
                continue
            app.router.add_route(method, path, _answered_by(lambda: self, answer))

    # --- identities -------------------------------------------------------------------------

    def _mac(self, purpose: str, *parts: str) -> str:
        message = ":".join((purpose, *parts)).encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:12]).decode().rstrip("=")

    def pseudonym(self, cookie: Cookie) -> str:
        message = f"web:{cookie.questionnaire}:{cookie.token}".encode()
        digest = hmac.new(self._secret, message, hashlib.sha256).hexdigest()
        return WEB_PREFIX + digest[: 64 - len(WEB_PREFIX)]

    def csrf(self, cookie: Cookie) -> str:
        return self._mac("csrf", cookie.questionnaire, cookie.token)

    def _cookie_value(self, cookie: Cookie) -> str:
        check = self._mac("cookie", cookie.questionnaire, cookie.token)
        return f"{cookie.questionnaire}.{cookie.token}.{check}"

    def _read_cookie(self, request: web.Request) -> Cookie | None:
        """The browser's cookie, if it is one this door made (of any questionnaire)."""
        value = request.cookies.get(COOKIE, "")
        parts = value.split(".")
        if len(parts) != 3 or not SLUG.match(parts[0]) or not TOKEN.match(parts[1]):
            return None
        cookie = Cookie(parts[0], parts[1])
        expected = self._mac("cookie", cookie.questionnaire, cookie.token)
        return cookie if hmac.compare_digest(parts[2], expected) else None

    def _set_cookie(
        self, request: web.Request, response: web.StreamResponse, cookie: Cookie
    ) -> None:
        response.set_cookie(
            COOKIE,
            self._cookie_value(cookie),
            path=f"{PATH}/{cookie.questionnaire}",
            max_age=COOKIE_DAYS * 24 * 3600,
            httponly=True,
            secure=self._https(request),
            samesite="Lax",
        )

    def _https(self, request: web.Request) -> bool:
        public = public_base(self.services.settings)
        forwarded = request.headers.get("X-Forwarded-Proto", "")
        return (
            request.secure or forwarded == "https" or bool(public and public.startswith("https:"))
        )

    def _address(self, request: web.Request) -> str:
        """The client's network address (behind the trusted proxy, the one it saw)."""
        return address_of(request, self._proxies)

    def who(self, request: web.Request, cookie: Cookie) -> Who:
        code = _accepted(request)
        return Who(self.pseudonym(cookie), code, None, WEB, self._address(request))

    def _visitor(self, cookie: Cookie) -> Visitor:
        key = self.pseudonym(cookie)
        visitor = self._visitors.get(key)
        if visitor is None:
            visitor = Visitor(allowance=self.burst)
            self._visitors.put(key, visitor)
        return visitor

    async def _state(self, who: Who, cookie: Cookie) -> tuple[Language, str]:
        """The language the page speaks to ``who``, and the step their conversation is at,
        which a typed answer must name to be taken, as an opaque token of this browser
        session (the page learns no response or statement number). The step follows the
        conversation that takes a typed text (:meth:`Door.respond`): while the resident
        is in a deliberation, the deliberation, its mode and the statement shown; else the
        response in progress and its current question (``-`` for none). One small read."""
        async with self.services.sessions() as db:
            found = await repo.find_resident_at(db, who.pseudonym)
        if found is not None and found.resident.consented:
            language = speaking(self.services.settings, found.resident.language)
        else:
            language = speaking(self.services.settings, language_of(who.language_code))
        step = "-"
        if found is not None:
            place, at = found.deliberation, found.session
            if place is not None and found.resident.consented and self.door.talks is not None:
                statement = "-" if place.statement_id is None else str(place.statement_id)
                step = f"d:{place.deliberation_id}:{place.mode}:{statement}"
            elif at is not None:
                step = f"{at[0]}.{at[1]}"
        return language, self._mac("step", cookie.questionnaire, cookie.token, step)

    def _busy(self, request: web.Request, back: str | None) -> web.Response:
        """Too much from one network address: a page that says so (429)."""
        return self._said(request, "web.busy", back, 429)

    # --- the page -----------------------------------------------------------------------------

    def _title(self, questionnaire: str, language: Language) -> str | None:
        flow = self.services.catalog.current(questionnaire)
        return flow.questionnaire.title.get(language) if flow is not None else None

    async def _heading(self, talk: str, language: Language) -> str | None:
        """The title of the questionnaire or deliberation ``talk``; None for neither."""
        if not SLUG.match(talk):
            return None
        title = self._title(talk, language)
        if title is None and self.door.talks is not None:
            title = await self.door.talks.title(talk, language)
        return title

    def _origin(self, request: web.Request) -> str:
        """Where the chat pages' own links (continue elsewhere, QR codes, the snippet) start:
        the bot's public address as for every other link (:func:`bot.core.links.public_base`:
        PUBLIC_URL, else WEBHOOK_URL's origin), only without either the address the browser
        asked for. Not escaped: whoever writes it into a page escapes it."""
        public = public_base(self.services.settings)
        if public:
            return public
        return f"{'https' if self._https(request) else 'http'}://{request.host}"

    async def page(self, request: web.Request) -> web.Response:
        questionnaire = request.match_info["questionnaire"]
        language: Language = speaking(self.services.settings, language_of(None))
        if await self._heading(questionnaire, language) is None:
            return _html(render_notice(language, "web.unknown", None), status=404)
        cookie = self._read_cookie(request)
        if cookie is not None and cookie.questionnaire != questionnaire:
            return self._foreign(questionnaire, language)
        if "code" in request.query and self.codes is not None:
            return await self._with_code(request, questionnaire, cookie, request.query["code"])
        fresh = cookie is None
        if cookie is None:
            if not self.addresses.new_session(self._address(request)):
                return self._busy(request, None)
            cookie = Cookie(questionnaire, secrets.token_urlsafe(32))
        who = self.who(request, cookie)
        visitor = self._visitor(cookie)
        async with visitor.lock:
            if not visitor.transcript.lines:  # a new visit, another device, a restart
                reply = await self._opening(who, questionnaire)
                self._remember(visitor.transcript.apply(reply, None))
            if not fresh:  # an outcome they opted in to, since their last visit
                waiting = await self.door.waiting(who)
                if waiting.messages:
                    visitor.transcript.apply(waiting, None)
        language, step = await self._state(who, cookie)
        title = await self._heading(questionnaire, language) or questionnaire
        chrome = Chrome(f"{PATH}/{questionnaire}", self.csrf(cookie), language, step)
        link = self.continuation.link(questionnaire, cookie.token)
        elsewhere = f"{self._origin(request)}{PATH}/{questionnaire}/verder/{link}"
        body = render_page(title, visitor.transcript, chrome, elsewhere=elsewhere, static=STATIC)
        response = _html(body)
        if fresh:
            self._set_cookie(request, response, cookie)
        return response

    async def _opening(self, who: Who, questionnaire: str) -> Reply:
        """The start of a new visit: the consent question, or, on the page of a
        questionnaire for codes only, that it needs the code of a letter (typed into the
        chat, a code still opens it; someone who came with a code goes on)."""
        flow = self.services.catalog.current(questionnaire)
        if flow is not None and flow.questionnaire.access == "codes":
            async with self.services.sessions() as db:
                resident = await repo.find_resident(db, who.pseudonym)
            if resident is None or not resident.consented:
                language = speaking(self.services.settings, language_of(who.language_code), flow)
                return Reply([Send(t(language, "codes.only"))])
        return await self.door.respond(who, Start(questionnaire))

    async def _with_code(
        self, request: web.Request, questionnaire: str, cookie: Cookie | None, given: str
    ) -> web.Response:
        """The page opened with a letter's code (from ``/doe-mee/<code>``): the
        conversation starts with it, as ``/start <code>`` does, then the page shows it
        (without the code in the address bar)."""
        assert self.codes is not None
        back = f"{PATH}/{questionnaire}"
        looked = await self.codes.look(given, self._address(request))
        refused = self._refused(request, looked)
        if refused is not None:
            return refused
        if looked.questionnaire_id != questionnaire:  # another questionnaire's code
            raise web.HTTPSeeOther(f"{PATH}/{looked.questionnaire_id}?code={looked.code}")
        if looked.found is Found.USED and cookie is None:
            # Someone else's: this browser has never been here. (Their own, clicked again
            # in the same browser, goes on where they were, as on Telegram.)
            return self._said(request, told(Found.USED), back, 410)
        fresh = cookie is None
        address = self._address(request)
        if (fresh and not self.addresses.new_session(address)) or not self.addresses.post(address):
            return self._busy(request, back)
        cookie = cookie or Cookie(questionnaire, secrets.token_urlsafe(32))
        who = self.who(request, cookie)
        visitor = self._visitor(cookie)
        if not visitor.allowed(self.burst, self.per_second):  # it changes things, as a post
            return self._said(request, "web.too_fast", back, 429)
        async with visitor.lock:
            reply = await self.door.respond(who, Start(looked.code))
            self._remember(visitor.transcript.apply(reply, None))
        response = web.HTTPSeeOther(back)
        if fresh:
            self._set_cookie(request, response, cookie)
        raise response

    def _refused(self, request: web.Request, looked: Looked) -> web.Response | None:
        """The page for a code that opens nothing (or an address that must wait); None
        when it leads to its questionnaire."""
        if looked.found is None:
            return self._said(request, "codes.slow", None, 429, count=looked.minutes)
        qid = looked.questionnaire_id
        if looked.found in (Found.OK, Found.USED) and qid is not None and SLUG.match(qid):
            if self._title(qid, "nl") is not None:
                return None
            return self._said(request, told(Found.CLOSED), None, 410)
        status = 404 if looked.found is Found.WRONG else 410
        return self._said(request, told(looked.found), None, status)

    def _said(
        self, request: web.Request, key: str, back: str | None, status: int, **params: object
    ) -> web.Response:
        language = speaking(self.services.settings, language_of(_accepted(request)))
        return _html(render_notice(language, key, back, **params), status=status)

    def _remember(self, lines: list[Line]) -> None:
        """Tell the conversation which line shows which question, so that a typed answer
        shows on it as a pressed one does (as on Telegram)."""
        for line in lines:
            if line.tag is not None:
                self.door.shown(line.tag, line.id)

    def _foreign(self, questionnaire: str, language: Language) -> web.Response:
        back = f"{PATH}/{questionnaire}"
        response = _html(render_notice(language, "web.other_questionnaire", back), status=400)
        return response

    async def post(self, request: web.Request) -> web.Response:
        """A typed text or a pressed button, as a form post (JSON back when asked)."""
        questionnaire = request.match_info["questionnaire"]
        wants_json = "application/json" in request.headers.get("Accept", "")
        language: Language = speaking(self.services.settings, language_of(None))
        back = f"{PATH}/{questionnaire}"
        if await self._heading(questionnaire, language) is None:
            return _html(render_notice(language, "web.unknown", None), status=404)
        cookie = self._read_cookie(request)
        if cookie is not None and cookie.questionnaire != questionnaire:
            return self._foreign(questionnaire, language)
        # What the headers alone refuse is refused before the body is read (up to 1 MB)
        # and without a database read: no cookie, another site, too much from this
        # address or this session. Then the body, and its CSRF token.
        origin = request.headers.get("Origin")
        if cookie is None or (
            # A browser names the page a form came from (``null`` when it may not say).
            origin not in (None, "null") and urlsplit(origin).netloc != request.host
        ):
            return _html(render_notice(language, "web.forged", back), status=403)
        if not self.addresses.post(self._address(request)):
            return self._busy(request, back)
        who = self.who(request, cookie)
        visitor = self._visitor(cookie)
        if not visitor.allowed(self.burst, self.per_second):
            return self._said(request, "web.too_fast", back, 429)
        form = await request.post()
        if not hmac.compare_digest(str(form.get("csrf", "")), self.csrf(cookie)):
            return _html(render_notice(language, "web.forged", back), status=403)
        event: Event | None = None
        pressed: int | None = None
        if isinstance(form.get("press"), str):
            event = Press(str(form["press"]))
            line = str(form.get("line", ""))
            # (``isdigit`` alone takes ``²`` and numbers ``int`` refuses to read)
            pressed = int(line) if line.isascii() and line.isdigit() and len(line) <= 18 else None
        elif isinstance(form.get("text"), str) and str(form["text"]).strip():
            event = Text(str(form["text"]).strip())
        lines: list[str] = []
        async with visitor.lock:
            before, step = await self._state(who, cookie)
            after = before
            transcript = visitor.transcript
            elsewhere = not transcript.lines  # this worker has not shown this session's page
            if isinstance(event, Text) and len(event.text) > TYPED_CHARS:
                # Far longer than a Telegram message can be: the conversation never sees
                # it, the page keeps only its start (and says how long it was).
                changed = [transcript.typed(event.text)]
                problem = t(
                    before,
                    "invalid.text_long",
                    length=characters(len(event.text), before),
                    max=characters(TYPED_CHARS, before),
                )
                changed += transcript.apply(Reply([Send(problem)]), None)
                chrome = Chrome(back, self.csrf(cookie), before, step)
                lines = [render_line(line, chrome) for line in changed]
                event = None
            if isinstance(event, Text) and command_of(event.text) is None:
                given = (str(form.get("step", "")), event.text)
                if given[0] != step and given == visitor.last_typed:
                    event = None  # the same post again (a double click): taken once
                elif given[0] != step:
                    changed = [transcript.typed(event.text)]
                    changed += transcript.apply(await self.door.stale(who), None)
                    self._remember(changed)
                    # (Showing it again may route a deliberation to another statement.)
                    after, step = await self._state(who, cookie)
                    chrome = Chrome(back, self.csrf(cookie), after, step)
                    lines = [render_line(line, chrome) for line in changed]
                    event = None
                else:
                    visitor.last_typed = given
            if event is not None:
                target = transcript.line(pressed) if pressed is not None else None
                shows = target is not None and any(
                    Forget.claims(item.data) for row in target.buttons for item in row
                )
                changed = [transcript.typed(event.text)] if isinstance(event, Text) else []
                reply = await self.door.respond(who, event, shows_buttons=shows)
                after, step = await self._state(who, cookie)
                if isinstance(event, Press) and _erases(event.data):
                    # Nothing of the conversation stays, not even in memory: only the
                    # question that erased it, which now says so.
                    transcript.lines = [line for line in transcript.lines if line.id == pressed]
                    transcript.document = None
                changed += transcript.apply(reply, pressed)
                self._remember(changed)
                chrome = Chrome(back, self.csrf(cookie), after, step)
                lines = [render_line(line, chrome) for line in changed]
        if not wants_json:
            raise web.HTTPSeeOther(back + "#text")
        # A page this worker did not show reloads its state from here (the conversation
        # is in the database; this worker's transcript now holds where it is).
        reload = after != before or (elsewhere and bool(lines))
        answer = {"lines": [{"html": line} for line in lines], "reload": reload, "step": step}
        return web.json_response(answer, headers=SECURITY_HEADERS)

    async def document(self, request: web.Request) -> web.Response:
        """The last file the conversation gave (/mijngegevens), to this browser only."""
        cookie = self._read_cookie(request)
        questionnaire = request.match_info["questionnaire"]
        if cookie is None or cookie.questionnaire != questionnaire:
            raise web.HTTPNotFound
        found = self._visitors.get(self.pseudonym(cookie))
        if found is None or found.transcript.document is None:
            raise web.HTTPNotFound
        document = found.transcript.document
        disposition = f'attachment; filename="{document.filename}"'
        headers = {**SECURITY_HEADERS, "Content-Disposition": disposition}
        headers["Cache-Control"] = "no-store"
        return web.Response(body=document.data, content_type="application/json", headers=headers)

    async def elsewhere(self, request: web.Request) -> web.StreamResponse:
        """The link to continue on another device: a page that asks first (the cookie
        changes only by its same-origin post, :meth:`switch`). A link this server did not
        make for a session that exists, an edited or an expired one opens nothing."""
        questionnaire = request.match_info["questionnaire"]
        language = speaking(self.services.settings, language_of(_accepted(request)))
        back = f"{PATH}/{questionnaire}"
        if await self._heading(questionnaire, language) is None:
            return _html(render_notice(language, "web.unknown", None), status=404)
        if not self.addresses.new_session(self._address(request)):
            return self._busy(request, None)
        token = await self._continued(questionnaire, request.match_info["link"])
        if token is None:
            return self._said(request, "web.continue.invalid", back, 404)
        cookie = self._read_cookie(request)
        if cookie is not None and cookie.questionnaire != questionnaire:
            cookie = None
        if cookie is not None and cookie.token == token:  # already this session
            raise web.HTTPSeeOther(back)
        # (a browser that only opened the page has no conversation of its own to leave)
        own = cookie is not None and await self._exists(cookie)
        body = render_continue(language, request.path, back, own=own, static=STATIC)
        return _html(body)

    async def switch(self, request: web.Request) -> web.StreamResponse:
        """The answer to :meth:`elsewhere`'s question: continue the other device's session
        in this browser (its cookie is replaced), or keep this browser's own. Only from a
        page of this site (``Origin`` must be present and name the request's ``Host``)."""
        questionnaire = request.match_info["questionnaire"]
        language = speaking(self.services.settings, language_of(_accepted(request)))
        back = f"{PATH}/{questionnaire}"
        if await self._heading(questionnaire, language) is None:
            return _html(render_notice(language, "web.unknown", None), status=404)
        origin = request.headers.get("Origin")
        if origin in (None, "null") or urlsplit(origin).netloc != request.host:
            return _html(render_notice(language, "web.forged", back), status=403)
        if not self.addresses.post(self._address(request)):
            return self._busy(request, back)
        token = await self._continued(questionnaire, request.match_info["link"])
        if token is None:
            return self._said(request, "web.continue.invalid", back, 404)
        form = await request.post()
        response = web.HTTPSeeOther(back)
        if form.get("continue") == "yes":
            self._set_cookie(request, response, Cookie(questionnaire, token))
        raise response

    async def _continued(self, questionnaire: str, link: str) -> str | None:
        """The token of the session ``link`` continues: a link this server made for
        ``questionnaire``, not expired, of a resident who exists (consented, not erased).
        One read."""
        token = self.continuation.token(questionnaire, link)
        if token is None or not await self._exists(Cookie(questionnaire, token)):
            return None
        return token

    async def _exists(self, cookie: Cookie) -> bool:
        """Whether the session has a resident: one who consented and did not erase."""
        async with self.services.sessions() as db:
            return await repo.find_resident(db, self.pseudonym(cookie)) is not None

    async def code(self, request: web.Request) -> web.StreamResponse:
        """``/doe-mee/<code>``, the address in a letter: to the page of the code's
        questionnaire, which starts with it (the code is not used yet); or what is wrong
        with the code."""
        assert self.codes is not None
        looked = await self.codes.look(request.match_info["code"], self._address(request))
        refused = self._refused(request, looked)
        if refused is not None:
            return refused
        raise web.HTTPSeeOther(f"{PATH}/{looked.questionnaire_id}?code={looked.code}")

    # --- posters and other sites --------------------------------------------------------------

    async def _qr(self, request: web.Request) -> segno.QRCode:
        questionnaire = request.match_info["questionnaire"]
        if await self._heading(questionnaire, "nl") is None:
            raise web.HTTPNotFound
        return segno.make(f"{self._origin(request)}{PATH}/{questionnaire}", error="m")

    async def qr_svg(self, request: web.Request) -> web.Response:
        svg = (await self._qr(request)).svg_inline(scale=8, border=2, omitsize=False)
        return web.Response(text=svg, content_type="image/svg+xml", headers=SECURITY_HEADERS)

    async def qr_png(self, request: web.Request) -> web.Response:
        buffer = io.BytesIO()
        (await self._qr(request)).save(buffer, kind="png", scale=8, border=2)
        return web.Response(
            body=buffer.getvalue(), content_type="image/png", headers=SECURITY_HEADERS
        )

    async def embed(self, request: web.Request) -> web.Response:
        """A snippet for the municipality's site: a link and the QR code, no frame (a frame
        on another site gets no first-party cookie, so it could not resume)."""
        questionnaire = request.match_info["questionnaire"]
        language: Language = speaking(self.services.settings, language_of(None))
        title = await self._heading(questionnaire, language)
        if title is None:
            return _html(render_notice(language, "web.unknown", None), status=404)
        url = markup.escape(f"{self._origin(request)}{PATH}/{questionnaire}")
        heading = t(language, "web.heading", title=title)
        snippet = (
            f'<a href="{url}">{heading}</a>\n'
            f'<img src="{url}/qr.svg" alt="QR-code: {heading}" width="200" height="200">'
        )
        body = (
            f'<!doctype html>\n<html lang="{language}" dir="ltr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{raw(language, 'web.embed')}</title>"
            f'<link rel="stylesheet" href="{STATIC}/chat.css"></head><body><main>'
            f"<h1>{t(language, 'web.embed')}</h1><pre><code>{markup.escape(snippet)}</code></pre>"
            f"<div>{snippet}</div></main></body></html>"
        )
        return _html(body)

    async def picture(self, request: web.Request) -> web.Response:
        """A question's picture (``image:``), read or fetched by this server."""
        found = await self.pictures.picture(
            request.match_info["questionnaire"], request.match_info["key"]
        )
        if found is None:
            raise web.HTTPNotFound
        headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
        return web.Response(body=found[0], content_type=found[1], headers=headers)

    async def style(self, request: web.Request) -> web.Response:
        return _static(STYLE, "text/css")

    async def script(self, request: web.Request) -> web.Response:
        return _static(SCRIPT, "text/javascript")


#: The web door's routes: method, path and the :class:`WebDoor` method that answers.
ROUTES: tuple[tuple[str, str, Answer], ...] = (
    ("GET", STATIC + "/chat.css", WebDoor.style),
    ("GET", STATIC + "/chat.js", WebDoor.script),
    ("GET", PATH + "/{questionnaire}", WebDoor.page),
    ("POST", PATH + "/{questionnaire}", WebDoor.post),
    ("GET", PATH + "/{questionnaire}/bestand", WebDoor.document),
    ("GET", PATH + "/{questionnaire}/verder/{link}", WebDoor.elsewhere),
    ("POST", PATH + "/{questionnaire}/verder/{link}", WebDoor.switch),
    ("GET", PATH + "/{questionnaire}/qr.svg", WebDoor.qr_svg),
    ("GET", PATH + "/{questionnaire}/qr.png", WebDoor.qr_png),
    ("GET", PATH + "/{questionnaire}/insluiten", WebDoor.embed),
    ("GET", PATH + "/{questionnaire}/" + PICTURES + "/{key}", WebDoor.picture),
    ("GET", CODE_PATH + "/{code}", WebDoor.code),  # invitation codes
)


def add_current_routes(app: web.Application, current: Callable[[], WebDoor | None]) -> None:
    """The web door's routes on ``app``, each answered by the door ``current()`` gives when
    the request comes (503 while there is none): for a server that outlives the bot behind
    it, as the sandbox's does when it starts the bot again."""
    for method, path, answer in ROUTES:
        app.router.add_route(method, path, _answered_by(current, answer))


def _answered_by(current: Callable[[], WebDoor | None], answer: Answer) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        door = current()
        if door is None:
            return web.Response(status=503, text="starting, try again\n", headers=SECURITY_HEADERS)
        if answer is WebDoor.code and door.codes is None:
            raise web.HTTPNotFound
        return await answer(door, request)

    return handle


def _accepted(request: web.Request) -> str | None:
    """The language the browser asks for first (two letters), if any."""
    accepted = request.headers.get("Accept-Language", "")
    return accepted.split(",")[0].split(";")[0].strip()[:2].lower() or None


def _erases(data: str) -> bool:
    pressed = Forget.unpack(data)
    return pressed is not None and pressed.answer == "y"


def _html(body: str, *, status: int = 200) -> web.Response:
    headers = {**SECURITY_HEADERS, "Cache-Control": "no-store"}
    return web.Response(text=body, content_type="text/html", status=status, headers=headers)


def _static(body: str, content_type: str) -> web.Response:
    headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
    return web.Response(text=body, content_type=content_type, charset="utf-8", headers=headers)
