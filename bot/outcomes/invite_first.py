"""Invite those we hear least first: among the residents who want invitations on a theme,
those whose profile ("about you, once") puts them in a wijk or age band the questionnaire's
digest calls under-represented (or in one nobody answered from yet).

The offer of /uitnodigen gets one line saying which groups and how many residents that
reaches, and a button ``inv:f:<qid>:<version>`` (:class:`InviteFirst`) that invites only
them. A later full invitation to the same version goes to the others only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from analysis.heard import who_we_heard
from analysis.population import BANDS_BY_ID
from bot.core.services import Services
from bot.outcomes.buttons import InvitationChoice
from flows.machine import Flow
from storage.heard import area_question, gather_heard
from storage.models import Broadcast, OutboxMessage, ResidentProfile


@dataclass(frozen=True, slots=True)
class InviteFirst(InvitationChoice, prefix="inv:f"):
    """Invite only the residents in under-represented wijken or age bands."""

    questionnaire_id: str
    version: int


@dataclass(frozen=True, slots=True)
class First:
    """Who to invite first: the groups (Dutch, for the offer) and the residents."""

    groups: tuple[str, ...]
    recipients: list[tuple[int, str]]


async def first_recipients(
    db: AsyncSession, services: Services, flow: Flow, recipients: Sequence[tuple[int, str]]
) -> First | None:
    """Of ``recipients``, those in an under-represented wijk or age band; None when there is
    nothing to go on (no wijk question, no population, nobody answered yet, or no
    under-represented group)."""
    questionnaire = flow.questionnaire
    question = area_question(questionnaire)
    tally = await gather_heard(db, questionnaire, services.clock(), answers=False)
    if question is None or tally is None or not recipients:
        return None
    cells = [(c.wijk_name, c.wijk_code, c.age_band, c.inhabitants) for c in tally.population.cells]
    heard = who_we_heard(
        questionnaire,
        question,
        cells,
        tally.respondents,
        {},
        min_cell=services.settings.digest_min_cell,
    )
    under = heard.representation.invite_first()
    if not under:
        return None
    areas = {row.id for row in under if row.dimension == "area"}
    bands = {row.id for row in under if row.dimension == "band"}
    groups = tuple(
        BANDS_BY_ID[row.id].group_nl if row.dimension == "band" else f"wijk {row.nl}"
        for row in under
    )
    wanted = {resident_id for resident_id, _ in recipients}
    rows = await db.execute(
        select(
            ResidentProfile.resident_id,
            ResidentProfile.age_band,
            ResidentProfile.wijk,
            ResidentProfile.postcode,
        ).where(ResidentProfile.resident_id.in_(list(wanted)))
    )
    chosen: set[int] = set()
    for resident_id, band, wijk, postcode in rows:
        if postcode is not None:
            found = question.area_for_postcode(postcode)
            wijk = found.id if found is not None else wijk
        if band in bands or wijk in areas:
            chosen.add(resident_id)
    return First(groups, [(r, language) for r, language in recipients if r in chosen])


async def invited_before(db: AsyncSession, broadcast_ids: Sequence[int]) -> set[int]:
    """Residents an earlier invitation (``broadcast_ids``) was addressed to."""
    if not broadcast_ids:
        return set()
    rows = await db.scalars(
        select(OutboxMessage.resident_id)
        .join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
        .where(OutboxMessage.broadcast_id.in_(list(broadcast_ids)))
    )
    return set(rows)
