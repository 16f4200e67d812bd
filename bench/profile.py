"""Where the bot's time goes: a summary of a py-spy ``--format raw`` (collapsed stacks) file.

``python -m bench conversation --profile bench/results/profile.txt`` samples the
Samenspraak process during the measuring window; this module groups the samples of the
event-loop thread by the innermost frame of a known library. Samples whose innermost frame
is the selector's ``select`` are the loop waiting for I/O and are counted apart. The
aiosqlite worker threads are left out: py-spy also samples them while they wait for work
(their CPU is measured separately, per thread, with psutil).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

_FILE = re.compile(r"\((.*?):\d+\)")

#: (label, file prefixes), tried from the innermost frame outwards.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "HTTP client (httpx, httpcore, h11, anyio, aiohttp)",
        ("httpx", "httpcore", "h11", "anyio", "aiohttp", "yarl", "multidict"),
    ),
    ("SQLite statements run in the event loop (storage/inline_sqlite.py)", ("storage/inline_",)),
    ("import machinery (failed imports at run time)", ("<frozen importlib",)),
    ("SQLAlchemy (ORM and core, in the event loop)", ("sqlalchemy",)),
    ("aiosqlite (event-loop side)", ("aiosqlite",)),
    (
        "python-telegram-bot: Bot API requests",
        ("telegram/request", "telegram/_bot.py", "telegram/ext/_extbot.py"),
    ),
    ("python-telegram-bot: objects, dispatch", ("telegram",)),
    ("Samenspraak (bot, flows, storage)", ("bot/", "flows/", "storage/")),
    ("json", ("json",)),
    ("asyncio scheduling", ("asyncio",)),
)
IDLE = "event loop waiting for I/O (select)"


def _file(frame: str) -> str:
    match = _FILE.search(frame)
    return match.group(1) if match else frame


def _group(frames: list[str]) -> str:
    if "select (selectors.py" in frames[-1] or "Selector.select" in frames[-1]:
        return IDLE
    for frame in reversed(frames):
        name = _file(frame)
        for label, prefixes in GROUPS:
            if name.startswith(prefixes):
                return label
    return "other"


def summarise(path: Path, top: int = 25) -> dict[str, Any]:
    """Shares of the event-loop thread's busy samples, by group and by project function."""
    groups: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if frames[0].startswith("Thread._bootstrap") or "_bootstrap (threading.py" in frames[0]:
            continue  # a worker thread (aiosqlite), see the module docstring
        samples = int(count)
        group = _group(frames)
        groups[group] += samples
        if group == IDLE:
            continue
        seen: set[str] = set()
        for frame in frames:
            name = re.sub(r" \((.*?):\d+\)", r" (\1)", frame)
            if name.split(" (")[-1].startswith(("bot/", "flows/", "storage/")) and (
                name not in seen
            ):
                seen.add(name)
                inclusive[name] += samples
    idle = groups.pop(IDLE, 0)
    busy = sum(groups.values())

    def share(value: int) -> float:
        return round(100 * value / busy, 1) if busy else 0.0

    return {
        "event_loop_samples": busy + idle,
        "waiting_in_select_samples": idle,
        "busy_samples": busy,
        "busy_share_percent": {label: share(n) for label, n in groups.most_common()},
        "project_functions_inclusive_percent": {
            name: share(n)
            for name, n in inclusive.most_common(top)
            if not name.startswith(("main (bot/cli.py", "cmd_run (bot/cli.py"))
        },
    }


def render(summary: dict[str, Any]) -> str:
    lines = [
        f"event-loop thread: {summary['busy_samples']} busy samples "
        f"({summary['waiting_in_select_samples']} more waiting in select)"
    ]
    lines += [
        f"  {value:5.1f}%  {label}" for label, value in summary["busy_share_percent"].items()
    ]
    lines.append("project functions (inclusive):")
    lines += [
        f"  {value:5.1f}%  {name}"
        for name, value in summary["project_functions_inclusive_percent"].items()
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(summarise(Path(sys.argv[1]))))
