"""``samenspraak report``: a questionnaire's report as an editable Word file or as the
static public results page (HTML, Dutch or English), written only when complete. The
static page comes in both languages, side by side (``resultaten.html`` in the language
asked for and ``resultaten.en.html`` or ``resultaten.nl.html``), each linking to the other
by its file name, so the pair works wherever the municipality puts it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote

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
        files, note = asyncio.run(_report(settings, args))
    except UnknownQuestionnaire as exc:
        return fail(
            f"there is no questionnaire {exc.args[0]!r}; see `samenspraak questionnaire list`", 1
        )
    except TemplateError as exc:
        return fail(str(exc), 1)
    except ValueError as exc:
        return fail(str(exc), 2)
    for path, data in files:
        try:
            with open(path, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            return fail(f"cannot write {path}: {exc.strerror}", 1)
    also = "".join(f" (and {path} in the other language)" for path, _ in files[1:])
    print(f"report written to {args.output}{also}{note}", file=sys.stderr)
    return 0


def other_page(output: str, language: str) -> tuple[str, str]:
    """The other language of a static page and where it goes: ``x.html`` in Dutch beside
    ``x.en.html``, in English beside ``x.nl.html``."""
    other = "nl" if language == "en" else "en"
    path = Path(output)
    suffix = path.suffix or ".html"
    return other, str(path.with_name(f"{path.stem}.{other}{suffix}"))


async def _report(
    settings: Settings, args: argparse.Namespace
) -> tuple[list[tuple[str, bytes]], str]:
    from bot.core.links import results_path
    from bot.core.services import build_services
    from bot.staff.report_html import write_html
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
            files = [(args.output, data)]
        else:
            report = await service.build(args.questionnaire, since=since, until=until)
            other, beside = other_page(args.output, args.lang)
            files = [
                (
                    path,
                    write_html(
                        report.public(),
                        language=language,
                        zone=settings.zone,
                        path=results_path(args.questionnaire),
                        other_href=quote(Path(link).name),
                    ).encode(),
                )
                for path, language, link in (
                    (args.output, args.lang, beside),
                    (beside, other, args.output),
                )
            ]
    finally:
        await services.close()
    if report.level == "empty":
        return files, " (nobody has answered yet: the report says so)"
    if report.level == "suppressed":
        return files, (
            f" (fewer than {report.min_cell} residents took part: every figure is left out, "
            "and the report says why)"
        )
    return files, ""
