"""``samenspraak serve``: the bot behind an aiohttp webhook server (being built)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``samenspraak serve``."""


def cmd_serve(args: argparse.Namespace) -> int:
    raise NotImplementedError("samenspraak serve is being built")
