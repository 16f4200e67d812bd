"""Button kinds that more than one feature shows: opening a questionnaire, which the
residents' list of questionnaires and an invitation both offer."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.callbacks import Button


@dataclass(frozen=True, slots=True)
class Pick(Button, prefix="p"):
    """``p:<qid>``: start (or go on with) this questionnaire."""

    questionnaire_id: str
