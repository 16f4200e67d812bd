""" "About you, once": a resident's short profile (age band on CBS's bands, wijk or 4-digit
postcode), given once and reused by every questionnaire; and the age band of each response
for the digest's representativeness.

Session in, plain frozen data out; the caller owns the unit of work. The profile goes with
the resident: /vergeetmij deletes the resident and, by its foreign key, the profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ResidentProfile, Session, utcnow


@dataclass(frozen=True, slots=True)
class Profile:
    age_band: str | None
    wijk: str | None  # an area id of the questionnaires
    postcode: str | None  # 4 digits
    declined: bool
    updated_at: datetime

    @property
    def empty(self) -> bool:
        return self.age_band is None and self.wijk is None and self.postcode is None


class _Unset:
    pass


UNSET = _Unset()


async def get_profile(db: AsyncSession, resident_id: int) -> Profile | None:
    row = await db.get(ResidentProfile, resident_id)
    if row is None:
        return None
    return Profile(row.age_band, row.wijk, row.postcode, row.declined, row.updated_at)


async def set_profile(
    db: AsyncSession,
    resident_id: int,
    *,
    age_band: str | _Unset | None = UNSET,
    wijk: str | _Unset | None = UNSET,
    postcode: str | _Unset | None = UNSET,
    now: datetime | None = None,
) -> Profile:
    """Change the given fields (a wijk chosen clears the postcode and the other way round
    is up to the caller); giving anything ends an earlier "liever niet"."""
    row = await db.get(ResidentProfile, resident_id)
    if row is None:
        row = ResidentProfile(resident_id=resident_id, declined=False)
        db.add(row)
    if not isinstance(age_band, _Unset):
        row.age_band = age_band
    if not isinstance(wijk, _Unset):
        row.wijk = wijk
    if not isinstance(postcode, _Unset):
        row.postcode = postcode
    row.declined = False
    row.updated_at = now or utcnow()
    await db.flush()
    return Profile(row.age_band, row.wijk, row.postcode, row.declined, row.updated_at)


async def decline_profile(db: AsyncSession, resident_id: int, now: datetime | None = None) -> None:
    """ "Liever niet": nothing kept, and not asked again."""
    row = await db.get(ResidentProfile, resident_id)
    if row is None:
        row = ResidentProfile(resident_id=resident_id)
        db.add(row)
    row.age_band = row.wijk = row.postcode = None
    row.declined = True
    row.updated_at = now or utcnow()
    await db.flush()


async def delete_profile(db: AsyncSession, resident_id: int) -> bool:
    result = await db.execute(
        delete(ResidentProfile)
        .where(ResidentProfile.resident_id == resident_id)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def age_bands_of_sessions(
    db: AsyncSession, questionnaire_id: str, session_ids: Sequence[int] | None = None
) -> dict[int, str]:
    """session id -> the age band in its resident's profile, for a questionnaire's sessions
    (all, or ``session_ids``). Responses of residents without a band (or erased) are absent."""
    query = (
        select(Session.id, ResidentProfile.age_band)
        .join(ResidentProfile, ResidentProfile.resident_id == Session.resident_id)
        .where(Session.questionnaire_id == questionnaire_id)
        .where(ResidentProfile.age_band.is_not(None))
    )
    if session_ids is not None:
        query = query.where(Session.id.in_(list(session_ids)))
    rows = await db.execute(query)
    return {session_id: band for session_id, band in rows if band is not None}
