"""The ``samenspraak`` command: its subcommands and how a failure is said (one line, an
exit status). The subcommands live in :mod:`bot.app.run` (run, serve), :mod:`bot.app.manage`
(everything an operator does) and in packages that register one (:mod:`bot.app.plugins`).
"""

from __future__ import annotations

import argparse
import os
import select
import sys
from collections.abc import Sequence

from bot.app.console import fail, reason
from flows.catalog_errors import CatalogError

#: A catalog that cannot be used stops every subcommand with one line (reading the texts,
#: which everything imports, reads and checks the catalogs).
_BROKEN: CatalogError | None = None
try:
    from bot.app import (
        codes_cli,
        manage,
        manage_population,
        plugins,
        report_cli,
        run,
        stellingen,
    )
    from bot.core.config import ConfigError
    from flows.schema import LANGUAGES
except CatalogError as broken:
    _BROKEN = broken


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="samenspraak",
        description="Samenspraak: residents answer a municipality's questionnaires on Telegram.",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run_ = commands.add_parser("run", help="start the bot (long polling)")
    run.add_run_arguments(run_)
    run_.set_defaults(func=run.cmd_run)

    serve = commands.add_parser(
        "serve", help="start the webhook server (several workers can share PostgreSQL)"
    )
    run.add_serve_arguments(serve)
    serve.set_defaults(func=run.cmd_serve)

    for command in plugins.commands():  # the sandbox, in a source checkout
        added = commands.add_parser(command.name, help=command.help)
        command.add_arguments(added)
        added.set_defaults(func=command.run)

    questionnaire = commands.add_parser(
        "questionnaire", help="check, list, import, open, close or archive questionnaires"
    )
    q_commands = questionnaire.add_subparsers(dest="action", required=True, metavar="ACTION")
    validate = q_commands.add_parser("validate", help="check questionnaire files")
    validate.add_argument("paths", nargs="+", metavar="PATH", help="YAML files or folders")
    validate.add_argument(
        "--lang", choices=LANGUAGES, default="en", help="the language of the problems (en, nl)"
    )
    validate.set_defaults(func=manage.cmd_validate)
    listing = q_commands.add_parser(
        "list", help="show every questionnaire with its status and number of responses"
    )
    listing.set_defaults(func=manage.cmd_list)
    importing = q_commands.add_parser(
        "import",
        help="store a questionnaire or deliberation file as a draft (or --publish it at once)",
    )
    importing.add_argument(
        "file",
        metavar="FILE",
        help="a questionnaire YAML file, or a deliberation's (kind: stellingen)",
    )
    importing.add_argument(
        "--publish", action="store_true", help="publish it: new sessions start on this version"
    )
    importing.set_defaults(func=manage.cmd_import)
    for action, text in (
        ("open", "open a questionnaire for residents"),
        ("close", "close a questionnaire: nobody can start it any more"),
        ("archive", "archive a closed questionnaire (final)"),
    ):
        change = q_commands.add_parser(action, help=text)
        change.add_argument("id", metavar="ID", help="the questionnaire's id")
        change.set_defaults(func=manage.cmd_transition, action=action)

    export = commands.add_parser("export", help="export responses (pseudonymous)")
    export.add_argument("--questionnaire", "-q", required=True, metavar="ID")
    export.add_argument(
        "--format", "-f", default="csv", choices=["csv", "xlsx", "sav", "polis"]
    )  # polis: a deliberation, as a folder in Polis's open-data format (--output DIR)
    export.add_argument("--output", "-o", metavar="FILE", help="default: standard output")
    export.set_defaults(func=manage.cmd_export)

    digest = commands.add_parser("digest", help="print (or --send) a digest for civil servants")
    digest.add_argument("--questionnaire", "-q", metavar="ID", help="one questionnaire only")
    digest.add_argument(
        "--since",
        type=manage.day,
        metavar="DATE",
        help="start of the period (default: last digest)",
    )
    digest.add_argument("--send", action="store_true", help="send it to DIGEST_CHAT_ID")
    digest.set_defaults(func=manage.cmd_digest)

    report_cli.add_parser(commands)
    codes_cli.add_parser(commands)

    audit = commands.add_parser("audit", help="show the audit log: who did what, and when")
    audit.add_argument(
        "--since", type=manage.day, metavar="DATE", help="from this day on (e.g. 2026-11-02)"
    )
    audit.add_argument("--action", metavar="ACTION", help="only this action, e.g. publish")
    audit.set_defaults(func=manage.cmd_audit)

    stellingen.add_commands(commands)
    manage_population.add_parser(commands)

    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current", "downgrade"])
    db.add_argument("revision", nargs="?", default="", help="default: head / one step down")
    db.set_defaults(func=manage.cmd_db)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    if _BROKEN is not None:
        return fail(_BROKEN.one_line())
    args = parser().parse_args(argv)
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # here, not at exit, so that a reader gone away is caught below
        return status
    except ConfigError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError as exc:
        if _stdout_gone():
            return _reader_gone()
        return fail(f"cannot use the database: {reason(exc)}", 1)  # its connection broke
    except Exception as exc:
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError | ConnectionError):  # unreachable, locked, refused...
            return fail(f"cannot use the database: {reason(exc)}", 1)
        if isinstance(exc, OSError):  # e.g. a folder that cannot be written
            return fail(reason(exc), 1)
        raise


#: The exit status of a command whose reader went away (``samenspraak audit | head``): a
#: shell's for a process ended by SIGPIPE (128 + 13), as ``cat`` or ``grep`` would give.
READER_GONE = 141


def _stdout_gone() -> bool:
    """Whether nobody reads stdout any more (a pipe without its reader), rather than some
    other connection (the database's) that broke."""
    try:
        out = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # replaced, or closed
        return False
    if not hasattr(select, "poll"):  # not on Linux or macOS: most likely stdout
        return True
    poller = select.poll()
    poller.register(out, select.POLLOUT)
    return any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll(0))


def _reader_gone() -> int:
    """Whoever read the output stopped reading (``| head``): stop quietly. What is left in
    stdout's buffer goes nowhere, or Python would try to write it again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return READER_GONE


if __name__ == "__main__":
    sys.exit(main())
