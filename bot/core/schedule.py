"""DIGEST_SCHEDULE: when the scheduled digest goes out, e.g. ``mon 09:00``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DUTCH = {"ma": 0, "di": 1, "wo": 2, "do": 3, "vr": 4, "za": 5, "zo": 6}
GROUPS = {
    "daily": tuple(range(7)),
    "dagelijks": tuple(range(7)),
    "weekdays": (0, 1, 2, 3, 4),
    "werkdagen": (0, 1, 2, 3, 4),
}
FORMAT_HELP = (
    "use days and a time, e.g. 'mon 09:00', 'mon,thu 08:30', 'daily 09:00', "
    "'weekdays 17:00', or 'off'"
)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Weekdays (0 = Monday) and a local time; empty days = no scheduled digest."""

    days: tuple[int, ...]
    at: time

    @property
    def enabled(self) -> bool:
        return bool(self.days)

    def previous_slot(self, now: datetime, zone: tzinfo) -> datetime | None:
        """The latest scheduled moment at or before ``now`` (aware, in ``zone``)."""
        if not self.days:
            return None
        local = now.astimezone(zone)
        for back in range(8):
            day = (local - timedelta(days=back)).date()
            if day.weekday() in self.days:
                slot = datetime.combine(day, self.at, tzinfo=zone)
                if slot <= local:
                    return slot
        return None

    def slot_before(self, slot: datetime, zone: tzinfo) -> datetime:
        """The scheduled moment before ``slot``: the start of a first digest's period."""
        earlier = self.previous_slot(slot - timedelta(seconds=1), zone)
        return earlier if earlier is not None else slot - timedelta(days=7)

    def describe(self) -> str:
        if not self.days:
            return "uit"
        names = ["ma", "di", "wo", "do", "vr", "za", "zo"]
        days = "dagelijks" if len(self.days) == 7 else ", ".join(names[d] for d in self.days)
        return f"{days} om {self.at.strftime('%H:%M')}"


def parse_schedule(text: str) -> Schedule:
    """``mon 09:00``, ``mon,thu 08:30``, ``daily 9:00``, ``weekdays 17:00``, ``off``."""
    value = text.strip().lower()
    if value in {"off", "uit", "none", ""}:
        return Schedule((), time(9, 0))
    match = re.fullmatch(r"([a-z,\s-]+?)\s+(\d{1,2}):(\d{2})", value)
    if not match:
        raise ValueError(FORMAT_HELP)
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise ValueError(FORMAT_HELP)
    days: set[int] = set()
    for part in re.split(r"[,\s]+", match.group(1).strip()):
        if part in GROUPS:
            days.update(GROUPS[part])
        elif part[:3] in DAYS and DAYS[DAYS.index(part[:3])].startswith(part[:3]):
            days.add(DAYS.index(part[:3]))
        elif part[:2] in DUTCH:
            days.add(DUTCH[part[:2]])
        else:
            raise ValueError(FORMAT_HELP)
    return Schedule(tuple(sorted(days)), time(hour, minute))
