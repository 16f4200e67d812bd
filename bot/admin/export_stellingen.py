"""A deliberation exported in Polis's open-data format (comments.csv, votes.csv,
participants-votes.csv with group-id, summary.csv; written by
:func:`analysis.opinions.write_polis`), for /export and ``samenspraak export``.

Pseudonymous: a participant is their number in the deliberation plus one (Polis's
``voter-id``/``participant``); number 0 is the municipality, the author of the seed
statements (and of residents' statements whose author was erased). Only approved (live)
statements and the votes on them are exported; statements waiting for or refused by a
moderator never leave the database.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.services import Services
from flows.deliberation import parse
from storage import deliberations as store

if TYPE_CHECKING:
    from analysis.opinions import PolisExport

MUNICIPALITY = 0


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


async def polis_export(services: Services, deliberation_id: str) -> tuple[PolisExport, str]:
    """The deliberation as a Polis export, and its title; LookupError for an unknown id."""
    from analysis.opinions import PolisComment, PolisExport, PolisVote

    async with services.reports() as db:
        info = await store.get(db, deliberation_id)
        if info is None:
            raise LookupError(f"no deliberation {deliberation_id!r}")
        statements, votes = await store.export_rows(db, deliberation_id)
    title = parse(info.source, info.id).title.nl
    comments = tuple(
        PolisComment(
            comment_id=s.number,
            author_id=MUNICIPALITY if s.author is None else s.author + 1,
            moderated=1,
            body=s.text,
            timestamp=_ms(s.created_at),
        )
        for s in statements
    )
    cast = tuple(PolisVote(v.statement, v.participant + 1, v.vote, _ms(v.voted_at)) for v in votes)
    summary = {"topic": title, "conversation-description": info.id}
    return PolisExport(comments, cast, summary=summary), title


def write_folder(export: PolisExport, folder: Path) -> None:
    """The four CSV files in ``folder``, with Polis's group-id from our analysis."""
    from analysis.opinions import analyse, write_polis

    analysis = analyse(export.analysis_votes(), export.statements())
    write_polis(folder, export, analysis)


def zipped(export: PolisExport) -> bytes:
    """The folder as one zip file (one document in a chat)."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        write_folder(export, folder)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.iterdir()):
                archive.write(path, path.name)
        return out.getvalue()


async def polis_zip(services: Services, deliberation_id: str) -> tuple[bytes, str, int]:
    """(zip, title, participants that voted) of one deliberation."""
    export, title = await polis_export(services, deliberation_id)
    data = await asyncio.to_thread(zipped, export)
    return data, title, len({v.voter_id for v in export.votes})
