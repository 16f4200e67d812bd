"""An image on a question (``image:``) through the fake Bot API: uploaded for the first
resident, by ``file_id`` for the next; a photo that cannot be sent leaves the question asked
(logged once); an https URL that answers 404 or is no image is refused when an
administrator uploads the questionnaire in chat, with the line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import shutil
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app import manage
from bot.core import images
from sandbox.fakeapi import FakeBotApi
from sandbox.spec import UploadedFile
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import WebhookRunner, join, running_bot
from tests.e2e.test_admin import ADMIN, running, upload
from tests.support.doors import WebResident

PLAN = QUESTIONNAIRES / "images" / "buurtschouw.png"
TLS = Path(__file__).resolve().parents[1] / "fixtures" / "tls"
QUESTION = "Is dit een goede plek voor de nieuwe speeltuin?"
FETCHED: list[str] = []  # the paths the https server was asked for
ALT = "Kaart van het park met de nieuwe speeltuin in de noordhoek"


def plan_yaml(image: str, questionnaire_id: str = "plan", *, alt: str = "") -> str:
    return f"""\
schema_version: 1
id: {questionnaire_id}
version: 1
theme: {{nl: Spelen}}
title: {{nl: Plan speeltuin}}
intro: {{nl: Over de nieuwe speeltuin.}}
questions:
  - id: plek
    type: yesno
    image: "{image}"
    {alt}
    text: {{nl: "{QUESTION}"}}
  - id: waarom
    type: text
    optional: true
    text: {{nl: "Waarom?"}}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A questionnaires folder with the plan questionnaire and its image next to it."""
    here = tmp_path / "questionnaires"
    (here / "images").mkdir(parents=True)
    shutil.copyfile(PLAN, here / "images" / "plan.png")
    (here / "plan.yaml").write_text(plan_yaml("images/plan.png"), encoding="utf-8")
    return here


def photo_calls(fake: FakeBotApi) -> list[object]:
    return [call.params["photo"] for call in fake.calls if call.method == "sendPhoto"]


async def test_the_first_resident_gets_an_upload_the_next_the_file_id(
    fake: FakeBotApi, database_url: str, folder: Path
) -> None:
    async with running_bot(fake, database_url, questionnaires_dir=folder):
        first, second = fake.user(), fake.user()
        for resident in (first, second):
            await join(resident, then="plan")
            intro, photo, question = await resident.next_messages(3)
            assert intro.text.startswith("Plan speeltuin")
            assert photo.photo == PLAN.read_bytes() and not photo.text
            assert QUESTION in question.text and question.buttons
        uploaded, by_id = photo_calls(fake)
        assert isinstance(uploaded, UploadedFile) and uploaded.data == PLAN.read_bytes()
        assert isinstance(by_id, str) and by_id.startswith("AgAC")
        # « Vorige back onto the question does not send the picture again.
        answered = await first.ask("ja")
        assert answered.text.startswith("Vraag 2")
        await first.press("« Vorige", message=answered)
        again = await first.next_message()
        assert QUESTION in again.text
        assert len(photo_calls(fake)) == 2
        # Coming back to the questionnaire later shows the picture again, by file_id.
        await second.send("/vragenlijsten")
        pick = await second.next_message()
        await second.press("Plan speeltuin", message=pick)
        resume, photo, question = await second.next_messages(3)
        assert resume.text == "Welkom terug! We gaan verder waar je was gebleven."
        assert photo.photo == PLAN.read_bytes() and QUESTION in question.text
        assert photo_calls(fake)[-1] == by_id


async def test_a_photo_that_cannot_be_sent_leaves_the_question_asked_and_is_logged_once(
    fake: FakeBotApi, database_url: str, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.core.images")
    async with running_bot(fake, database_url, questionnaires_dir=folder):
        fake.fail_next(
            "sendPhoto", status=400, description="Bad Request: IMAGE_PROCESS_FAILED", count=2
        )
        for _ in range(2):
            resident = fake.user()
            await join(resident, then="plan")
            _intro, question = await resident.next_messages(2)
            assert QUESTION in question.text and question.buttons
            assert await resident.ask("nee")  # the question works as ever
        said = [r for r in caplog.records if "could not send the image" in r.getMessage()]
        assert len(said) == 1 and "images/plan.png" in said[0].getMessage()
        later = fake.user()  # Telegram is back: the picture comes again
        await join(later, then="plan")
        _intro, photo, _question = await later.next_messages(3)
        assert photo.photo == PLAN.read_bytes()
        # A file_id Telegram no longer knows: refused once, then uploaded again and kept.
        fake.fail_next(
            "sendPhoto", status=400, description="Bad Request: wrong file identifier/HTTP URL"
        )
        forgotten = fake.user()
        await join(forgotten, then="plan")
        _intro, photo, _question = await forgotten.next_messages(3)
        assert photo.photo == PLAN.read_bytes()
        *_, first, refused, uploaded = photo_calls(fake)
        assert isinstance(first, UploadedFile) and isinstance(uploaded, UploadedFile)
        assert isinstance(refused, str) and refused.startswith("AgAC")  # later's file_id
        assert len([r for r in caplog.records if "could not send" in r.getMessage()]) == 1


@pytest.fixture
async def https_server() -> AsyncIterator[str]:
    """A local https server (tests/fixtures/tls): /plan.png a PNG, /pagina.png an HTML page,
    anything else 404; the bot's URL check trusts its certificate."""

    async def plan(request: web.Request) -> web.Response:
        FETCHED.append(request.path)
        return web.Response(body=PLAN.read_bytes(), content_type="image/png")

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html>Niet gevonden</html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/plan.png", plan)
    app.router.add_get("/pagina.png", page)
    async with serving_https(app) as url:
        yield url


@contextlib.asynccontextmanager
async def serving_https(app: web.Application) -> AsyncIterator[str]:
    """``app`` on a local https server with the certificate of tests/fixtures/tls, which
    the bot's image fetching (``bot.core.images.TLS``) trusts meanwhile; its address."""
    serving = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serving.load_cert_chain(TLS / "localhost.pem", TLS / "localhost.key")
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=serving)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    trusting = ssl.create_default_context(cafile=str(TLS / "localhost.pem"))
    before, images.TLS = images.TLS, trusting
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        images.TLS = before
        await runner.cleanup()


async def test_an_image_url_that_is_missing_or_no_image_is_refused_at_upload(
    fake: FakeBotApi, database_url: str, https_server: str
) -> None:
    async with running(fake, database_url):
        boss = fake.user(ADMIN)
        missing = await upload(boss, "plan.yaml", plan_yaml(f"{https_server}/weg.png"))
        assert missing.text.startswith("plan.yaml klopt nog niet. Er is niets opgeslagen.")
        assert (
            f"• regel 10, questions.plek.image: '{https_server}/weg.png' gaf geen afbeelding: "
            "het adres antwoordde met HTTP 404 in plaats van 200 (bestaat de URL?)"
        ) in missing.text
        page = await upload(boss, "plan.yaml", plan_yaml(f"{https_server}/pagina.png"))
        assert "wat het adres gaf is geen PNG-, JPEG- of WebP-afbeelding" in page.text
        plain = await upload(boss, "plan.yaml", plan_yaml("http://example.org/plan.png"))
        assert "een URL voor een afbeelding begint met https://" in plain.text
        absent = await upload(boss, "plan.yaml", plan_yaml("images/nergens.png"))
        assert "images/nergens.png' is niet gevonden in" in absent.text
        good = await upload(boss, "plan.yaml", plan_yaml(f"{https_server}/plan.png"))
        assert "klopt nog niet" not in good.text and good.buttons  # the preview


async def test_validate_names_a_missing_file_and_a_404_url_with_their_lines(
    https_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``samenspraak questionnaire validate`` (run in a thread: it runs its own loop)."""
    missing = tmp_path / "plan.yaml"
    missing.write_text(plan_yaml("images/plan.png"), encoding="utf-8")
    gone = tmp_path / "weg.yaml"
    gone.write_text(plan_yaml(f"{https_server}/weg.png", "weg"), encoding="utf-8")
    arguments = argparse.Namespace(paths=[str(missing), str(gone)], lang="en")
    assert await asyncio.to_thread(manage.cmd_validate, arguments) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"{missing}:10: questions.plek.image: 'images/plan.png' was not found in {tmp_path}",
        f"{gone}:10: questions.plek.image: '{https_server}/weg.png' gave no image: the address "
        "answered HTTP 404 instead of 200 (does the URL exist?)",
    ]


_PICTURE = re.compile(r'<img class="picture" src="([^"]+)" alt="([^"]*)">')
_ADDRESSES = re.compile(r'(?:src|href|action)="([^"]*)"')


async def test_the_web_door_shows_the_picture_from_its_own_server(
    fake: FakeBotApi, sqlite_url: str, folder: Path, https_server: str
) -> None:
    """On the chat page the question's picture comes from the page's own server, with its
    alt text (or a general one); an https picture is fetched by the server, once; nothing
    on the page points elsewhere; a name that is no picture of the questionnaire is not
    found."""
    (folder / "plan.yaml").write_text(
        plan_yaml("images/plan.png", alt=f'image_alt: {{nl: "{ALT}", en: "Map of the park"}}'),
        encoding="utf-8",
    )
    (folder / "verre.yaml").write_text(
        plan_yaml(f"{https_server}/plan.png", "verre"), encoding="utf-8"
    )
    FETCHED.clear()
    async with running_bot(fake, sqlite_url, webhook=True, questionnaires_dir=folder) as bot:
        assert isinstance(bot, WebhookRunner)
        shown: dict[str, tuple[str, str]] = {}
        for questionnaire in ("plan", "verre"):
            resident = WebResident(bot.base_url)
            try:
                await resident.open(questionnaire, n=1)
                said = await resident.press("Ja, ik doe mee", n=3, edits=1)
                assert QUESTION in said.last.text
                async with resident.http.get(resident.page_url) as response:
                    page = await response.text()
            finally:
                await resident.close()
            [(source, alt)] = _PICTURE.findall(page)
            shown[questionnaire] = (source, alt)
            for address in _ADDRESSES.findall(page):  # no request that leaves the server
                assert address.startswith(("/", "#", bot.base_url)), address
        assert shown["plan"][1] == ALT
        assert shown["verre"][1] == "Afbeelding bij deze vraag"  # none given: a general one
        async with aiohttp.ClientSession() as http:
            for questionnaire in ("plan", "verre", "verre"):
                source = shown[questionnaire][0]
                assert source.startswith(f"/praat/{questionnaire}/beeld/")
                async with http.get(bot.base_url + source) as response:
                    assert response.status == 200
                    assert response.content_type == "image/png"
                    assert await response.read() == PLAN.read_bytes()
                    assert "img-src 'self'" in response.headers["Content-Security-Policy"]
            # Another questionnaire's picture, or a made-up name: not found.
            key = shown["plan"][0].rsplit("/", 1)[1]
            for wrong in (f"/praat/verre/beeld/{key}", "/praat/plan/beeld/0000.png"):
                async with http.get(bot.base_url + wrong) as response:
                    assert response.status == 404
    assert FETCHED == ["/plan.png"]  # fetched once by the server, then kept
