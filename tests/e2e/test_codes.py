"""Invitation codes through the fake Bot API: an administrator's /codes gives the files for
the letters; a code opens its questionnaire once, by link or typed; a used, expired, closed or
wrong code gets its own answer; guessing is slowed down for the guesser only; a
questionnaire open to codes only is offered to nobody else."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from sqlalchemy import update

from flows import codes as shapes
from flows.texts import plain_text, t
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from storage import admin as store
from storage.models import SampleCode
from tests.e2e.test_admin import ADMIN, admin, audit_log, fiets_source, running, upload
from tests.e2e.test_privacy import my_data
from tests.e2e.test_stellingen import enter
from tests.support.bots import SECRET

PUBLIC = "https://bot.rivierstad.example"
KEY = shapes.code_key(SECRET.encode())


def said(key: str, **params: object) -> str:
    return plain_text(t("nl", key, **params))


async def make_codes(boss: FakeUser, questionnaire_id: str, count: int) -> list[dict[str, str]]:
    """/codes: the CSV, the PDF and the zip of QR codes; the CSV's rows."""
    await boss.send(f"/codes {questionnaire_id} {count}")
    sheet, printable, images = await boss.next_messages(3)
    assert sheet.document_name is not None and sheet.document_name.endswith(".csv")
    assert sheet.caption is not None and f"{count} uitnodigingscode" in sheet.caption
    assert printable.document is not None and printable.document.startswith(b"%PDF")
    assert images.document is not None and sheet.document is not None
    rows = list(csv.DictReader(io.StringIO(sheet.document.decode("utf-8-sig"))))
    with zipfile.ZipFile(io.BytesIO(images.document)) as archive:
        assert sorted(archive.namelist()) == sorted(row["qr"] for row in rows)
        assert all(archive.read(name).startswith(b"\x89PNG") for name in archive.namelist())
    return rows


async def joined(user: FakeUser) -> None:
    welcome = await user.ask("/start")
    await user.press("Ja, ik doe mee", message=welcome)
    await user.next_messages(2)


async def test_codes_from_a_letter(fake: FakeBotApi, sqlite_url: str) -> None:
    async with running(fake, sqlite_url, public_url=PUBLIC) as runner:
        boss = admin(fake)
        usage = await boss.ask("/codes afvalinzameling")
        assert usage.text.startswith("Zo maak je uitnodigingscodes")
        rows = await make_codes(boss, "afvalinzameling", 7)
        assert len({row["code"] for row in rows}) == 7
        for row in rows:
            code = shapes.normalise(row["code"])
            assert code is not None and row["code"] == shapes.grouped(code)
            assert row["url"] == f"{PUBLIC}/doe-mee/{code}"
            assert row["telegram"] == f"https://t.me/{fake.bot_username}?start={code}"
        [entry] = await audit_log(runner, "codes.create")
        assert (entry.actor, entry.target, entry.detail) == (
            ADMIN,
            "afvalinzameling",
            {"count": 7},
        )
        # A resident may not make codes.
        stranger = fake.user()
        await stranger.ask("/codes afvalinzameling 5")
        assert len(await audit_log(runner, "codes")) == 1  # the refused attempt, logged

        first, second, expiring, closing, spare, talking, typed = (
            shapes.normalise(r["code"]) for r in rows
        )
        assert first and second and expiring and closing and spare and talking and typed

        # The link of a letter (t.me/<bot>?start=<code>): consent, then the questionnaire.
        anna = fake.user(first_name="Anna")
        welcome = await anna.ask(f"/start {first}")
        await anna.press("Ja, ik doe mee", message=welcome)
        _thanks, ok, intro, question = await anna.next_messages(4)
        assert ok.text == said("codes.ok")
        assert intro.text.startswith("Afval ophalen in Rivierstad")
        assert question.text.startswith("Vraag 1 van")
        # Her own link again: she goes on where she was.
        back = await anna.ask(f"/start {first}")
        assert back.text == said("resume")
        await anna.next_message()

        # Typed by someone new: the consent question first, then the questionnaire.
        gijs = fake.user(first_name="Gijs")
        welcome = await gijs.ask(shapes.grouped(typed))
        assert welcome.text.startswith("Hallo!")
        await gijs.press("Ja, ik doe mee", message=welcome)
        _thanks, ok, intro, _question = await gijs.next_messages(4)
        assert ok.text == said("codes.ok") and intro.text.startswith("Afval ophalen")

        # Somebody else with the same code (typed, in lower case, with spaces): used.
        bas = fake.user(first_name="Bas")
        await joined(bas)
        used = await bas.ask(shapes.grouped(first).lower().replace("-", " "))
        assert used.text == said("codes.used")

        # An expired code, and a code of a closed questionnaire.
        assert runner.services is not None
        async with runner.services.sessions.begin() as db:
            await db.execute(
                update(SampleCode)
                .where(SampleCode.digest == shapes.code_digest(KEY, expiring))
                .values(expires_at=runner.services.clock() - timedelta(minutes=1))
            )
        assert (await bas.ask(shapes.grouped(expiring))).text == said("codes.expired")

        # Wrong codes: after a few, Bas must wait; even a right code is not looked at then.
        for _ in range(5):
            assert (await bas.ask("ABCD-2345-EF")).text == said("codes.wrong")
        slow = await bas.ask("ABCD-2345-EF")
        assert slow.text == said("codes.slow", count=3)
        assert (await bas.ask(shapes.grouped(second))).text == said("codes.slow", count=3)
        # Cor, typing at the same time, is not slowed down.
        cor = fake.user(first_name="Cor")
        await joined(cor)
        await cor.send(shapes.grouped(second))
        ok, intro, _question = await cor.next_messages(3)
        assert ok.text == said("codes.ok")

        # In a deliberation: a wrong code keeps her there, her letter's code opens it.
        fenna = fake.user(first_name="Fenna")
        statement = await enter(fenna)
        assert (await fenna.ask("ABCD-2345-EF")).text == said("codes.wrong")
        await fenna.send(shapes.grouped(talking))
        ok, intro, _question = await fenna.next_messages(3)
        assert ok.text == said("codes.ok") and intro.text.startswith("Afval ophalen")
        assert statement.buttons  # the statement left unanswered keeps its buttons

        async with runner.services.sessions.begin() as db:
            await store.transition(
                db,
                "afvalinzameling",
                "close",
                now=runner.services.clock(),
                zone=runner.services.settings.zone,
            )
        dirk = fake.user(first_name="Dirk")
        await joined(dirk)
        assert (await dirk.ask(closing)).text == said("codes.closed")
        assert (await dirk.ask(spare)).text == said("codes.closed")
        # Closed: no more codes for it.
        refused = await boss.ask("/codes afvalinzameling 10")
        assert "gesloten of gearchiveerd" in refused.text


async def test_a_questionnaire_for_codes_only(fake: FakeBotApi, sqlite_url: str) -> None:
    async with running(fake, sqlite_url) as runner:
        boss = admin(fake)
        preview = await upload(boss, "fietsen.yaml", fiets_source(extra="access: codes"))
        await boss.press("Publiceren", message=preview)
        await fake.settle()
        _published, offer = boss.drain()
        # For the sample only: no invitation to the theme's followers, also not later.
        no_invitations = said(
            "admin.codes.no_invitations", title="Fietsen in de stad", id="fietsen"
        )
        assert offer.text == no_invitations
        assert (await boss.ask("/uitnodigen fietsen")).text == no_invitations
        [row] = await make_codes(boss, "fietsen", 1)
        assert row["url"] == ""  # no PUBLIC_URL: the QR code opens the Telegram link
        assert (await boss.next_message()).text == said("admin.codes.no_url")
        code = shapes.normalise(row["code"])
        assert code is not None

        eva = fake.user(first_name="Eva")
        welcome = await eva.ask("/start")
        await eva.press("Ja, ik doe mee", message=welcome)
        _thanks, pick = await eva.next_messages(2)
        assert not any("Fietsen" in label for line in pick.buttons for label in line)
        only = await eva.ask("/start fietsen")
        assert only.text == said("codes.only")
        await eva.next_message()  # the open questionnaires
        await eva.send(code)
        ok, intro, _question = await eva.next_messages(3)
        assert ok.text == said("codes.ok")
        assert intro.text.startswith("Fietsen in de stad")
        # Now hers: listed for her, and her /start fietsen goes on.
        back = await eva.ask("/start fietsen")
        assert back.text == said("resume")
        await eva.next_message()
        # /mijngegevens says that her response came in with a code (not which one).
        document, data, _summary = await my_data(eva)
        [response] = data["responses"]
        assert response["with_invitation_code"] is True
        assert document.document is not None and code not in document.document.decode()
        assert runner.services is not None
