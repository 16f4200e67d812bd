"""``samenspraak population import FILE [--from DATE]``: a reference population (CBS
"Kerncijfers wijken en buurten" or a simple wijk/age/inhabitants CSV) read, mapped onto the
questionnaires' wijken, shown, and stored at once, valid from DATE (default: today). A file
with problems is refused with every problem and its line number; nothing is stored."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, datetime, time
from pathlib import Path

from bot.app.console import fail, setup_logging
from bot.app.manage import _audit, day
from bot.core.config import Settings, load_settings
from flows.texts import plain_text


async def _import(settings: Settings, path: Path, data: bytes, starts: date | None) -> str:
    from analysis.population import MAX_BYTES
    from bot.admin.population import area_options, cells_of, check, preview_text
    from bot.core.services import build_services, utc_now
    from storage import population as store

    if len(data) > MAX_BYTES:
        raise ValueError(
            f"{path.name} is too large ({len(data) // (1024 * 1024)} MB); "
            f"a population file is at most {MAX_BYTES // (1024 * 1024)} MB"
        )
    services = await build_services(settings, seed=False)
    try:
        checked = check(
            data,
            area_options(services.catalog),
            municipality=settings.municipality_name,
            language="nl",
        )
        now = utc_now()
        local = now.astimezone(settings.zone).date()
        valid = datetime.combine(starts or local, time(0), tzinfo=settings.zone)
        async with services.sessions.begin() as db:
            stored = await store.store_population(
                db, cells_of(checked.population), valid_from=valid, source=path.name, now=now
            )
            await _audit(db, "population.import", str(stored), file=path.name)
        preview = plain_text(preview_text(checked, path.name, valid, "nl", settings.zone))
        head = preview.split("\n")[:-1]  # without the chat's "tap Opslaan"
        return "\n".join([*head, f"stored as population {stored}"])
    finally:
        await services.close()


def cmd_population_import(args: argparse.Namespace) -> int:
    from bot.admin.population import Unusable

    settings = load_settings()
    setup_logging("WARNING")
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return fail(f"cannot read {path}: {exc.strerror or exc}", 1)
    try:
        print(asyncio.run(_import(settings, path, data, args.valid_from)))
    except Unusable as exc:
        for line in exc.lines:
            print(f"{path}: {line}")
        print(f"{len(exc.lines)} problem(s) found; nothing was stored", file=sys.stderr)
        return 1
    except ValueError as exc:
        return fail(str(exc), 1)
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``population import`` under ``samenspraak``."""
    population = commands.add_parser(
        "population", help="reference population: inhabitants per wijk and age band"
    )
    actions = population.add_subparsers(dest="action", required=True, metavar="ACTION")
    importing = actions.add_parser(
        "import", help="import a CBS Kerncijfers (or simple wijk/age/inhabitants) CSV"
    )
    importing.add_argument("file", metavar="FILE")
    importing.add_argument(
        "--from",
        dest="valid_from",
        type=day,
        metavar="DATE",
        help="valid from this day (e.g. 2027-01-01; default: today)",
    )
    importing.set_defaults(func=cmd_population_import)
