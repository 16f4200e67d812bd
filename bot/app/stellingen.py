"""``samenspraak stellingen ...``: deliberations with statements (Polis-style). For now
``stellingen analyse DIR [--json]``: the opinion analysis of a folder in Polis's open-data
export format (:mod:`analysis.opinions`), in plain Dutch or as one JSON object."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.app.console import fail


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``stellingen`` subcommand and its actions."""
    stellingen = commands.add_parser(
        "stellingen", help="deliberations with statements (Polis-style): analyse an export"
    )
    actions = stellingen.add_subparsers(dest="action", required=True, metavar="ACTION")
    analyse = actions.add_parser(
        "analyse",
        help="opinion groups, common ground and divisive statements of a Polis export folder",
    )
    analyse.add_argument(
        "folder",
        metavar="DIR",
        help="a folder with comments.csv and votes.csv (Polis's open-data export format)",
    )
    analyse.add_argument("--json", action="store_true", help="print one JSON object")
    analyse.set_defaults(func=cmd_analyse)


def cmd_analyse(args: argparse.Namespace) -> int:
    """Read the folder, analyse it, print the result; a problem with the files: one line
    naming the file and line, exit status 1."""
    from analysis.opinions import PolisFormatError, read_polis
    from analysis.opinions.report import as_json, as_text

    try:
        export = read_polis(Path(args.folder))
    except PolisFormatError as exc:
        return fail(f"stellingen analyse: {exc}", 1)
    analysis = export.analyse()
    if args.json:
        json.dump(as_json(export, analysis), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(as_text(export, analysis))
    return 0
