"""``samenspraak codes create``: a folder with the files for the letters, codes that work
once, the audit entry; bad requests are refused and write nothing."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

from flows import codes as shapes
from storage import audit, codes
from storage.codes import Found
from storage.db import create_engine, session_factory
from tests.test_cli_admin import Run, samenspraak

__all__ = ["samenspraak"]  # the fixture


def redeem_all(database_url: str, found: list[str]) -> list[Found]:
    key = shapes.code_key(b"cli-test")  # PSEUDONYM_SECRET of the fixture

    async def go() -> list[Found]:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine).begin() as db:
                return [(await codes.redeem(db, shapes.code_digest(key, c))).found for c in found]
        finally:
            await engine.dispose()

    return asyncio.run(go())


def audited(database_url: str) -> list[audit.AuditRecord]:
    async def go() -> list[audit.AuditRecord]:
        engine = create_engine(database_url)
        try:
            async with session_factory(engine)() as db:
                return list(await audit.entries(db, action="codes.create"))
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_codes_are_written_for_the_letters(
    samenspraak: Run, database_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "brieven"
    status, _, err = samenspraak(
        "codes",
        "create",
        "-q",
        "afvalinzameling",
        "-n",
        "50",
        "--out",
        str(out),
        "--bot",
        "gemeente_bot",
    )
    assert status == 0, err
    assert "50 codes written" in err and "no PUBLIC_URL" in err
    rows = list(csv.DictReader((out / "codes.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 50 and list(rows[0]) == ["code", "url", "telegram", "qr"]
    assert (out / "codes.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in (out / "qr").iterdir()) == sorted(r["qr"] for r in rows)
    found = [shapes.normalise(r["code"]) for r in rows]
    assert all(found)
    assert rows[0]["telegram"] == f"https://t.me/gemeente_bot?start={found[0]}"
    plain = [c for c in found if c]
    assert redeem_all(database_url, plain) == [Found.OK] * 50
    assert redeem_all(database_url, plain[:3]) == [Found.USED] * 3
    [entry] = audited(database_url)
    assert (entry.via, entry.target) == ("cli", "afvalinzameling")
    assert entry.detail == {"count": 50, "user": "ambtenaar"}
    assert "no --bot" not in err

    # A round of letters with a deadline of its own: after that day its codes have expired.
    late = tmp_path / "late"
    status, _, err = samenspraak(
        "codes",
        "create",
        "-q",
        "afvalinzameling",
        "-n",
        "2",
        "-o",
        str(late),
        "--until",
        "2020-01-31",
    )
    assert status == 0, err
    rows = list(csv.DictReader((late / "codes.csv").read_text(encoding="utf-8-sig").splitlines()))
    expired = [c for r in rows if (c := shapes.normalise(r["code"]))]
    assert redeem_all(database_url, expired) == [Found.EXPIRED] * 2

    # Never over codes written before; an unknown questionnaire; a count out of range.
    assert (
        samenspraak("codes", "create", "-q", "afvalinzameling", "-n", "5", "-o", str(out))[0] == 2
    )
    other = str(tmp_path / "other")
    assert samenspraak("codes", "create", "-q", "nergens", "-n", "5", "-o", other)[0] == 1
    assert samenspraak("codes", "create", "-q", "afvalinzameling", "-n", "0", "-o", other)[0] == 2
    assert not (tmp_path / "other").exists() or not any((tmp_path / "other").iterdir())


def test_invitations_create_writes_a_new_folder_here(samenspraak: Run, tmp_path: Path) -> None:
    """The command as the issue and the README name it, without --out."""
    status, _, err = samenspraak(
        "invitations", "create", "--questionnaire", "afvalinzameling", "-n", "3"
    )
    assert status == 0, err
    [made] = [p for p in tmp_path.iterdir() if p.name.startswith("codes-afvalinzameling-")]
    assert f"3 codes written to {made.name}" in err
    assert len(list((made / "qr").iterdir())) == 3
