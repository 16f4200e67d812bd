"""``samenspraak`` subcommands for operators: questionnaires (validate, list, import, open,
close, archive), exports, digests, the audit log and database migrations. Over 500 lines
because a deliberation file takes the same validate and import as a questionnaire's, here
beside them; the larger families have modules of their own (``report_cli``, ``codes_cli``,
``manage_population``).

SQLAlchemy, python-telegram-bot and the storage layer are imported where they are needed:
``questionnaire validate`` and a configuration error then answer without loading them.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.app.console import fail, setup_logging
from bot.core.config import Settings, load_settings
from flows import b1, deliberation
from flows.loader import Problem, QuestionnaireError, load_file, questionnaire_files, warnings
from flows.problems import Message
from flows.texts import plain_text, t

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from flows.deliberation import Deliberation
    from flows.schema import Questionnaire
    from storage.audit import AuditRecord


# --- questionnaire ----------------------------------------------------------------------------


async def _image_urls(questionnaire: Questionnaire, path: Path) -> list[Problem]:
    """The problems of the https images of a valid file (each fetched once, capped)."""
    from bot.core.images import check_urls

    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    return await check_urls(questionnaire, text, str(path))


def _files(folder: Path) -> list[Path]:
    """A folder's questionnaire files, then those of its deliberations (``stellingen/``)."""
    talks = folder / deliberation.FOLDER
    return questionnaire_files(folder) + (questionnaire_files(talks) if talks.is_dir() else [])


def _is_deliberation(path: Path) -> bool:
    """Whether ``path`` says ``kind: stellingen`` (an unreadable file: the loader says so)."""
    try:
        return deliberation.is_deliberation(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return False


def _validate_deliberation(path: Path, language: str) -> int:
    """A deliberation file, as the in-chat upload checks it: its problems (how many), or
    its ok line, what it has in Dutch only, and the B1 check."""
    try:
        talk = deliberation.load_file(path)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            print(problem.text(language))
        return len(exc.problems)
    print(f"ok  {path}: {talk.id} version {talk.version}, {len(talk.statements)} statements")
    missing = deliberation.untranslated(talk)
    if missing:
        where = ", ".join(missing)
        key = "admin.stellingen.preview.untranslated"
        said = t(language, key, count=len(missing), where=where)
        print(plain_text(said))
    print(plain_text(t(language, "admin.b1.head", easy=round(b1.EASY_SCORE))))
    for part in b1.report_deliberation(talk):
        findings = b1.findings(part, language)
        print(plain_text(t(language, "admin.b1.part", name=part.name, findings=findings)))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Every problem of every file, in ``--lang`` (English unless asked); warnings too, and
    the B1 check of every valid file's Dutch, part by part (:mod:`flows.b1`). A file that
    says ``kind: stellingen`` is a deliberation, checked as the in-chat upload checks it; a
    folder's ``stellingen/`` is validated with it."""
    language = args.lang
    problems = 0
    files: list[Path] = []
    for name in args.paths:
        path = Path(name)
        if path.is_dir():
            files.extend(_files(path))
        else:
            files.append(path)
    if not files:
        return fail("no questionnaire files found", 1)
    for path in files:
        if _is_deliberation(path):
            problems += _validate_deliberation(path, language)
            continue
        try:
            questionnaire = load_file(path)
            found = asyncio.run(_image_urls(questionnaire, path))
            if found:
                raise QuestionnaireError(found)
        except QuestionnaireError as exc:
            problems += len(exc.problems)
            for problem in exc.problems:
                print(problem.text(language))
            continue
        print(
            f"ok  {path}: {questionnaire.id} version {questionnaire.version}, "
            f"{len(questionnaire.questions)} questions"
        )
        for warning in warnings(questionnaire, str(path)):
            print(warning.text(language))
        print(plain_text(t(language, "admin.b1.head", easy=round(b1.EASY_SCORE))))
        for part in b1.report(questionnaire):
            findings = b1.findings(part, language)
            print(plain_text(t(language, "admin.b1.part", name=part.name, findings=findings)))
    if problems:
        print(Message.of("found", count=problems).text(language), file=sys.stderr)
        return 1
    return 0


async def _list(settings: Settings) -> None:
    from bot.core.services import build_services
    from flows import lifecycle
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
                "scheduled"
                if state.status == lifecycle.DRAFT and state.published
                else state.status
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
    from storage.admin import ChangedVersionError

    settings = load_settings()
    setup_logging("WARNING")
    try:
        asyncio.run(_list(settings))
    except (QuestionnaireError, ChangedVersionError) as exc:
        return fail(str(exc))
    return 0


async def _import(settings: Settings, path: Path, source: str, publish: bool) -> str:
    from bot.core.services import build_services, utc_now
    from flows.lifecycle import Refused
    from flows.loader import parse
    from storage import admin, deliberations

    questionnaire = parse(source, str(path))
    services = await build_services(settings, seed=False)
    try:
        now = utc_now()
        async with services.sessions.begin() as db:
            if await deliberations.get(db, questionnaire.id) is not None:
                # /start <id> would be ambiguous, as the chat upload says.
                raise Refused(
                    "deliberation",
                    f"{questionnaire.id} is the id of a deliberation; give the questionnaire "
                    "another id",
                    questionnaire=questionnaire.id,
                )
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


async def _import_deliberation(
    settings: Settings, path: Path, talk: Deliberation, source: str, publish: bool
) -> str:
    """A deliberation file, as the in-chat upload stores it (a draft) and as its
    "Publiceren" publishes it (:mod:`storage.deliberation_drafts`)."""
    from bot.core.services import build_services, utc_now
    from storage import deliberation_drafts as drafts

    key = f"{talk.id}@{talk.version}"
    services = await build_services(settings, seed=False)
    try:
        now = utc_now()
        async with services.sessions.begin() as db:
            await drafts.store_draft(db, talk, source, uploaded_by=None, now=now)
            await _audit(
                db, "upload", talk.id, file=path.name, version=talk.version, kind="stellingen"
            )
            if not publish:
                return (
                    f"{key}: deliberation stored as a draft; publish it with --publish, or "
                    "preview, test and publish it in Telegram (/beheer stellingen)"
                )
            done = await drafts.publish(db, talk.id, talk.version, mark=None, now=now)
            plan = done.plan
            await _audit(db, "publish", talk.id, **done.audit_detail())
        if plan is None:
            return f"{key}: deliberation published, {done.status}"
        return (
            f"{key}: deliberation published, {done.status}; replaces version "
            f"{done.previous_version}: {len(plan.kept)} statement(s) keep their votes, "
            f"{len(plan.reworded)} reworded (start afresh), {len(plan.removed)} removed, "
            f"{len(plan.added)} added"
        )
    finally:
        await services.close()


def cmd_import(args: argparse.Namespace) -> int:
    """A questionnaire file, or a deliberation file (``kind: stellingen``, checked as
    ``validate`` and the in-chat upload check it), stored as a draft or published; a stored
    questionnaire's warnings (a missing translation...) follow, as ``validate`` gives them."""
    from flows.lifecycle import Refused

    settings = load_settings()
    setup_logging("WARNING")
    path = Path(args.file)
    try:
        if _is_deliberation(path):
            talk = deliberation.load_file(path)  # every problem before anything is stored
            source = path.read_text(encoding="utf-8")
            print(asyncio.run(_import_deliberation(settings, path, talk, source, args.publish)))
            return 0
        # Every problem (size, encoding, content) before anything is stored.
        questionnaire = load_file(path)
        source = path.read_text(encoding="utf-8")
        print(asyncio.run(_import(settings, path, source, args.publish)))
        for warning in warnings(questionnaire, str(path)):  # as validate says them
            print(warning)
    except QuestionnaireError as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return 1
    except Refused as exc:
        return fail(str(exc), 1)
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
    from flows.lifecycle import Refused

    settings = load_settings()
    setup_logging("WARNING")
    try:
        print(asyncio.run(_transition(settings, args.action, args.id)))
    except Refused as exc:
        if exc.code == "unknown":
            return fail(f"{exc}; see `samenspraak questionnaire list`", 1)
        return fail(str(exc), 1)
    return 0


# --- export -----------------------------------------------------------------------------------


async def _export(settings: Settings, questionnaire_id: str, form: str) -> tuple[bytes, int]:
    from bot.admin.export import csv_text, export_data, sav_bytes, xlsx_bytes
    from bot.core.services import build_services

    services = await build_services(settings, seed=False)
    try:
        found = await export_data(services, questionnaire_id)
        if form == "sav":
            data = await asyncio.to_thread(sav_bytes, found.dataset(services))
        elif form == "xlsx":
            table = found.table(services)
            data = await asyncio.to_thread(xlsx_bytes, table, found.current.questionnaire.title.nl)
        else:
            data = csv_text(found.table(services)).encode("utf-8")
        async with services.sessions.begin() as db:
            await _audit(db, "export", questionnaire_id, rows=len(found.rows), format=form)
        return data, len(found.rows)
    finally:
        await services.close()


def cmd_export(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup_logging("WARNING")
    if args.format == "polis":
        return _export_polis(settings, args)
    if args.format in {"xlsx", "sav"} and not args.output:
        return fail(f"--format {args.format} writes a file: add --output FILE.{args.format}")
    # Written only when complete: an unknown questionnaire or a failure leaves no file behind.
    try:
        data, count = asyncio.run(_export(settings, args.questionnaire, args.format))
    except LookupError as exc:
        return fail(str(exc.args[0]), 1)
    if not args.output:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    try:
        with open(args.output, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror}", 1)
    print(f"{count} response(s) written to {args.output}", file=sys.stderr)
    return 0


def _export_polis(settings: Settings, args: argparse.Namespace) -> int:
    """A deliberation as a folder in Polis's open-data format (``--output DIR``)."""
    from analysis.opinions import PolisExport
    from bot.admin.export_stellingen import polis_export, write_folder
    from bot.core.services import build_services

    if not args.output:
        return fail("--format polis writes a folder: add --output DIR")

    async def run() -> tuple[PolisExport, int]:
        services = await build_services(settings, seed=False)
        try:
            export, _title = await polis_export(services, args.questionnaire)
            async with services.sessions.begin() as db:
                await _audit(db, "export", args.questionnaire, formats=["polis"])
        finally:
            await services.close()
        return export, len({v.voter_id for v in export.votes})

    try:
        export, count = asyncio.run(run())
    except LookupError as exc:
        return fail(str(exc.args[0]), 1)
    try:
        write_folder(export, Path(args.output))
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror}", 1)
    print(f"{count} participant(s) written to {args.output}", file=sys.stderr)
    return 0


# --- the audit log: who did what -------------------------------------------------------------


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


# --- digest -----------------------------------------------------------------------------------


async def _digest(settings: Settings, args: argparse.Namespace) -> str:
    from datetime import datetime, time, timedelta

    from bot.core.services import build_services
    from bot.staff.digests import DEFAULT_PERIOD, DigestService

    services = await build_services(settings, seed=False)
    try:
        service = DigestService(services, settings.schedule, settings.digest_chat_id)
        now = services.clock()
        if args.since:
            since = datetime.combine(args.since, time(), tzinfo=settings.zone)
        else:
            last = await service.last_scheduled_end(settings.digest_chat_id)
            since = last or now - DEFAULT_PERIOD
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
        return fail(f"{exc.args[0]}; see `samenspraak questionnaire list`", 1)
    except ValueError as exc:
        return fail(str(exc), 2)
    return 0


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-02") from None


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
