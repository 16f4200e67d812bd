"""Polis's open-data export format, read and written: a folder with ``comments.csv``,
``votes.csv``, ``participants-votes.csv`` and ``summary.csv`` (the column names are
Polis's, math/src/polismath/darwin/export.clj).

Votes in these files are +1 agree, -1 disagree, 0 pass: Polis stores agree as -1 in its
database and its export flips the sign ("Flip the signs on the votes", export.clj), and the
files agree (in the shipped conversations, ``n-agree`` counts the +1 of a row). ``moderated``
is 1 (accepted), 0 (not yet moderated) or -1 (moderated out: its votes are ignored).
Participant and comment ids are Polis's small non-negative numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from analysis.opinions.core import analyse
from analysis.opinions.model import OpinionAnalysis, Vote

COMMENTS = "comments.csv"
VOTES = "votes.csv"
PARTICIPANTS = "participants-votes.csv"
SUMMARY = "summary.csv"
COMMENT_COLUMNS = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANT_COLUMNS = (
    "participant",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)
#: The rows of summary.csv, in Polis's order (topic, url and description come from the caller).
SUMMARY_KEYS = (
    "topic",
    "url",
    "views",
    "voters",
    "voters-in-conv",
    "commenters",
    "comments",
    "groups",
    "conversation-description",
)
#: Largest file read: a million votes are about 60 MB of votes.csv (and 200 MB in memory).
MAX_BYTES = 256 << 20
#: Largest number accepted (ids, timestamps): within a float's exact integers.
MAX_NUMBER = 2**53


class PolisFormatError(ValueError):
    """A folder that is not a Polis export: which file, which line, what is wrong (in Dutch,
    like the rest of ``samenspraak stellingen analyse``)."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        self.file, self.line, self.problem = file, line, message
        where = file or ""
        if file and line is not None:
            where += f", regel {line}"
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class PolisComment:
    comment_id: int
    author_id: int
    moderated: int
    body: str
    timestamp: int = 0


@dataclass(frozen=True)
class PolisVote:
    comment_id: int
    voter_id: int
    vote: int
    timestamp: int = 0


@dataclass(frozen=True)
class PolisExport:
    """A Polis conversation: its comments, every vote (a later one on the same comment
    replaces an earlier one), Polis's groups where the folder had them (participant id ->
    group-id) and the summary rows (key -> value)."""

    comments: tuple[PolisComment, ...]
    votes: tuple[PolisVote, ...]
    groups: Mapping[str, int] = field(default_factory=dict)
    summary: Mapping[str, str] = field(default_factory=dict)

    def statements(self) -> tuple[int, ...]:
        """Comment ids not moderated out."""
        return tuple(sorted(c.comment_id for c in self.comments if c.moderated != -1))

    def moderated_out(self) -> tuple[int, ...]:
        """Comment ids moderated out (moderated = -1)."""
        return tuple(sorted(c.comment_id for c in self.comments if c.moderated == -1))

    def analysis_votes(self) -> list[Vote]:
        """The votes for :func:`analysis.opinions.analyse`, oldest first (so the latest
        counts), participant ids as strings. Votes on moderated-out comments are in it:
        ``analyse(..., moderated_out=export.moderated_out())`` treats them as Polis does
        (they never count as votes on the statement)."""
        ordered = sorted(self.votes, key=lambda v: v.timestamp)
        return [Vote(str(v.voter_id), v.comment_id, v.vote) for v in ordered]

    def analyse(self) -> OpinionAnalysis:
        """The analysis of this conversation, moderated-out comments as Polis treats them."""
        return analyse(
            self.analysis_votes(), self.statements(), moderated_out=self.moderated_out()
        )


# --- reading ----------------------------------------------------------------------------------


def _rows(
    folder: Path, name: str, required: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    path = folder / name
    if not path.is_file():
        raise PolisFormatError(f"{name} ontbreekt", str(path))
    if path.stat().st_size > MAX_BYTES:
        raise PolisFormatError(f"groter dan {MAX_BYTES >> 20} MiB", str(path))
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise PolisFormatError(f"geen CSV-bestand ({exc})", str(path), 1) from None
        if header is None:
            raise PolisFormatError("leeg bestand", str(path))
        missing = [column for column in required if column not in header]
        if missing:
            raise PolisFormatError(
                "kolom(men) ontbreken: "
                + ", ".join(missing)
                + f" (gevonden: {', '.join(h[:40] for h in header[:12])})",
                str(path),
                1,
            )
        try:
            for row in reader:
                if not row:
                    continue
                if len(row) != len(header):
                    raise PolisFormatError(
                        f"{len(row)} velden, de kopregel heeft er {len(header)}",
                        str(path),
                        reader.line_num,
                    )
                yield reader.line_num, dict(zip(header, row, strict=True))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise PolisFormatError(
                f"geen geldige CSV ({exc})", str(path), reader.line_num
            ) from None


def _number(
    value: str, column: str, path: Path, line: int, *, allowed: Sequence[int] | None = None
) -> int:
    text = value.strip()
    try:
        number = int(text)
    except ValueError:
        raise PolisFormatError(
            f"{column} moet een geheel getal zijn, niet {text[:40]!r}", str(path), line
        ) from None
    if abs(number) >= MAX_NUMBER:
        raise PolisFormatError(f"{column} is te groot ({text[:40]})", str(path), line)
    if allowed is not None and number not in allowed:
        shown = " of ".join(f"{a:+d}" if a else "0" for a in allowed)
        raise PolisFormatError(f"{column} moet {shown} zijn, niet {number}", str(path), line)
    if allowed is None and number < 0 and column != "timestamp":
        raise PolisFormatError(f"{column} mag niet negatief zijn ({number})", str(path), line)
    return number


def read_polis(folder: Path) -> PolisExport:
    """A Polis export folder; :class:`PolisFormatError` names the file and line of a problem.
    comments.csv and votes.csv are needed; participants-votes.csv (Polis's groups) and
    summary.csv are read when present."""
    folder = Path(folder)
    if not folder.exists():
        raise PolisFormatError(f"map bestaat niet: {folder}")
    if not folder.is_dir():
        raise PolisFormatError(f"geen map: {folder}")
    path = folder / COMMENTS
    comments: dict[int, PolisComment] = {}
    for line, row in _rows(
        folder, COMMENTS, ("comment-id", "author-id", "moderated", "comment-body")
    ):
        comment_id = _number(row["comment-id"], "comment-id", path, line)
        if comment_id in comments:
            raise PolisFormatError(
                f"comment-id {comment_id} staat er twee keer in", str(path), line
            )
        comments[comment_id] = PolisComment(
            comment_id=comment_id,
            author_id=_number(row["author-id"], "author-id", path, line),
            moderated=_number(row["moderated"], "moderated", path, line, allowed=(1, 0, -1)),
            body=row["comment-body"],
            timestamp=_number(row.get("timestamp") or "0", "timestamp", path, line),
        )
    path = folder / VOTES
    votes: list[PolisVote] = []
    for line, row in _rows(folder, VOTES, ("comment-id", "voter-id", "vote")):
        comment_id = _number(row["comment-id"], "comment-id", path, line)
        if comment_id not in comments:
            raise PolisFormatError(
                f"comment-id {comment_id} staat niet in {COMMENTS}", str(path), line
            )
        votes.append(
            PolisVote(
                comment_id=comment_id,
                voter_id=_number(row["voter-id"], "voter-id", path, line),
                vote=_number(row["vote"], "vote", path, line, allowed=(1, 0, -1)),
                timestamp=_number(row.get("timestamp") or "0", "timestamp", path, line),
            )
        )
    groups: dict[str, int] = {}
    if (folder / PARTICIPANTS).is_file():
        path = folder / PARTICIPANTS
        for line, row in _rows(folder, PARTICIPANTS, ("participant", "group-id")):
            participant = _number(row["participant"], "participant", path, line)
            if row["group-id"].strip():
                groups[str(participant)] = _number(row["group-id"], "group-id", path, line)
    summary: dict[str, str] = {}
    if (folder / SUMMARY).is_file():
        with (folder / SUMMARY).open(newline="", encoding="utf-8-sig") as handle:
            try:
                for pair in csv.reader(handle):
                    if pair:
                        summary[pair[0]] = pair[1] if len(pair) > 1 else ""
            except (csv.Error, UnicodeDecodeError) as exc:
                raise PolisFormatError(
                    f"geen geldige CSV ({exc})", str(folder / SUMMARY)
                ) from None
    return PolisExport(tuple(comments.values()), tuple(votes), groups, summary)


# --- writing ----------------------------------------------------------------------------------


def _datetime(milliseconds: int) -> str:
    """Like Polis's (Java's Date.toString), in UTC: "Mon Dec 07 01:27:25 UTC 2026"."""
    return datetime.fromtimestamp(milliseconds / 1000, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")


def latest_votes(votes: Sequence[PolisVote]) -> dict[tuple[int, int], int]:
    """(voter, comment) -> the latest vote."""
    latest: dict[tuple[int, int], int] = {}
    for vote in sorted(votes, key=lambda v: v.timestamp):
        latest[(vote.voter_id, vote.comment_id)] = vote.vote
    return latest


def write_polis(
    folder: Path, export: PolisExport, analysis: OpinionAnalysis | None = None
) -> None:
    """Write ``export`` as a Polis export folder (created if needed). ``group-id`` comes from
    ``analysis`` (participant id = the voter id as text), else from ``export.groups``;
    agrees, disagrees and the participants' counts are computed from the latest votes.
    summary.csv takes topic, url, views and conversation-description from
    ``export.summary`` and counts the rest."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    latest = latest_votes(export.votes)
    groups = dict(analysis.groups) if analysis is not None else dict(export.groups)
    comments = sorted(export.comments, key=lambda c: c.comment_id)
    agrees: dict[int, int] = {}
    disagrees: dict[int, int] = {}
    for (_, comment), vote in latest.items():
        if vote == 1:
            agrees[comment] = agrees.get(comment, 0) + 1
        elif vote == -1:
            disagrees[comment] = disagrees.get(comment, 0) + 1
    with (folder / COMMENTS).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COMMENT_COLUMNS)
        for c in comments:
            writer.writerow(
                [
                    c.timestamp,
                    _datetime(c.timestamp),
                    c.comment_id,
                    c.author_id,
                    agrees.get(c.comment_id, 0),
                    disagrees.get(c.comment_id, 0),
                    c.moderated,
                    c.body,
                ]
            )
    with (folder / VOTES).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(VOTE_COLUMNS)
        for v in sorted(export.votes, key=lambda v: (v.comment_id, v.voter_id, v.timestamp)):
            writer.writerow(
                [v.timestamp, _datetime(v.timestamp), v.comment_id, v.voter_id, v.vote]
            )
    voted_on = sorted({comment for _, comment in latest})
    position = {comment: i for i, comment in enumerate(voted_on)}
    voters = sorted({voter for voter, _ in latest})
    rows: dict[int, list[str]] = {voter: [""] * len(voted_on) for voter in voters}
    for (voter, comment), vote in latest.items():
        rows[voter][position[comment]] = str(vote)
    authored: dict[int, int] = {}
    for c in export.comments:
        authored[c.author_id] = authored.get(c.author_id, 0) + 1
    with (folder / PARTICIPANTS).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*PARTICIPANT_COLUMNS, *voted_on])
        for voter in voters:
            row = rows[voter]
            group = groups.get(str(voter))
            writer.writerow(
                [
                    voter,
                    "" if group is None else group,
                    authored.get(voter, 0),
                    sum(1 for cell in row if cell),
                    row.count("1"),
                    row.count("-1"),
                    *row,
                ]
            )
    counted = {
        "voters": str(len(voters)),
        "voters-in-conv": str(len(analysis.participants) if analysis else len(groups)),
        "commenters": str(len({c.author_id for c in export.comments})),
        "comments": str(len(export.comments)),
        "groups": str(analysis.group_count if analysis else len(set(groups.values()))),
    }
    with (folder / SUMMARY).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for key in SUMMARY_KEYS:
            value = counted.get(key, export.summary.get(key))
            if value is not None:
                writer.writerow([key, value])
