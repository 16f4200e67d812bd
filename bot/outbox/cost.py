"""What a broadcast will cost and how long it will take, sent the usual way and as a paid
broadcast (Telegram's ``allow_paid_broadcast``), for the administrator's confirmation.

The usual way is bound by the bot's shared budget (:mod:`bot.core.budget`): at most
``BROADCAST_RATE`` a second and never more than ``RATE_LIMIT_PER_SECOND`` less its headroom.
A paid broadcast may send up to 1,000 messages a second (``PAID_BROADCAST_RATE``), for
:data:`STARS_PER_MESSAGE` Telegram Stars each, taken from the bot's balance (Bot API,
``sendMessage``: "up to 1000 messages per second, ignoring broadcasting limits for a fee of
0.1 Telegram Stars per message").
"""

from __future__ import annotations

import math
from decimal import Decimal

from bot.core.budget import HEADROOM
from bot.core.config import Settings
from flows.texts import Html, formats, t

#: Telegram's fee per message of a paid broadcast, in Stars.
STARS_PER_MESSAGE = Decimal("0.1")
#: Telegram's most messages a second with ``allow_paid_broadcast``.
PAID_LIMIT = 1000.0


def free_rate(settings: Settings) -> float:
    """Messages a second of a broadcast sent the usual way."""
    rate = settings.broadcast_rate
    if settings.rate_limit_per_second > 0:
        rate = min(rate, settings.rate_limit_per_second * (1 - HEADROOM))
    return rate


def paid_rate(settings: Settings) -> float:
    return min(settings.paid_broadcast_rate, PAID_LIMIT)


def stars(count: int) -> Decimal:
    """The fee of a paid broadcast to ``count`` residents."""
    return STARS_PER_MESSAGE * count


def duration(seconds: float) -> str:
    """Seconds as an administrator reads them: "40 seconden", "12 minuten", "2 uur en 5
    minuten" (rounded up)."""
    whole = max(1, math.ceil(seconds))
    if whole < 90:
        return t("nl", "verzending.seconds", count=whole)
    minutes = math.ceil(whole / 60)
    if minutes < 90:
        return t("nl", "verzending.minutes", count=minutes)
    return t("nl", "verzending.hours", hours=minutes // 60, minutes=minutes % 60)


def estimate(settings: Settings, count: int) -> Html:
    """The lines the confirmation of a broadcast to ``count`` residents ends with."""
    fee = stars(count)
    mode = "verzending.mode_paid" if settings.paid_broadcasts else "verzending.mode_free"
    return t(
        "nl",
        "verzending.estimate",
        count=count,
        free=duration(count / free_rate(settings)),
        paid=duration(count / paid_rate(settings)),
        stars=formats.number(float(fee), 0 if fee == fee.to_integral() else 1),
        price=formats.number(float(STARS_PER_MESSAGE), 1),
        mode=t("nl", mode),
    )
