"""The ``samenspraak`` command."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import signal
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app import heap
from bot.app.serve import add_arguments as add_serve_arguments
from bot.app.serve import cmd_serve
from bot.core.config import ConfigError, Settings, load_settings
from flows.loader import QuestionnaireError, load_file, questionnaire_files
from sandbox.run import add_arguments as sandbox_arguments
from sandbox.run import cmd_sandbox

# SQLAlchemy, python-telegram-bot and the storage layer are imported where they are needed:
# ``questionnaire validate`` and a configuration error then answer without loading them.
if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.audit import AuditRecord

log = logging.getLogger("samenspraak")


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # At DEBUG python-telegram-bot logs every update (names, usernames, message text), every
    # Bot API call's parameters (chat ids, texts) and the API URL with the token: never
    # below INFO, whatever LOG_LEVEL says.
    if logging.getLevelName(level) < logging.INFO:
        logging.getLogger("telegram").setLevel(logging.INFO)
    # Alembic announces each of its plugins at INFO on every start: noise for an operator.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _fail(message: str, status: int = 2) -> int:
    print(f"samenspraak: {message}", file=sys.stderr)
    return status


# --- run --------------------------------------------------------------------------------------


async def _run(settings: Settings) -> None:
    from bot.app.application import run_polling
    from bot.core.services import build_services

    services = await build_services(settings)
    log.info("%d questionnaire(s) loaded", len(services.catalog))
    heap.settle()  # start-up is done: what it loaded stays
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await run_polling(services, stop)
    finally:
        await services.close()


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.telegram_bot_token is None and args.or_sandbox:
        from sandbox.run import cmd_sandbox

        print(
            "No TELEGRAM_BOT_TOKEN configured: starting the SANDBOX (a local imitation of "
            "Telegram). To run for real, put TELEGRAM_BOT_TOKEN=... from @BotFather in .env "
            "and run `make run` again.",
            flush=True,
        )
        return cmd_sandbox(argparse.Namespace(host="127.0.0.1", port=8080, questionnaire=None))
    settings.token  # noqa: B018 - fail early, with the BotFather hint, when it is missing
    from telegram.error import InvalidToken, NetworkError

    from storage.repo import ChangedVersionError

    setup_logging(settings.log_level)
    try:
        asyncio.run(_run(settings))
    except QuestionnaireError as exc:
        return _fail("a questionnaire is not valid; the bot does not start.\n" + str(exc))
    except ChangedVersionError as exc:
        return _fail(str(exc))
    except InvalidToken:  # its message contains the token: not shown
        return _fail(
            f"{settings.telegram_api_url} does not accept TELEGRAM_BOT_TOKEN; copy the token "
            "again from @BotFather (or send /revoke there for a new one)"
        )
    except NetworkError as exc:
        reason = str(exc).replace(settings.token, "<token>")
        return _fail(f"cannot reach the Bot API at {settings.telegram_api_url}: {reason}", 1)
    return 0


# --- questionnaire ----------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    problems = 0
    files: list[Path] = []
    for name in args.paths:
        path = Path(name)
        if path.is_dir():
            files.extend(questionnaire_files(path))
        else:
            files.append(path)
    if not files:
        return _fail("no questionnaire files found", 1)
    for path in files:
        try:
            questionnaire = load_file(path)
        except QuestionnaireError as exc:
            problems += len(exc.problems)
            for problem in exc.problems:
                print(problem)
            continue
        print(
            f"ok  {path}: {questionnaire.id} version {questionnaire.version}, "
            f"{len(questionnaire.questions)} questions"
        )
    if problems:
        print(f"{problems} problem(s) found", file=sys.stderr)
        return 1
    return 0


async def _list(settings: Settings) -> None:
    from bot.core.services import build_services
    from storage import admin

    services = await build_services(settings)
    try:
        now = services.clock()
        async with services.sessions() as db:
            states = await admin.overview(db)
        catalog = services.catalog
        print(f"{'id':<24} {'version':>7} {'status':<9} {'now':<8} {'responses':>9}  title")
        for state in states:
            flow = catalog.current(state.id) or catalog.get(state.id, state.current_version)
            title = flow.questionnaire.title.nl if flow else "?"
            if state.draft_version is not None and state.published:
                title += f"  (draft version {state.draft_version} waiting)"
            status = (
                "scheduled" if state.status == admin.DRAFT and state.published else state.status
            )
            is_open = catalog.is_open(state.id, now, settings.zone)
            # Completed responses that count: no test runs, no replaced revisions (as /beheer).
            print(
                f"{state.id:<24} {state.current_version:>7} {status:<9} "
                f"{'open' if is_open else 'closed':<8} {state.completed:>9}  {title}"
            )
    finally:
        await services.close()


def cmd_list(args: argparse.Namespace) -> int:
    from storage.repo import ChangedVersionError

    settings = load_settings()
    setup_logging("WARNING")
    try:
        asyncio.run(_list(settings))
    except (QuestionnaireError, ChangedVersionError) as exc:
        return _fail(str(exc))
    return 0


# --- export -----------------------------------------------------------------------------------


async def _export(settings: Settings, questionnaire_id: str, form: str) -> tuple[bytes, int]:
    from bot.admin.export import csv_text, export_table, xlsx_bytes
    from bot.core.services import build_services

    services = await build_services(settings, seed=False)
    try:
        table, flow = await export_table(services, questionnaire_id)
        if form == "xlsx":
            data = await asyncio.to_thread(xlsx_bytes, table, flow.questionnaire.title.nl)
        else:
            data = csv_text(table).encode("utf-8")
        async with services.sessions.begin() as db:
            await _audit(db, "export", questionnaire_id, rows=len(table.rows), format=form)
        return data, len(table.rows)
    finally:
        await services.close()


def cmd_export(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup_logging("WARNING")
    if args.format == "xlsx" and not args.output:
        return _fail("--format xlsx writes a file: add --output FILE.xlsx")
    # Written only when complete: an unknown questionnaire or a failure leaves no file behind.
    try:
        data, count = asyncio.run(_export(settings, args.questionnaire, args.format))
    except LookupError as exc:
        return _fail(str(exc.args[0]), 1)
    if not args.output:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    try:
        with open(args.output, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror}", 1)
    print(f"{count} response(s) written to {args.output}", file=sys.stderr)
    return 0


# --- questionnaire import, open, close, archive -------------------------------------------------


def _who() -> str:
    """The operating-system user running the command, for the audit log."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment or password database
        return "?"


async def _audit(db: AsyncSession, action: str, target: str | None, **detail: object) -> None:
    from storage import audit

    await audit.record(
        db, action, actor=None, via="cli", target=target, detail={"user": _who(), **detail}
    )


async def _import(settings: Settings, path: Path, source: str, publish: bool) -> str:
    from bot.core.services import build_services, utc_now
    from flows.loader import parse
    from storage import admin

    questionnaire = parse(source, str(path))
    services = await build_services(settings, seed=False)
    try:
        now = utc_now()
        async with services.sessions.begin() as db:
            draft = await admin.store_draft(db, questionnaire, source, uploaded_by=None, now=now)
            await _audit(db, "upload", questionnaire.id, file=path.name, version=draft.version)
            if not publish:
                return (
                    f"{questionnaire.key}: stored as a draft; publish it with --publish, or "
                    "preview, test and publish it in Telegram (/beheer)"
                )
            published = await admin.publish(
                db, questionnaire.id, questionnaire.version, now=now, zone=settings.zone
            )
            await _audit(
                db, "publish", questionnaire.id, version=draft.version, status=published.status
            )
        before = (
            f"; sessions started on version {published.previous_version} finish on it"
            if published.previous_version is not None
            else ""
        )
        return f"{questionnaire.key}: published, {published.status}{before}"
    finally:
        await services.close()


def cmd_import(args: argparse.Namespace) -> int:
    from storage.admin import Refused

    settings = load_settings()
    setup_logging("WARNING")
    path = Path(args.file)
    try:
        load_file(path)  # every problem (size, encoding, content) before anything is stored
        source = path.read_text(encoding="utf-8")
        print(asyncio.run(_import(settings, path, source, args.publish)))
    except QuestionnaireError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return 1
    except Refused as exc:
        return _fail(str(exc), 1)
    return 0


async def _transition(settings: Settings, action: str, questionnaire_id: str) -> str:
    from bot.core.services import build_services, utc_now
    from storage import admin

    services = await build_services(settings, seed=False)
    try:
        async with services.sessions.begin() as db:
            change = await admin.transition(
                db, questionnaire_id, action, now=utc_now(), zone=settings.zone
            )
            await _audit(
                db, action, questionnaire_id, **{"from": change.before, "to": change.after}
            )
        return f"{questionnaire_id}: {change.before} -> {change.after}"
    finally:
        await services.close()


def cmd_transition(args: argparse.Namespace) -> int:
    from storage.admin import Refused

    settings = load_settings()
    setup_logging("WARNING")
    try:
        print(asyncio.run(_transition(settings, args.action, args.id)))
    except Refused as exc:
        if exc.code == "unknown":
            return _fail(f"{exc}; see `samenspraak questionnaire list`", 1)
        return _fail(str(exc), 1)
    return 0


# --- audit ------------------------------------------------------------------------------------


async def _audit_log(settings: Settings, since: date | None, action: str | None) -> list[str]:
    from datetime import datetime, time

    from storage import audit, migrate
    from storage.db import create_engine, session_factory

    engine = create_engine(settings.database_url)
    try:
        await migrate.upgrade(engine)
        start = datetime.combine(since, time(), tzinfo=settings.zone) if since else None
        async with session_factory(engine)() as db:
            entries = await audit.entries(db, since=start, action=action)
    finally:
        await engine.dispose()
    return [_audit_line(entry, settings) for entry in entries]


def _audit_line(entry: AuditRecord, settings: Settings) -> str:
    detail = dict(entry.detail)
    if not entry.allowed:
        who = "refused"
    elif entry.actor is not None:
        who = f"admin {entry.actor}"
    elif entry.via == "cli":
        who = f"user {detail.pop('user', '?')}"
    else:
        who = entry.via
    details = " ".join(f"{key}={value}" for key, value in detail.items())
    at = entry.at.astimezone(settings.zone)
    line = f"{at:%Y-%m-%d %H:%M:%S}  {entry.via:<8}  {who:<16}  {entry.action:<10}"
    return f"{line}  {entry.target or '-':<24}  {details}".rstrip()


def cmd_audit(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup_logging("WARNING")
    for line in asyncio.run(_audit_log(settings, args.since, args.action)):
        print(line)
    return 0


# --- digest -----------------------------------------------------------------------------------


async def _digest(settings: Settings, args: argparse.Namespace) -> str:
    from datetime import datetime, time, timedelta

    from bot.core.services import build_services
    from bot.staff.digests import DEFAULT_PERIOD, DigestService
    from storage import digest as store

    services = await build_services(settings, seed=False)
    try:
        service = DigestService(services, settings.schedule, settings.digest_chat_id)
        now = services.clock()
        if args.since:
            since = datetime.combine(args.since, time(), tzinfo=settings.zone)
        else:
            async with services.sessions() as db:
                last = await store.last_scheduled(db, settings.digest_chat_id)
            since = last.period_end if last else now - DEFAULT_PERIOD
        if since >= now:
            raise ValueError("--since must lie in the past")
        digest = await service.build(
            kind="on_demand",
            since=since,
            until=now + timedelta(seconds=1),
            questionnaire_id=args.questionnaire,
            charts=args.send,
        )
        if args.send:
            from telegram import Bot

            if settings.digest_chat_id is None:
                raise ValueError("DIGEST_CHAT_ID is not set: where should the digest go?")
            api = settings.telegram_api_url
            async with Bot(
                settings.token, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot"
            ) as bot:
                await service.send(bot, settings.digest_chat_id, digest)
            return f"digest sent to {settings.digest_chat_id}"
        from flows.texts import plain_text

        return plain_text(digest.text())
    finally:
        await services.close()


def cmd_digest(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup_logging("WARNING")
    try:
        print(asyncio.run(_digest(settings, args)))
    except LookupError as exc:
        return _fail(f"{exc.args[0]}; see `samenspraak questionnaire list`", 1)
    except ValueError as exc:
        return _fail(str(exc), 2)
    return 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-02") from None


# --- db ---------------------------------------------------------------------------------------


async def _db(settings: Settings, action: str, revision: str) -> None:
    from storage import migrate
    from storage.db import create_engine

    engine = create_engine(settings.database_url)
    try:
        if action == "upgrade":
            await migrate.upgrade(engine, revision or "head")
        elif action == "downgrade":
            await migrate.downgrade(engine, revision or "-1")
        current = await migrate.current(engine)
        print(f"database at revision {current or '(empty)'}; newest is {migrate.head()}")
    finally:
        await engine.dispose()


def cmd_db(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup_logging("WARNING")
    asyncio.run(_db(settings, args.action, args.revision))
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="samenspraak",
        description="Samenspraak: residents answer a municipality's questionnaires on Telegram.",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="start the bot (long polling)")
    run.add_argument(
        "--or-sandbox",
        action="store_true",
        help="without TELEGRAM_BOT_TOKEN, start the sandbox instead (what `make run` does)",
    )
    run.set_defaults(func=cmd_run)

    serve = commands.add_parser(
        "serve", help="start the webhook server (several workers can share PostgreSQL)"
    )
    add_serve_arguments(serve)
    serve.set_defaults(func=cmd_serve)

    sandbox = commands.add_parser(
        "sandbox", help="try it in your browser: a local imitation of Telegram, no token needed"
    )
    sandbox_arguments(sandbox)
    sandbox.set_defaults(func=cmd_sandbox)

    questionnaire = commands.add_parser(
        "questionnaire", help="check, list, import, open, close or archive questionnaires"
    )
    q_commands = questionnaire.add_subparsers(dest="action", required=True, metavar="ACTION")
    validate = q_commands.add_parser("validate", help="check questionnaire files")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="YAML files or folders")
    validate.set_defaults(func=cmd_validate)
    listing = q_commands.add_parser(
        "list", help="show every questionnaire with its status and number of responses"
    )
    listing.set_defaults(func=cmd_list)
    importing = q_commands.add_parser(
        "import", help="store a questionnaire file as a draft (or --publish it at once)"
    )
    importing.add_argument("file", metavar="FILE", help="a questionnaire YAML file")
    importing.add_argument(
        "--publish", action="store_true", help="publish it: new sessions start on this version"
    )
    importing.set_defaults(func=cmd_import)
    for action, text in (
        ("open", "open a questionnaire for residents"),
        ("close", "close a questionnaire: nobody can start it any more"),
        ("archive", "archive a closed questionnaire (final)"),
    ):
        change = q_commands.add_parser(action, help=text)
        change.add_argument("id", metavar="ID", help="the questionnaire's id")
        change.set_defaults(func=cmd_transition, action=action)

    export = commands.add_parser("export", help="export responses (pseudonymous)")
    export.add_argument("--questionnaire", "-q", required=True, metavar="ID")
    export.add_argument("--format", "-f", default="csv", choices=["csv", "xlsx"])
    export.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
    export.set_defaults(func=cmd_export)

    digest = commands.add_parser("digest", help="print (or --send) a digest for civil servants")
    digest.add_argument("--questionnaire", "-q", metavar="ID", help="one questionnaire only")
    digest.add_argument(
        "--since", type=_date, metavar="DATE", help="start of the period (default: last digest)"
    )
    digest.add_argument("--send", action="store_true", help="send it to DIGEST_CHAT_ID")
    digest.set_defaults(func=cmd_digest)

    audit = commands.add_parser("audit", help="show the audit log: who did what, and when")
    audit.add_argument(
        "--since", type=_date, metavar="DATE", help="from this day on (e.g. 2026-11-02)"
    )
    audit.add_argument("--action", metavar="ACTION", help="only this action, e.g. publish")
    audit.set_defaults(func=cmd_audit)

    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current", "downgrade"])
    db.add_argument("revision", nargs="?", default="", help="default: head / one step down")
    db.set_defaults(func=cmd_db)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError | ConnectionError):  # unreachable, locked, refused...
            return _fail(f"cannot use the database: {_reason(exc)}", 1)
        if isinstance(exc, OSError):  # e.g. a folder that cannot be written
            return _fail(_reason(exc), 1)
        raise


def _reason(exc: BaseException) -> str:
    """The driver's own words, on one line (never the URL, which may hold a password)."""
    cause = getattr(exc, "orig", None) or exc  # a DBAPIError wraps the driver's exception
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__


if __name__ == "__main__":
    sys.exit(main())
