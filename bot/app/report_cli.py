"""``samenspraak report``: a questionnaire's report as an editable Word file or as the
static public results page (HTML, Dutch or English), written only when complete."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, time, timedelta

from bot.app.console import fail, setup_logging
from bot.core.config import Settings, load_settings
from flows.schema import LANGUAGES


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from bot.app.manage import day

    report = commands.add_parser(
        "report", help="write a questionnaire's report (Word) or public results page (HTML)"
    )
    report.add_argument("--questionnaire", "-q", required=True, metavar="ID")
    report.add_argument("--format", "-f", default="docx", choices=["docx", "html"])
    report.add_argument("--output", "-o", required=True, metavar="FILE")
    report.add_argument(
        "--lang", choices=LANGUAGES, default="nl", help="the page's language (html only)"
    )
    report.add_argument(
        "--since", type=day, metavar="DATE", help="from this day on (default: from the start)"
    )
    report.add_argument(
        "--until",
        type=day,
        metavar="DATE",
        help="up to and including this day (default: until now)",
    )
    report.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    from bot.staff.report_docx import TemplateError
    from bot.staff.reports import UnknownQuestionnaire

    settings = load_settings()
    setup_logging("WARNING")
    try:
        data, note = asyncio.run(_report(settings, args))
    except UnknownQuestionnaire as exc:
        return fail(
            f"there is no questionnaire {exc.args[0]!r}; see `samenspraak questionnaire list`", 1
        )
    except TemplateError as exc:
        return fail(str(exc), 1)
    except ValueError as exc:
        return fail(str(exc), 2)
    try:
        with open(args.output, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror}", 1)
    print(f"report written to {args.output}{note}", file=sys.stderr)
    return 0


async def _report(settings: Settings, args: argparse.Namespace) -> tuple[bytes, str]:
    from bot.core.services import build_services
    from bot.staff.reports import ReportService

    services = await build_services(settings, seed=False)
    try:
        service = ReportService(services)
        since = datetime.combine(args.since, time(), tzinfo=settings.zone) if args.since else None
        until = None
        if args.until:  # the whole last day
            until = datetime.combine(args.until + timedelta(days=1), time(), tzinfo=settings.zone)
        if since is not None and until is not None and since >= until:
            raise ValueError("--since must not be after --until")
        if args.format == "docx":
            report, data = await service.docx(args.questionnaire, since=since, until=until)
        else:
            report, page = await service.html(
                args.questionnaire, args.lang, since=since, until=until
            )
            data = page.encode()
    finally:
        await services.close()
    if report.level == "empty":
        return data, " (nobody has answered yet: the report says so)"
    if report.level == "suppressed":
        return data, (
            f" (fewer than {report.min_cell} residents took part: every figure is left out, "
            "and the report says why)"
        )
    return data, ""
