"""What an attacker tries at the web door (``/praat/...``) of ``samenspraak serve``, over
real HTTP: a continue-link of their own making or of their own session (session fixation),
huge typed texts, odd form fields, a forged ``Host``. The rule: nothing of another
session, nothing huge kept, never a 500."""

from __future__ import annotations

import json
import re

import aiohttp
from yarl import URL

from bot.app.webdoor import TYPED_CHARS
from bot.app.webdoor_continue import VALID_SECONDS, Continuation
from bot.app.webdoor_limits import BURST
from bot.app.webdoor_page import KEPT_BYTES, Transcript
from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import WebhookRunner
from tests.e2e.test_conversation import sql
from tests.e2e.test_web_door import AFVAL, CONTINUE, PAGE, PollingWithPages, at_question_2
from tests.e2e.test_webhook_attacks import raw
from tests.support.doors import WebResident
from tests.support.ports import reserve_port

INVALID = "Deze link werkt niet (meer)."
OWN = "Op dit apparaat heb je al een eigen gesprek."


async def continue_link(resident: WebResident) -> str:
    """The "Verder op een ander apparaat" link on the resident's page."""
    async with resident.http.get(resident.page_url) as response:
        page = await response.text()
    found = re.search(r'href="(http://[^"]+/verder/[^"]+)"', page)
    assert found is not None
    return found.group(1)


def session_of(resident: WebResident) -> str:
    cookies = resident.http.cookie_jar.filter_cookies(URL(resident.page_url))
    return cookies["samenspraak"].value


async def test_a_continue_link_nobody_was_given_opens_nothing(served: WebhookRunner) -> None:
    """A token the attacker picked (a message, a QR sticker): a clear page, no cookie; and
    a link of the right shape with a made-up check the same."""
    made_up = ["A" * 43, "A" * 43 + ".9999999999.AAAAAAAAAAAAAAAAAAAAAAAA", "x"]
    async with aiohttp.ClientSession() as http:
        for link in made_up:
            url = f"{served.base_url}{PAGE}/verder/{link}"
            async with http.get(url, allow_redirects=False) as response:
                assert response.status == 404
                assert INVALID in await response.text()
                assert "Set-Cookie" not in response.headers
            async with http.post(
                url, data={"continue": "yes"}, headers={"Origin": served.base_url}
            ) as response:
                assert "Set-Cookie" not in response.headers
                assert INVALID in await response.text()


async def test_a_browser_with_its_own_session_is_asked_before_it_switches(
    served: WebhookRunner,
) -> None:
    """The attacker's own, real link sent to a resident who is answering: the resident's
    browser is asked, keeps its session when they say no, and nothing switches without a
    post from this site's own page."""
    attacker = WebResident(served.base_url)
    resident = WebResident(served.base_url)
    try:
        await at_question_2(attacker)
        link = await continue_link(attacker)
        await resident.open(AFVAL, n=1)
        async with resident.http.get(link) as response:  # nothing of its own yet: no warning
            page = await response.text()
        assert CONTINUE in page and OWN not in page
        await resident.press("Ja, ik doe mee", n=3, edits=1)
        own = session_of(resident)
        async with resident.http.get(link, allow_redirects=False) as response:
            assert response.status == 200
            page = await response.text()
            assert "Set-Cookie" not in response.headers
        assert CONTINUE in page and OWN in page
        assert 'name="continue" value="yes"' in page and 'name="continue" value="no"' in page
        assert session_of(resident) == own
        # Another site's post (or one without Origin) switches nothing.
        for origin in ({"Origin": "https://elders.example"}, {}, {"Origin": "null"}):
            async with resident.http.post(
                link, data={"continue": "yes"}, headers=origin, allow_redirects=False
            ) as response:
                assert response.status == 403
        assert session_of(resident) == own
        async with resident.http.post(
            link, data={"continue": "no"}, headers={"Origin": served.base_url}
        ) as response:
            assert str(response.url).endswith(PAGE)
        assert session_of(resident) == own
        said = await resident.open(AFVAL, n=4)  # still their own conversation, at question 1
        assert said.last.text.startswith("Vraag 1 van 7")
    finally:
        await attacker.close()
        await resident.close()


async def test_a_session_without_consent_has_no_working_link(served: WebhookRunner) -> None:
    """Nothing is stored before consent, so there is nothing to continue: the link of a
    page nobody said yes on opens nothing (an attacker cannot pre-make an empty session
    for a resident to fill)."""
    attacker = WebResident(served.base_url)
    try:
        await attacker.open(AFVAL, n=1)
        link = await continue_link(attacker)
        async with aiohttp.ClientSession() as http, http.get(link) as response:
            assert response.status == 404 and INVALID in await response.text()
    finally:
        await attacker.close()


def test_a_continue_link_works_a_day_for_its_own_questionnaire() -> None:
    now = [1_800_000_000.0]
    links = Continuation(b"secret", clock=lambda: now[0])
    token = "t" * 43
    link = links.link(AFVAL, token)
    assert links.token(AFVAL, link) == token
    assert links.token("groen-in-de-wijk", link) is None
    assert Continuation(b"other", clock=lambda: now[0]).token(AFVAL, link) is None
    until = link.split(".")[1]
    assert links.token(AFVAL, link.replace(until, str(int(until) + 3600))) is None
    now[0] += VALID_SECONDS - 1
    assert links.token(AFVAL, link) == token
    now[0] += 1
    assert links.token(AFVAL, link) is None


async def test_a_huge_typed_text_is_answered_and_not_kept(
    served: WebhookRunner, web: WebResident
) -> None:
    """1 MB of ``"`` (6 MB once escaped) in one post: the friendly answer that a text is
    too long, nothing stored, and the page stays small."""
    await at_question_2(web)
    before = await sql(served, "SELECT count(*) FROM answers")
    body = "text=" + '"' * 1_000_000 + f"&csrf={web.csrf}&step={web.step}"
    async with web.http.post(
        web.page_url,
        data=body.encode(),
        headers={
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    ) as response:
        assert response.status == 200
        answer = await response.read()
    assert len(answer) < 16 * 1024
    assert "Je tekst is te lang: 1.000.000 tekens." in json.loads(answer)["lines"][-1]["html"]
    # Up to the door's limit the conversation answers, as on Telegram; the page keeps
    # only the start of it.
    said = await web.say('"' * TYPED_CHARS, n=1)
    assert (
        said.last.text
        == "Dat antwoord ken ik niet. Tik op een knop of typ een nummer van 1 tot en met 3."
    )
    async with web.http.get(web.page_url) as response:
        page = await response.read()
    assert len(page) < 64 * 1024
    assert await sql(served, "SELECT count(*) FROM answers") == before
    said = await web.press("2. Ondergrondse containers", n=1, edits=1)  # it goes on
    assert said.last.text.startswith("Vraag 3 van 7")


def test_a_transcript_keeps_at_most_its_bytes() -> None:
    transcript = Transcript()
    for _ in range(100):
        transcript.typed("é" * 4000)
    assert sum(len(line.html.encode()) for line in transcript.lines) <= KEPT_BYTES
    assert len(transcript.lines[-1].html) == 4000


async def test_odd_line_numbers_are_no_500(served: WebhookRunner, web: WebResident) -> None:
    """A pressed button's ``line`` that ``str.isdigit`` takes but ``int`` does not (``²``,
    5,000 digits): taken as no line, never a traceback."""
    await at_question_2(web)
    for line in ["\u00b2", "9" * 5000, "-1", " 7"]:
        response = await web.post({"csrf": web.csrf, "press": "x", "line": line})
        assert response.status < 500, (line[:8], response.status)
    said = await web.press("2. Ondergrondse containers", n=1, edits=1)
    assert said.last.text.startswith("Vraag 3 van 7")


FORGED_HOST = 'x"><b>hi</b>'


async def test_the_pages_links_come_from_the_bots_public_address(
    served: WebhookRunner, web: WebResident
) -> None:
    """Without PUBLIC_URL, the chat pages' own links start where the results pages' and
    the letters' do (:func:`bot.core.links.public_base`: here WEBHOOK_URL's origin), never
    with what a request's ``Host`` says."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(served.base_url + PAGE + "/insluiten", headers={"Host": FORGED_HOST}) as got,
    ):
        embed = await got.text()
    assert "<b>hi</b>" not in embed and "hi&lt;/b&gt;" not in embed
    assert f'href="{served.base_url}{PAGE}"' in embed
    await at_question_2(web)
    async with web.http.get(web.page_url, headers={"Host": "elders.example"}) as response:
        page = await response.text()
    assert f'href="{served.base_url}{PAGE}/verder/' in page and "elders.example" not in page


async def test_the_embed_snippet_escapes_the_address_the_browser_asked_for(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """With neither PUBLIC_URL nor WEBHOOK_URL (``samenspraak run``), the links come from
    the request's ``Host``: written into the page as text, never as markup."""
    with reserve_port() as reserved:
        runner = PollingWithPages(fake, sqlite_url, reserved.port)
        await runner.start()
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.get(reserved.url + PAGE + "/insluiten", headers={"Host": FORGED_HOST}) as got,
            ):
                assert got.status == 200
                embed = await got.text()
        finally:
            await runner.stop()
    assert "<b>hi</b>" not in embed
    assert 'href="http://x&quot;&gt;&lt;b&gt;hi&lt;/b&gt;/praat/' in embed


async def test_a_post_refused_by_its_headers_is_refused_before_its_body(
    served: WebhookRunner, web: WebResident
) -> None:
    """No cookie, another site's ``Origin``, or a session that posts too fast: refused
    as soon as the headers are in, before a body of a megabyte (never sent here) is
    read."""
    await web.open(AFVAL, n=1)
    cookie = session_of(web)

    def head(*lines: str) -> bytes:
        return (
            "\r\n".join(
                [
                    f"POST {PAGE} HTTP/1.1",
                    f"Host: 127.0.0.1:{served.port}",
                    "Content-Type: application/x-www-form-urlencoded",
                    "Content-Length: 1000000",
                    "Connection: close",
                    *lines,
                ]
            )
            + "\r\n\r\ncsrf="
        ).encode()

    assert (await raw(served, head()))[0] == 403
    foreign = head(f"Cookie: samenspraak={cookie}", "Origin: https://elders.example")
    assert (await raw(served, foreign))[0] == 403
    for _ in range(BURST):  # the session's burst, spent on posts that store nothing
        await web.post({"csrf": "x"})
    status, body = await raw(served, head(f"Cookie: samenspraak={cookie}"))
    assert status == 429 and "Rustig aan!" in body.decode()
