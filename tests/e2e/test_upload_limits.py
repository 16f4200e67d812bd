"""Uploads that cost the bot more than a questionnaire should: large valid files keep no
resident waiting while they are checked, and a file far larger than Telegram says (a
self-hosted Bot API server serves up to 2 GB) is refused without being read whole."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from pathlib import Path

import psutil
import pytest

from flows.loader import MAX_FILE_BYTES, parse
from sandbox.fakeapi import FakeBotApi
from tests.e2e.test_admin import ADMIN, admin, audit_log, running
from tests.support.bots import TOKEN, WEBHOOK_SECRET, bot_environment
from tests.support.ports import reserve_port
from tests.support.processes import ChildProcess, environment, polling, registered, samenspraak

# --- checked off the event loop ---------------------------------------------------------------


def heavy(qid: str) -> str:
    """A valid questionnaire of about 180 KB that takes long to check: 60 questions of 30
    areas, each with its postcodes (about 20,000 values)."""
    lines = [
        "schema_version: 1",
        f"id: {qid}",
        "version: 1",
        "theme: {nl: Wijken, en: Districts}",
        f"title: {{nl: Wijken {qid}, en: Districts}}",
        "intro: {nl: Veel wijken., en: Many districts.}",
        "questions:",
    ]
    for q in range(60):
        lines += [
            f"  - id: vraag{q}",
            "    type: area",
            f'    text: {{nl: "Waar woon je ({q})?", en: "Where do you live ({q})?"}}',
            "    areas:",
        ]
        for a in range(30):
            codes = ", ".join(f'"{1000 + a * 10 + k}"' for k in range(3))
            label = f"{{nl: Wijk {a}, en: District {a}}}"
            lines.append(f"      - {{id: wijk{a}, label: {label}, postcodes: [{codes}]}}")
    return "\n".join(lines) + "\n"


@pytest.mark.slow
async def test_residents_are_answered_while_large_uploads_are_checked(
    fake: FakeBotApi, database_url: str
) -> None:
    """Three large valid files, and a resident's /help right after them: the help comes
    first; then one of them is published. The event loop never stood still for half the
    time one file takes to check (checked on the loop, each file stops it for all of that
    time).

    Stalls are counted in the CPU time of the loop's own thread, not on the wall clock: on
    a busy machine (the suite runs in parallel with other work) the operating system may
    leave the whole process waiting for a core, which says nothing about what runs on the
    loop; work done on the loop, such as checking a file, shows in its CPU time."""
    sources = {f"wijken{i}": heavy(f"wijken{i}") for i in range(3)}
    assert all(len(source.encode()) < MAX_FILE_BYTES for source in sources.values())
    started = time.thread_time()
    parse(sources["wijken0"], "wijken0.yaml")  # valid, and what checking one costs here
    cost = time.thread_time() - started
    # What this test process gathered before (a pytest worker runs many tests) is kept out
    # of the garbage collector's way: a full collection of all of it stalls any loop, and
    # it is not the bot's doing.
    gc.collect()
    gc.freeze()
    try:
        await _check_large_uploads(fake, database_url, sources, cost)
    finally:
        gc.unfreeze()


async def _check_large_uploads(
    fake: FakeBotApi, database_url: str, sources: dict[str, str], cost: float
) -> None:
    async with running(fake, database_url):
        boss, resident = admin(fake), fake.user()
        stalls: list[float] = []
        done = asyncio.Event()

        async def probe() -> None:
            while not done.is_set():
                before = time.thread_time()
                await asyncio.sleep(0.005)
                stalls.append(time.thread_time() - before)

        probing = asyncio.create_task(probe())
        for qid, source in sources.items():
            await boss.send_document(f"{qid}.yaml", source.encode(), "application/x-yaml")
        help_ = await resident.ask("/help", 60)
        previews = await boss.next_messages(3, 120)
        await boss.press("Publiceren", message=previews[0])  # its dates are not read again
        published = await boss.next_message(60)
        done.set()
        await probing

    assert help_.text.startswith("Zo werkt het")
    assert published.text.startswith("✅ Wijken wijken")
    assert sorted(p.text.split("\n")[1] for p in previews) == [
        f"Nieuwe vragenlijst {qid}, versie 1." for qid in sources
    ]
    answered = [
        str(call.params.get("chat_id"))
        for call in fake.calls
        if call.method == "sendMessage" and call.ok
    ]
    assert answered.index(str(resident.id)) < answered.index(str(ADMIN)), "help waited for a file"
    assert max(stalls) < cost / 2, f"the event loop was busy {max(stalls):.2f} s at a stretch"


def checkers() -> list[psutil.Process]:
    """The questionnaire checking processes of this test's bot (bot.core.parsing) that are
    alive (one killed a moment ago may be a zombie until it is reaped: not counted)."""
    alive: list[psutil.Process] = []
    for child in psutil.Process().children():
        with contextlib.suppress(psutil.Error):
            if "spawn_main" in " ".join(child.cmdline()):
                alive.append(child)
    return alive


@pytest.mark.slow
async def test_every_problem_of_a_large_file_comes_back_from_the_checking_process(
    fake: FakeBotApi, database_url: str
) -> None:
    source = heavy("wijken").replace("    type: area\n", "    type: wijk\n", 1)
    async with running(fake, database_url):
        boss = admin(fake)
        await boss.send_document("wijken.yaml", source.encode(), "application/x-yaml")
        reply = await boss.next_message(120)
        assert reply.text.splitlines()[2:] == [
            "• regel 9, questions.vraag0.type: 'wijk' is geen soort vraag. Kies uit: "
            "choice, multi, scale, yesno, text, number, area, grid, ranking, date"
        ]


@pytest.mark.slow
async def test_a_checking_process_that_dies_is_replaced(
    fake: FakeBotApi, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    async with running(fake, database_url):
        boss = admin(fake)
        await boss.send_document("wijken.yaml", heavy("wijken").encode(), "application/x-yaml")
        deadline = time.monotonic() + 60
        while not (found := checkers()):
            assert time.monotonic() < deadline, "no checking process started"
            await asyncio.sleep(0.01)
        for process in found:
            process.kill()  # as the kernel's out-of-memory killer would
        preview = await boss.next_message(120)
        assert preview.text.startswith("Voorbeeld: Wijken wijken")
    assert "the questionnaire parser process died; starting another" in caplog.text
    assert checkers() == [], "the new one ended with the bot"


@pytest.mark.slow
async def test_a_file_whose_checking_process_keeps_dying_gets_a_friendly_answer(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running(fake, database_url) as runner:
        boss = admin(fake)
        stop = asyncio.Event()

        async def killing() -> int:
            killed: set[int] = set()
            while not stop.is_set():
                for process in checkers():
                    with contextlib.suppress(psutil.Error):
                        process.kill()
                        killed.add(process.pid)
                await asyncio.sleep(0.01)
            return len(killed)

        killer = asyncio.create_task(killing())
        await boss.send_document("wijken.yaml", heavy("wijken").encode(), "application/x-yaml")
        reply = await boss.next_message(120)
        stop.set()
        assert await killer == 2
        assert reply.text == "Het controleren van het bestand lukte niet. Stuur het nog een keer."
        [entry] = await audit_log(runner, "upload")
        assert entry.detail == {"file": "wijken.yaml", "result": "check_failed"}


@pytest.mark.slow
# Both commands, both endings (the same Services.close and the same worker in each command).
@pytest.mark.parametrize(("command", "end"), [("run", "SIGTERM"), ("serve", "SIGKILL")])
async def test_the_checking_process_ends_with_the_bot(
    command: str, end: str, database_url: str, tmp_path: Path
) -> None:
    """A large upload starts the process that checks it; whether the bot stops cleanly or
    is killed, that process does not outlive it."""
    port = reserve_port()
    async with FakeBotApi(TOKEN) as fake:
        boss = fake.user(ADMIN, first_name="Beheerder")
        serving = {
            "webhook_url": f"{port.url}/telegram",
            "webhook_secret": WEBHOOK_SECRET,
            "http_host": "127.0.0.1",
            "http_port": port.port,
        }
        variables = bot_environment(
            database_url,
            fake.url,
            admin_user_ids=ADMIN,
            **(serving if command == "serve" else {}),
        )
        bot = ChildProcess(
            command, samenspraak(command), environment(home=tmp_path, **variables), tmp_path
        )
        helpers: list[psutil.Process] = []
        bot.launch()
        try:
            await bot.wait_until(polling(fake) if command == "run" else registered(fake))
            await boss.send_document("wijken.yaml", heavy("wijken").encode(), "application/x-yaml")
            preview = await boss.next_message(120)
            assert preview.text.startswith("Voorbeeld: Wijken wijken"), preview.text
            assert bot.popen is not None
            helpers = psutil.Process(bot.popen.pid).children(recursive=True)
            assert any("multiprocessing" in " ".join(p.cmdline()) for p in helpers), helpers
            if end == "SIGTERM":
                assert await bot.terminate() == 0, bot.log_tail()
            else:
                bot.kill()
            _, left = await asyncio.to_thread(psutil.wait_procs, helpers, 20)
            assert left == [], f"still running after the bot ended: {left}"
        finally:
            bot.kill()
            port.release()
            for helper in helpers:  # after a failure: nothing left behind by the test
                with contextlib.suppress(psutil.Error):
                    helper.kill()


# --- read within bounds -----------------------------------------------------------------------

#: What the fake states, and what the file really holds: far beyond the 256 KB allowed and
#: beyond what the sockets between the fake and the bot buffer.
DECLARED, REAL = 1024, 64 * 1024 * 1024


async def test_a_file_larger_than_telegram_says_is_refused_unread(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running(fake, database_url) as runner:
        boss = admin(fake)
        sent = await boss.send_document(
            "groot.yaml", b"#" * REAL, "application/x-yaml", declared_size=DECLARED
        )
        reply = await boss.next_message(30)
        assert reply.text == "Dit bestand is te groot. Een vragenlijst is hoogstens 256 KB."
        document = fake.chat(ADMIN).user_messages[sent]["document"]
        assert document["file_size"] == DECLARED
        served = fake.file(document["file_id"]).bytes_served
        assert 256 * 1024 < served < REAL // 4, f"the bot read {served} bytes"
        [entry] = await audit_log(runner, "upload")
        assert entry.detail == {"file": "groot.yaml", "result": "too_big"}


async def test_a_file_telegram_cannot_give_gets_a_friendly_answer(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running(fake, database_url):
        boss = admin(fake)
        fake.fail_next("getFile", status=400, description="Bad Request: file is too big")
        await boss.send_document("fietsen.yaml", b"id: fietsen\n", "application/x-yaml")
        reply = await boss.next_message()
        assert reply.text == "Het ophalen van het bestand lukte niet. Stuur het nog een keer."
