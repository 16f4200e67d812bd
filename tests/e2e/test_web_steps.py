"""The web door's posts name the step they answer, over real HTTP to ``samenspraak serve``:
a typed answer sent again, or from a tab that fell behind, is not stored for another
question; a double click is taken once; a button pressed again is not stored twice. And the
limits per network address: many new sessions from one address are slowed down, another
address is not."""

from __future__ import annotations

import html
import re

import aiohttp

from bot.app.webdoor import Visitor
from bot.app.webdoor_limits import Addresses, Rate
from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import WebhookRunner
from tests.e2e.test_conversation import sql
from tests.support.doors import WebResident

AFVAL = "afvalinzameling"
PAGE = f"/praat/{AFVAL}"
STALE = "Dit antwoord hoort bij een eerdere vraag. Ik heb het niet bewaard."
BUSY = "Er komen nu te veel bezoeken tegelijk van jouw netwerk."
Q2 = "Vraag 2 van 7"
Q3 = "Vraag 3 van "


async def answers(bot: WebhookRunner) -> list[tuple[str, str]]:
    rows = await sql(bot, "SELECT question_id, value FROM answers ORDER BY question_id")
    return [(str(question), str(value)) for question, value in rows]


async def at_question_2(resident: WebResident) -> None:
    await resident.open(AFVAL, n=1)
    await resident.press("Ja, ik doe mee", n=3, edits=1)
    said = await resident.say("Noord", n=1, edits=1)
    assert said.last.text.startswith(Q2)


async def test_a_typed_answer_sent_again_is_not_stored_for_the_next_question(
    served: WebhookRunner, web: WebResident
) -> None:
    await web.open(AFVAL, n=1)
    await web.press("Ja, ik doe mee", n=3, edits=1)
    at_question_1 = web.step
    await web.say("Noord", n=1, edits=1)
    at_question_2 = web.step
    said = await web.say("3", n=1, edits=1)
    assert said.last.text.startswith(Q3)
    stored = await answers(served)
    # The same form again (the reviewer's case): before, "3" became question 3's answer.
    again = await web.post({"csrf": web.csrf, "text": "3", "step": at_question_2})
    assert again.status == 200 and (await again.json())["lines"] == []
    assert await answers(served) == stored
    # An older form sent again: refused, said so, and the current question again.
    older = await web.post({"csrf": web.csrf, "text": "Noord", "step": at_question_1})
    lines = [line["html"] for line in (await older.json())["lines"]]
    assert any(STALE in line for line in lines)
    assert Q3 in lines[-1]
    # A post that names no step at all is no answer either.
    bare = await web.post({"csrf": web.csrf, "text": "1"})
    assert any(STALE in line["html"] for line in (await bare.json())["lines"])
    assert await answers(served) == stored
    # The page's own form goes on where it is.
    said = await web.say("4", n=-1)  # (the raw posts' lines are not in web.lines)
    assert said.last.text.startswith("Vraag 4 van ")
    assert len(await answers(served)) == len(stored) + 1


async def test_a_double_click_without_javascript_is_stored_once(
    served: WebhookRunner,
) -> None:
    resident = WebResident(served.base_url, javascript=False)
    try:
        await at_question_2(resident)
        form = {"csrf": resident.csrf, "text": "3", "step": resident.step}
        first = await resident.post(form)
        second = await resident.post(form)
        assert first.status == second.status == 303
        said = await resident.open(AFVAL, n=-1)
        assert said.last.text.startswith(Q3)
        assert not any(STALE in text for text in said.texts)
    finally:
        await resident.close()
    assert [question for question, _ in await answers(served)] == ["inzameling", "wijk"]


async def test_a_button_pressed_again_is_not_stored_twice(
    served: WebhookRunner, web: WebResident
) -> None:
    await at_question_2(web)
    line = max(web.lines)
    value = next(v for v, label in _buttons(web.lines[line][1]) if "Ondergrondse" in label)
    said = await web.press("2. Ondergrondse containers", n=1, edits=1)
    assert said.last.text.startswith(Q3)
    stored = await answers(served)
    again = await web.post({"csrf": web.csrf, "press": value, "line": str(line)})
    assert again.status == 200
    assert await answers(served) == stored


async def test_a_form_from_a_tab_that_fell_behind_is_refused(
    served: WebhookRunner, web: WebResident
) -> None:
    await at_question_2(web)
    # A second tab of the same browser shows question 2 too.
    async with web.http.get(web.page_url) as response:
        other_tab = await response.text()
    step = other_tab.split('name="step" value="', 1)[1].split('"', 1)[0]
    said = await web.say("1", n=1, edits=1)  # the first tab answers question 2
    assert said.last.text.startswith(Q3)
    stored = await answers(served)
    late = await web.post({"csrf": web.csrf, "text": "2", "step": step})
    lines = [line["html"] for line in (await late.json())["lines"]]
    assert any(STALE in line for line in lines) and Q3 in lines[-1]
    assert await answers(served) == stored


async def test_many_new_sessions_from_one_address_are_slowed_down_and_no_one_else(
    served: WebhookRunner,
) -> None:
    """Behind the reverse proxy (this test's requests come from the loopback address, as the
    proxy's do) the address is the one the proxy added to X-Forwarded-For."""
    busy = {"X-Forwarded-For": "203.0.113.7"}
    statuses: list[int] = []
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        while 429 not in statuses:  # a script that drops its cookie every time
            assert len(statuses) < 1000
            async with http.get(served.base_url + PAGE, headers=busy) as response:
                statuses.append(response.status)
                page = await response.text()
        assert BUSY in page
        assert len(statuses) > 20  # a household or an office gets plenty first
        async with http.get(served.base_url + PAGE, headers=busy) as response:
            assert response.status == 429
        other = {"X-Forwarded-For": "198.51.100.9"}
        async with http.get(served.base_url + PAGE, headers=other) as response:
            assert response.status == 200
    assert await sql(served, "SELECT count(*) FROM residents") == [(0,)]


async def test_a_post_on_another_worker_overwrites_nothing_on_the_page(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """Two ``serve`` workers on one database (round-robin routing): each keeps its own
    transcripts; the conversation and its step are the database's."""
    first, second = WebhookRunner(fake, sqlite_url), WebhookRunner(fake, sqlite_url)
    await first.start()
    await second.start()
    web = WebResident(first.base_url)
    try:
        await at_question_2(web)
        shown = set(web.lines)
        web.base_url = second.base_url  # the next post lands on the other worker
        answer = await (await web.post({"csrf": web.csrf, "text": "1", "step": web.step})).json()
        ids = {int(re.findall(r'<li id="m(\d+)"', line["html"])[0]) for line in answer["lines"]}
        assert ids and not ids & shown  # no line on the page is overwritten
        assert answer["reload"]  # the page reloads its state from this worker
        said = await web.open(AFVAL, n=-1)
        assert said.last.text.startswith(Q3)
        web.base_url = first.base_url  # and back: the step is the database's, not a worker's
        await web.say("4", n=-1)
        assert [question for question, _ in await answers(first)] == [
            "inzameling",
            "ophaaldagen",
            "wijk",
        ]
    finally:
        await web.close()
        await second.stop()
        await first.stop()


def test_an_address_gets_a_burst_then_a_steady_rate() -> None:
    now = [10.0]
    limits = Addresses(sessions=Rate(3, 0.5), posts=Rate(2, 1.0), clock=lambda: now[0])
    assert [limits.new_session("a") for _ in range(4)] == [True, True, True, False]
    assert limits.new_session("b")  # another address has its own
    now[0] += 2.0  # one more after two seconds
    assert limits.new_session("a") and not limits.new_session("a")
    assert [limits.post("a") for _ in range(3)] == [True, True, False]
    assert limits.post("b")


def test_a_browser_session_keeps_its_own_limit() -> None:
    now = [100.0]
    visitor = Visitor(allowance=2, clock=lambda: now[0])
    assert [visitor.allowed(2, 1.0) for _ in range(3)] == [True, True, False]
    now[0] += 1.0
    assert visitor.allowed(2, 1.0)


def _buttons(body: str) -> list[tuple[str, str]]:
    found = re.findall(r'name="press" value="([^"]*)">(.*?)</button>', body)
    return [(html.unescape(value), html.unescape(label)) for value, label in found]
