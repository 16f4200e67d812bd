"""An update's turn: taken by the update processor, or withdrawn by whoever handed the
update in before it was taken (:mod:`bot.app.webhook`, which then answers Telegram 503).

The processor (:mod:`bot.app.processor`) gives one resident's updates their turns one by
one, also across workers. An update waiting for its turn longer than the webhook may keep
Telegram waiting is withdrawn: Telegram sends it again and keeps the resident's later
updates until then, so none of them is handled before it.
"""

from __future__ import annotations

from contextvars import ContextVar


class Turn:
    """Whether an update got its resident's turn, or was withdrawn before it did.

    From the moment an update has its resident's turn, none of the resident's later updates
    can be handled before it, by this worker or another. Until then whoever handed it in
    (the webhook, which answers Telegram) may withdraw it: it is then never handled here
    (Telegram is told to send it again), so it cannot run later, after the resident's next
    updates. Both happen in the event loop's one thread: an update is either taken or
    withdrawn, never both.
    """

    __slots__ = ("taken", "withdrawn")

    def __init__(self) -> None:
        self.taken = False
        self.withdrawn = False

    def take(self) -> bool:
        """The update has its turn now; False when it was withdrawn first."""
        if not self.withdrawn:
            self.taken = True
        return self.taken

    def withdraw(self) -> bool:
        """Withdraw the update unless it has its turn; True when withdrawn."""
        if not self.taken:
            self.withdrawn = True
        return self.withdrawn


#: The :class:`Turn` of the update processed in this task, set by whoever hands it in
#: (the webhook); none: it cannot be withdrawn.
TURN: ContextVar[Turn | None] = ContextVar("samenspraak_update_turn", default=None)


def take_turn() -> bool:
    """The update of this task has its turn now; False when it was withdrawn first."""
    turn = TURN.get()
    return turn is None or turn.take()


def withdrawn() -> bool:
    """Whether the update of this task was withdrawn."""
    turn = TURN.get()
    return turn is not None and turn.withdrawn
