# Over 500 lines on purpose: the sandbox's whole start-up and shut-down in one place.
"""``samenspraak sandbox``: the whole product in a browser, without Telegram or a bot token.

One local web server plays Telegram: the fake Bot API (:class:`~sandbox.fakeapi.FakeBotApi`)
and a web chat on top of it (:mod:`sandbox.web`) share one port, with the bot's own chat
pages for residents without Telegram (``/praat/<questionnaire>``) and its results pages.
The unmodified bot runs in the same process, pointed at it, with its own SQLite file (never
the production one)::

    samenspraak sandbox                      # then open http://127.0.0.1:8080
    samenspraak sandbox --questionnaire my-new-questionnaire.yaml

The port answers only requests addressed to this machine's names and never those from
other web sites (:mod:`sandbox.guard`), and the fake's token is new on every run, so that
no web page elsewhere can drive the sandbox or read the draft it previews.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from bot.app.plugins import Command

# The fake, the web chat and the bot are imported when the sandbox starts, so that
# ``samenspraak --help`` (which adds this module's arguments) stays quick.
if TYPE_CHECKING:
    from aiohttp import web

    from bot.app.webdoor import WebDoor
    from bot.core.config import Settings
    from bot.core.services import Services
    from bot.staff.reports import ReportService
    from flows.schema import Questionnaire
    from sandbox.fakeapi import FakeBotApi
    from sandbox.web import WebChat

__all__ = [
    "COMMAND",
    "DEFAULT_DATABASE_URL",
    "SANDBOX_BOT_ID",
    "Sandbox",
    "add_arguments",
    "cmd_sandbox",
    "main",
    "new_token",
    "prepare_preview",
    "run_sandbox",
]

log = logging.getLogger("sandbox.run")

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/sandbox.db"
#: The sandbox bot's id: the part of its token before the colon.
SANDBOX_BOT_ID = 424242
#: Pseudonyms of sandbox residents; fixed, so they stay stable across sandbox runs.
SANDBOX_PSEUDONYM_SECRET = "sandbox-pseudonyms-not-for-production"  # noqa: S105
BOT_USERNAME = "samenspraak_sandbox_bot"

BANNER = (
    "SANDBOX: a local imitation of Telegram in your browser; nothing goes to real Telegram. "
    "To run for real: set TELEGRAM_BOT_TOKEN in .env, then `make run`."
)


def new_token() -> str:
    """A new token for one run of the sandbox.

    The fake answers only calls that carry it (``/bot<token>/...``, ``/file/bot<token>/...``);
    it is random, so a web page elsewhere cannot guess where to send a forged call. It opens
    only this local fake, never a real bot.
    """
    return f"{SANDBOX_BOT_ID}:{secrets.token_urlsafe(32)}"


class SandboxError(Exception):
    """The sandbox cannot start (one line, said to the user as is)."""


def _sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite URL; ``None`` for other databases and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _check_database(database_url: str) -> None:
    """Refuse the production database: sandbox data must never end up there."""
    from bot.core.config import DEFAULT_DATABASE_URL as PRODUCTION

    sandbox_file = _sqlite_file(database_url)
    production_file = _sqlite_file(PRODUCTION)
    if database_url == PRODUCTION or (
        sandbox_file is not None
        and production_file is not None
        and sandbox_file.resolve() == production_file.resolve()
    ):
        raise SandboxError(
            f"{database_url} is the production database; the sandbox keeps its data apart "
            f"(default {DEFAULT_DATABASE_URL})"
        )


def prepare_preview(questionnaires_dir: Path, preview: Path, into: Path) -> str:
    """Copy the questionnaires and ``preview`` into ``into``; returns the preview's id.

    Raises :class:`~flows.loader.QuestionnaireError` listing every problem of ``preview``.
    A questionnaire in ``questionnaires_dir`` with the same id (or file name) is left out:
    the preview replaces it. The images the questionnaires name by path (``image:``) come
    along, to the same relative place. A preview that says ``kind: stellingen`` is a
    deliberation: checked as one, it goes (with the other deliberations) into ``stellingen/``.
    """
    from flows import deliberation
    from flows.loader import load_file

    if deliberation.is_deliberation(preview.read_text(encoding="utf-8")):
        return _prepare_deliberation(questionnaires_dir, preview, into)
    questionnaire = load_file(preview)
    into.mkdir(parents=True, exist_ok=True)
    _copy_questionnaires(questionnaires_dir, into, questionnaire.id, preview)
    target = preview.name if preview.suffix in (".yaml", ".yml") else f"{preview.name}.yaml"
    shutil.copyfile(preview, into / target)
    _copy_images(questionnaire, preview.parent, into)
    return questionnaire.id


def _prepare_deliberation(questionnaires_dir: Path, preview: Path, into: Path) -> str:
    """:func:`prepare_preview` for a deliberation: every questionnaire but one with its id,
    the other deliberations, and ``preview`` in ``into/stellingen``."""
    from flows import deliberation
    from flows.loader import QuestionnaireError, questionnaire_files

    talk = deliberation.load_file(preview)
    talks = into / deliberation.FOLDER
    talks.mkdir(parents=True, exist_ok=True)
    _copy_questionnaires(questionnaires_dir, into, talk.id, None)
    if questionnaires_dir.is_dir():
        folder = questionnaires_dir / deliberation.FOLDER
        for path in questionnaire_files(folder) if folder.is_dir() else []:
            if path.name == preview.name or path.resolve() == preview.resolve():
                continue
            try:
                if deliberation.load_file(path).id == talk.id:
                    continue
            except QuestionnaireError:
                pass  # copied anyway: the bot reports it
            shutil.copyfile(path, talks / path.name)
    target = preview.name if preview.suffix in (".yaml", ".yml") else f"{preview.name}.yaml"
    shutil.copyfile(preview, talks / target)
    return talk.id


def _copy_questionnaires(
    questionnaires_dir: Path, into: Path, leave_out_id: str, leave_out: Path | None
) -> None:
    """The questionnaires of ``questionnaires_dir`` (with their images) into ``into``, but
    the one with the id ``leave_out_id`` or the file ``leave_out``: the preview replaces it."""
    from flows.loader import QuestionnaireError, load_file, questionnaire_files

    if not questionnaires_dir.is_dir():
        return
    for path in questionnaire_files(questionnaires_dir):
        if leave_out is not None and (
            path.name == leave_out.name or path.resolve() == leave_out.resolve()
        ):
            continue
        try:
            other = load_file(path)
            if other.id == leave_out_id:
                continue
            _copy_images(other, path.parent, into)
        except QuestionnaireError:
            pass  # copied anyway: the bot reports it
        shutil.copyfile(path, into / path.name)


def _copy_images(questionnaire: Questionnaire, folder: Path, into: Path) -> None:
    """The local images of a valid ``questionnaire`` (checked by load_file), from ``folder``
    to the same place under ``into``."""
    for question in questionnaire.questions:
        image = question.image
        if image is None or image.startswith("https://"):
            continue
        target = into / image
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / image, target)


class Sandbox:
    """The fake Telegram with its web chat, and the bot running against it.

    ``port`` 0 takes a free port. ``deep_link``: the first resident sends ``/start
    <deep_link>`` as soon as the bot runs (and again after a reset). ``token``: the fake's
    token, by default a new random one (:func:`new_token`); tests that call the Bot API as
    the bot would pass their own.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8080,
        database_url: str = DEFAULT_DATABASE_URL,
        questionnaires_dir: Path = Path("questionnaires"),
        deep_link: str | None = None,
        notify: Callable[[str], None] | None = None,
        token: str | None = None,
    ) -> None:
        _check_database(database_url)
        self.host = host
        self.port = port
        self.database_url = database_url
        self.questionnaires_dir = questionnaires_dir
        self.deep_link = deep_link
        self._notify = notify or (lambda line: log.warning("%s", line))
        from sandbox.fakeapi import FakeBotApi
        from sandbox.web import WebChat

        #: The fake's token for this run: the bot's, and part of every Bot API address.
        self.token = token or new_token()
        self.fake: FakeBotApi = FakeBotApi(self.token, bot_username=BOT_USERNAME)
        self.web: WebChat = WebChat(self.fake, reset=self.reset)
        self.services: Services | None = None
        self._reports: dict[int, ReportService] = {}  # the results pages' service, by bot
        self._door: WebDoor | None = None  # the running bot's chat pages (its web door)
        self._bot_stop: asyncio.Event | None = None
        self._bot_task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    @property
    def url(self) -> str:
        """Where to open the web chat."""
        url = self.fake.url
        for wildcard in ("0.0.0.0", "[::]", "::"):  # noqa: S104 - only replaced, not bound
            url = url.replace(f"//{wildcard}:", "//127.0.0.1:")
        return url

    def settings(self) -> Settings:
        """The bot's settings: every value that could reach production is overridden."""
        from bot.core.config import load_settings
        from sandbox.web import ADMIN_USER_ID, GROUP_CHAT_ID

        return load_settings(
            telegram_bot_token=self.token,
            telegram_api_url=self.url,
            database_url=self.database_url,
            questionnaires_dir=self.questionnaires_dir,
            admin_user_ids=[ADMIN_USER_ID],
            digest_chat_id=GROUP_CHAT_ID,
            pseudonym_secret=SANDBOX_PSEUDONYM_SECRET,
            public_url=self.url,  # outcome messages link to the sandbox's results pages
        )

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Serve the fake and the web chat, then start the bot against them.

        Until the bot runs, the page's actions are refused ("starting"): a page left open
        from an earlier run would otherwise send updates before the fake knows which update
        ids the database has seen (:meth:`_start_bot`).
        """
        self.web.busy = "starting"
        try:
            await self.fake.start(self.host, self.port, app=self._application())
        except OSError as exc:
            raise SandboxError(
                f"cannot listen on {self.host}:{self.port} ({exc.strerror or exc}); is another "
                "sandbox running? Try another --port"
            ) from None
        try:
            self._populate()
            await self._start_bot(self.settings())
            self.web.busy = None
            await self._open_deep_link()
        except BaseException:
            await self.stop()
            raise

    def _application(self) -> web.Application:
        """The web chat and, as ``samenspraak run`` and ``serve`` have them, the residents'
        chat pages (/praat/<id>, /doe-mee/<code>) and the published results pages
        (/resultaten/<id>) of the bot running in the sandbox: the routes stay, the bot
        behind them changes when it starts again (503 while none runs)."""
        from bot.app.webdoor import add_current_routes
        from bot.staff import report_web
        from bot.staff.reports import ReportService

        app = self.web.application()
        made = self._reports  # one service (and page cache) per bot start

        def reports() -> ReportService | None:
            services = self.services
            if services is None:
                return None
            if id(services) not in made:
                made.clear()
                made[id(services)] = ReportService(services)
            return made[id(services)]

        report_web.add_routes(app, reports)
        add_current_routes(app, lambda: self._door)
        return app

    async def stop(self) -> None:
        """Stop the bot, end the page's event streams, stop the server."""
        try:
            await self._stop_bot()
        finally:
            await self.web.close()
            self.web.detach()
            await self.fake.stop()

    async def reset(self) -> None:
        """Start again: stop the bot, wipe the sandbox database and chats, start the bot."""
        if _sqlite_file(self.database_url) is None:
            raise SandboxError("starting again needs a SQLite sandbox database")
        async with self._lock:
            await self._stop_bot()
            self._delete_database()
            self.fake.reset()
            self._populate()
            await self._start_bot(self.settings())
            await self._open_deep_link()

    def _populate(self) -> None:
        """The page's chats: the administrator's, the group's and the first resident's,
        with the same ids on every run (the database knows them as the same people).
        Residents added on the page later get ids no earlier run gave out, counted on from
        the milliseconds since 1970 (a run would have to add one every millisecond to
        catch up with the next run's): a new resident must not take over what the bot
        stored of one added before a restart."""
        self.web.populate()
        self.fake.continue_user_ids_after(int(time.time() * 1000))

    def _delete_database(self) -> None:
        path = _sqlite_file(self.database_url)
        if path is None:
            return
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    async def _open_deep_link(self) -> None:
        residents = self.web.residents()
        if self.deep_link and residents:
            await self.fake.user(residents[0].user_id).send(f"/start {self.deep_link}")

    async def _start_bot(self, settings: Settings) -> None:
        from bot.app.application import run_polling
        from bot.core.services import build_services
        from storage import updates
        from storage.admin import ChangedVersionError

        try:
            services = await build_services(settings)
        except ChangedVersionError as exc:
            if _sqlite_file(self.database_url) is None:
                raise
            self._notify(
                f"Note: {exc}. The real bot would refuse to start; the sandbox starts afresh "
                "with an empty sandbox database instead."
            )
            self._delete_database()
            services = await build_services(settings)
        self.services = services
        # The database keeps the ids of the updates its bot handled (processed_updates) and
        # drops a new update with such an id as a redelivery; the fake numbers from 1 again
        # on every start. Telegram's ids only go up: go on above the highest one handled.
        # (Ids that retention forgot are no longer taken for redeliveries, and every id
        # still kept is at most this one.)
        async with services.sessions() as db:
            handled = await updates.highest(db)
        self.fake.continue_updates_after(handled or 0)
        self._bot_stop = asyncio.Event()
        polls = self._polls()
        self._bot_task = asyncio.create_task(
            run_polling(services, self._bot_stop, on_web_door=self._door_opened)
        )
        for _ in range(1500):
            if self._polls() > polls:
                return
            if self._bot_task.done():
                self._bot_task.result()  # raises what went wrong
                raise SandboxError("the bot stopped right after starting")
            await asyncio.sleep(0.01)
        raise SandboxError("the bot did not start within 15 seconds")

    def _door_opened(self, door: WebDoor) -> None:
        self._door = door

    def _polls(self) -> int:
        # python-telegram-bot deletes any webhook right before it starts long polling.
        return sum(1 for call in self.fake.calls if call.method == "deleteWebhook")

    async def _stop_bot(self) -> None:
        task, stop, services = self._bot_task, self._bot_stop, self.services
        self._bot_task = self._bot_stop = self.services = None
        self._door = None
        try:
            if task is not None and stop is not None:
                stop.set()
                try:
                    await asyncio.wait_for(task, 30)
                except TimeoutError:
                    log.warning("the bot did not stop within 30 s; cancelled")
        finally:
            for reports in list(self._reports.values()):
                await reports.close()  # pages being made in the background
            self._reports.clear()
            if services is not None:
                await services.close()


async def run_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    database_url: str = DEFAULT_DATABASE_URL,
    questionnaires_dir: Path = Path("questionnaires"),
    preview: Path | None = None,
    stop: asyncio.Event | None = None,
    token: str | None = None,
) -> None:
    """Run the sandbox until ``stop`` is set, or Ctrl-C / SIGTERM.

    ``preview``: a questionnaire file loaded only into the sandbox (beside the ones in
    ``questionnaires_dir``) and opened for the first resident with ``/start <id>``. If it
    does not validate, :class:`~flows.loader.QuestionnaireError` (listing every problem) is
    raised and nothing starts. With the default ``database_url`` a preview gets a fresh
    temporary database of its own. ``token``: see :class:`Sandbox` (by default a new
    random one).
    """

    def say(line: str) -> None:
        print(line, flush=True)

    say(BANNER)
    stop = stop or asyncio.Event()
    with tempfile.TemporaryDirectory(prefix="samenspraak-sandbox-") as temp:
        directory, deep_link = questionnaires_dir, None
        if preview is not None:
            directory = Path(temp) / "questionnaires"
            deep_link = prepare_preview(questionnaires_dir, preview, directory)
            if database_url == DEFAULT_DATABASE_URL:
                # A preview is a throwaway: a fresh database, so that an author can change
                # the file and look again without raising its version each time.
                database_url = f"sqlite+aiosqlite:///{Path(temp) / 'preview.db'}"
        sandbox = Sandbox(
            host=host,
            port=port,
            database_url=database_url,
            questionnaires_dir=directory,
            deep_link=deep_link,
            notify=say,
            token=token,
        )
        await sandbox.start()
        handled = _on_signals(stop.set)
        try:
            if deep_link is not None:
                say(f"Previewing questionnaire {deep_link!r} (only in this sandbox).")
            say(f"Open {sandbox.url} in your browser. Press Ctrl-C to stop.")
            talk = deep_link or "<questionnaire>"
            say(f"The chat page for residents without Telegram: {sandbox.url}/praat/{talk}")
            await stop.wait()
        finally:
            for sig in handled:
                with contextlib.suppress(Exception):
                    asyncio.get_running_loop().remove_signal_handler(sig)
            await sandbox.stop()
        say("Sandbox stopped.")


def _on_signals(callback: Callable[[], None]) -> list[signal.Signals]:
    """Call ``callback`` on Ctrl-C and SIGTERM (where the loop supports it)."""
    loop = asyncio.get_running_loop()
    handled = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, callback)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # not the main thread, or Windows: Ctrl-C still raises KeyboardInterrupt
        handled.append(sig)
    return handled


# --- command line -----------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``samenspraak sandbox``."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s); the page answers only at this "
        "name, 127.0.0.1, localhost and [::1]",
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--questionnaire",
        "-q",
        type=Path,
        metavar="FILE",
        help="preview this questionnaire file in the sandbox only (opened for the first resident)",
    )


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Run ``samenspraak sandbox`` with parsed ``args``; returns the exit status."""
    from bot.core.config import ConfigError, load_settings
    from flows.loader import QuestionnaireError

    logging.basicConfig(
        level=logging.WARNING,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    preview: Path | None = args.questionnaire
    if preview is not None and not preview.is_file():
        print(f"samenspraak sandbox: {preview}: no such file", file=sys.stderr)
        return 2
    try:
        # The questionnaires the real bot would load (QUESTIONNAIRES_DIR, default
        # ./questionnaires); nothing else of the real configuration is used.
        questionnaires_dir = load_settings().questionnaires_dir
        asyncio.run(
            run_sandbox(
                host=args.host,
                port=args.port,
                questionnaires_dir=questionnaires_dir,
                preview=preview,
            )
        )
    except QuestionnaireError as exc:
        what = f"{preview} is" if preview is not None else "a questionnaire is"
        print(
            f"samenspraak sandbox: {what} not valid; the sandbox does not start.\n{exc}",
            file=sys.stderr,
        )
        return 1
    except (SandboxError, ConfigError) as exc:
        print(f"samenspraak sandbox: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


#: ``samenspraak sandbox``, registered through the ``samenspraak.commands`` entry point
#: (pyproject.toml): the bot never imports the sandbox.
COMMAND = Command(
    "sandbox",
    help="try it in your browser: a local imitation of Telegram, no token needed",
    add_arguments=add_arguments,
    run=cmd_sandbox,
)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m sandbox.run [--host H] [--port P] [--questionnaire FILE]``."""
    parser = argparse.ArgumentParser(
        prog="samenspraak sandbox",
        description="Try Samenspraak in your browser: a local imitation of Telegram, "
        "no bot token needed.",
    )
    add_arguments(parser)
    return cmd_sandbox(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
