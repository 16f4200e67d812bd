"""Subcommands that other packages add to ``samenspraak`` (the sandbox does), found through
the ``samenspraak.commands`` entry point group, so the bot never imports them itself.

An installation without the package (the production image has no sandbox) simply lacks the
subcommand; ``samenspraak run --or-sandbox`` then says so.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

log = logging.getLogger(__name__)

GROUP = "samenspraak.commands"


@dataclass(frozen=True)
class Command:
    """A subcommand: its name, a line of help, its options and what it runs (the exit status)."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def commands() -> list[Command]:
    """Every subcommand installed, by name; one that cannot be loaded is left out (logged)."""
    found: list[Command] = []
    for entry in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            command = entry.load()
        except ImportError as exc:  # declared by the package, but its code is not here
            log.debug("subcommand %s is not available: %s", entry.name, exc)
            continue
        if isinstance(command, Command):
            found.append(command)
    return found


def find(name: str) -> Command | None:
    return next((command for command in commands() if command.name == name), None)
