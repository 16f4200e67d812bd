"""``samenspraak codes create`` (also ``samenspraak invitations create``): invitation codes
for a random sample of addresses, written to a folder as the files for the letters
(``codes.csv`` for the mail merge, ``codes.pdf`` to print, ``qr/<code>.png``); the database
keeps only their hashes (:mod:`bot.admin.codes`)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime, time, timedelta
from pathlib import Path

from bot.app.console import fail, setup_logging
from bot.core.config import Settings, load_settings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from bot.app.manage import day

    codes = commands.add_parser(
        "codes",
        aliases=["invitations"],
        help="make invitation codes for a random sample of addresses",
    )
    actions = codes.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser(
        "create", help="make N codes: a CSV for the letters, a PDF and PNGs of QR codes"
    )
    create.add_argument("--questionnaire", "-q", required=True, metavar="ID")
    create.add_argument("-n", "--count", type=int, required=True, metavar="N")
    create.add_argument(
        "--out",
        "-o",
        metavar="DIR",
        help="a new or empty folder (default: codes-<ID>-<date and time> here)",
    )
    create.add_argument(
        "--bot",
        metavar="USERNAME",
        help="the bot's Telegram username, for the t.me links (default: none in the CSV)",
    )
    create.add_argument(
        "--until",
        type=day,
        metavar="DATE",
        help="the codes stop working after this day (default: when the questionnaire closes)",
    )
    create.set_defaults(func=cmd_create)


def cmd_create(args: argparse.Namespace) -> int:
    from bot.admin.codes import CodeRefused
    from flows.codes import MOST_PER_REQUEST

    if not 1 <= args.count <= MOST_PER_REQUEST:
        return fail(f"-n must be between 1 and {MOST_PER_REQUEST}", 2)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(args.out or f"codes-{args.questionnaire.strip().lower()}-{stamp}")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        return fail(f"{folder} is not an empty folder: codes are never written over others", 2)
    settings = load_settings()
    setup_logging("WARNING")
    try:
        count, notes = asyncio.run(_create(settings, args, folder))
    except CodeRefused as refused:
        if refused.key == "admin.codes.unknown":
            return fail(
                f"there is no questionnaire {refused.questionnaire_id!r}; "
                "see `samenspraak questionnaire list`",
                1,
            )
        return fail(f"{refused.questionnaire_id!r} is closed or archived: codes would not work", 1)
    print(f"{count} codes written to {folder} (codes.csv, codes.pdf, qr/){notes}", file=sys.stderr)
    return 0


async def _create(settings: Settings, args: argparse.Namespace, folder: Path) -> tuple[int, str]:
    from bot.admin.code_sheets import write_folder
    from bot.admin.codes import make_batch
    from bot.app.manage import _who
    from bot.core.services import build_services

    services = await build_services(settings, seed=False)
    try:
        batch = await make_batch(
            services,
            args.questionnaire.strip().lower(),
            args.count,
            bot_username=args.bot,
            actor=None,
            via="cli",
            detail={"user": _who()},
            expires_at=(
                datetime.combine(args.until + timedelta(days=1), time(), tzinfo=settings.zone)
                if args.until
                else None
            ),
        )
    finally:
        await services.close()
    await asyncio.to_thread(write_folder, folder, batch.letters, batch.title)
    notes = []
    if batch.letters[0].url is None:
        notes.append("no PUBLIC_URL: the CSV has no personal web addresses")
    if batch.letters[0].telegram is None:
        notes.append("no --bot: the CSV has no Telegram links")
    return len(batch.letters), "".join(f"\nnote: {note}" for note in notes)
