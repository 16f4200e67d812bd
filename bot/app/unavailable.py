"""An update the database could not take comes again instead of getting an apology.

With the webhook (``samenspraak serve``) Telegram delivers an update again as long as the
worker does not answer 2xx. When the database cannot be reached while an update is
handled (it restarts, fails over, the network to it drops), the worker therefore does not
apologise to the resident: the error handler notes the update in :data:`REDELIVER` and the
webhook answers it 503, so Telegram sends it again and a worker handles it once the
database is back (the update's id is recorded with its work, so nothing is stored twice).
With long polling the update was fetched for good, and the resident gets the apology as
before.
"""

from __future__ import annotations

from asyncpg.exceptions import (  # type: ignore[import-untyped]
    InterfaceError as DriverInterfaceError,
)
from asyncpg.exceptions import OperatorInterventionError, PostgresConnectionError
from sqlalchemy.exc import DBAPIError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from telegram.error import TelegramError

from bot.core.recent import Recent

#: bot_data key (webhook only): ids of updates to answer 503, a :class:`Recent`.
REDELIVER = "redeliver"
#: How many such ids a worker remembers (an id is taken out when its update is answered).
REMEMBERED = 10_000


class DatabaseUnavailable(Exception):
    """The webhook's way to answer an update 503: it comes again."""


def redeliveries() -> Recent[int, None]:
    return Recent(REMEMBERED)


def database_unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) says the database cannot be reached: a lost or
    refused connection, no connection from the pool in time. A failed call to Telegram is
    not (its network errors are OSErrors too)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, TelegramError):
            return False
        if isinstance(error, DatabaseUnavailable | PoolTimeout | InterfaceError | OSError):
            return True
        # asyncpg's own: a connection closed mid-query, a server starting or shutting down
        # (57P01-57P03).
        if isinstance(
            error, PostgresConnectionError | OperatorInterventionError | DriverInterfaceError
        ):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        error = error.__cause__ or error.__context__
    return False
