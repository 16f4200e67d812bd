"""The deliberation format ("gesprek met stellingen"): pydantic models of a YAML file in
``questionnaires/stellingen/``, loaded with the questionnaires' own loader.

A deliberation is data, like a questionnaire: residents vote agree / disagree / pass on
short statements and may add their own (Polis's method, in chat). The file says the seed
statements (3 to 50, each at most 140 characters in every language), whether residents may
add statements and how many each. Every problem is reported with file, line and field by
:func:`flows.loader.parse_model`, exactly as for a questionnaire.

What a resident types is read here too (:func:`read_vote`, :func:`near_duplicate`), so the
bot layer stays a thin adapter.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from flows.loader import MAX_FILE_BYTES, Problem, QuestionnaireError, parse_model
from flows.problems import Message, Path_
from flows.schema import (
    MAX_QUESTIONNAIRE_ID_CHARS,
    Dimension,
    IntroText,
    Label,
    Slug,
    Strict,
    Text,
    _limit,
    closes_after_opening,
)
from flows.validator import all_texts

#: Polis keeps statements short: one thought, read in one glance on a phone.
MAX_STATEMENT_CHARS = 140
MIN_SEED_STATEMENTS = 3
MAX_SEED_STATEMENTS = 50
#: A resident may see "Waar sta ik?" after this many votes (Polis clusters from 7 on).
MIN_VOTES_TO_PLACE = 7
#: Where the shipped deliberations live, inside QUESTIONNAIRES_DIR.
FOLDER = "stellingen"

StatementText = Annotated[Text, _limit(MAX_STATEMENT_CHARS)]


class Vote(IntEnum):
    """A vote as Polis counts it in its matrix: agree +1, disagree -1, pass 0."""

    AGREE = 1
    PASS = 0
    DISAGREE = -1


class SeedStatement(Strict):
    """A statement the municipality starts the conversation with."""

    id: Annotated[Slug, Field(max_length=20)]
    text: StatementText
    # Which quality of public value the statement is about (optional, as for questions).
    dimension: Dimension | None = None


class Deliberation(Strict):
    """One version of a deliberation, as written in YAML."""

    schema_version: Literal[1]
    kind: Literal["stellingen"]
    id: Annotated[Slug, Field(max_length=MAX_QUESTIONNAIRE_ID_CHARS)]
    version: int = Field(ge=1, le=999_999)
    theme: Label
    title: Label
    intro: IntroText
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    resident_statements: bool = True
    statements_per_resident: int = Field(default=3, ge=0, le=20)
    statements: list[SeedStatement] = Field(
        min_length=MIN_SEED_STATEMENTS, max_length=MAX_SEED_STATEMENTS
    )

    @field_validator("closes_at")
    @classmethod
    def _dates(cls, closes_at: datetime | None, info: ValidationInfo) -> datetime | None:
        return closes_after_opening(info.data.get("opens_at"), closes_at)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def may_add(self) -> bool:
        """Whether residents may add statements of their own."""
        return self.resident_statements and self.statements_per_resident > 0


def check(deliberation: Deliberation) -> Iterator[tuple[Path_, Message]]:
    """Whole-file checks: statement ids and texts are each used once."""
    seen_ids: set[str] = set()
    seen_texts: set[str] = set()
    for index, statement in enumerate(deliberation.statements):
        if statement.id in seen_ids:
            yield ("statements", index, "id"), Message.of("choice_twice", id=statement.id)
        seen_ids.add(statement.id)
        said = normalised(statement.text.nl)
        if said in seen_texts:
            yield ("statements", index, "text", "nl"), Message.of("statement_twice")
        seen_texts.add(said)


def parse(text: str, source: str = "<stellingen>") -> Deliberation:
    """Parse and validate one deliberation; raises :class:`QuestionnaireError`."""
    return parse_model(text, source, Deliberation, check)


def _problem(source: str, message: Message) -> QuestionnaireError:
    return QuestionnaireError([Problem(source, None, "", message)])


def load_file(path: Path) -> Deliberation:
    """Read and validate one deliberation file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _problem(str(path), Message.of("unreadable", reason=exc.strerror)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _problem(str(path), Message.of("file_too_big", size=len(raw), max=MAX_FILE_BYTES))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _problem(str(path), Message.of("not_utf8")) from None
    return parse(text, str(path))


def read_directory(questionnaires_dir: Path) -> list[tuple[Deliberation, str]]:
    """Every deliberation in ``<questionnaires_dir>/stellingen`` with its source text; all
    problems of all files in one :class:`QuestionnaireError`."""
    folder = questionnaires_dir / FOLDER
    if not folder.is_dir():
        return []
    found: list[tuple[Deliberation, str]] = []
    problems = []
    for path in sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"}):
        try:
            found.append((load_file(path), path.read_text(encoding="utf-8")))
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
    if problems:
        raise QuestionnaireError(problems)
    return found


# --- an uploaded file, and a new version ------------------------------------------------------

_KIND = re.compile(r"""^kind:[ \t]*["']?stellingen["']?[ \t]*(?:#.*)?$""", re.MULTILINE)


def is_deliberation(source: str) -> bool:
    """Whether an uploaded YAML file is a deliberation: it says ``kind: stellingen`` at its
    top level (a key at the start of a line; a questionnaire has no ``kind``). Cheap, so
    that the upload knows which validator to use before parsing."""
    return _KIND.search(source) is not None


@dataclass(frozen=True, slots=True)
class VersionPlan:
    """What a new version does to the seed statements of the published one, by statement
    ``id``:

    - ``kept``: the same Dutch text (give or take case and punctuation): the statement stays,
      with every vote on it; a changed English text or dimension is taken over.
    - ``reworded``: the same id with another Dutch text: a vote on the old words says nothing
      about the new ones, so the old statement is retired (no longer shown, its votes no
      longer counted, still in the export as moderated out) and the new text starts afresh.
    - ``removed``: no longer in the file: retired the same way.
    - ``added``: new ids: new statements.

    Residents' own statements and every participant stay as they are."""

    kept: tuple[str, ...]
    reworded: tuple[str, ...]
    removed: tuple[str, ...]
    added: tuple[str, ...]


def plan_version(old: Deliberation, new: Deliberation) -> VersionPlan:
    """How ``new`` replaces ``old`` (see :class:`VersionPlan`)."""
    before = {statement.id: normalised(statement.text.nl) for statement in old.statements}
    after = {statement.id: normalised(statement.text.nl) for statement in new.statements}
    return VersionPlan(
        kept=tuple(i for i in after if i in before and before[i] == after[i]),
        reworded=tuple(i for i in after if i in before and before[i] != after[i]),
        removed=tuple(i for i in before if i not in after),
        added=tuple(i for i in after if i not in before),
    )


def untranslated(deliberation: Deliberation) -> list[str]:
    """Where the file has Dutch without English: the fields at the top, then statement ids."""
    found: list[str] = []
    for path, text in all_texts(deliberation, ()):
        if "en" not in text.untranslated:
            continue
        if path[0] == "statements":
            found.append(deliberation.statements[int(path[1])].id)
        else:
            found.append(str(path[0]))
    return list(dict.fromkeys(found))


# --- what a resident types ---------------------------------------------------------------------

_TYPED_VOTES: dict[str, Vote] = {
    **dict.fromkeys(
        ("eens", "ja", "j", "agree", "yes", "y", "mee eens", "helemaal eens"), Vote.AGREE
    ),
    **dict.fromkeys(
        ("oneens", "nee", "n", "disagree", "no", "niet mee eens", "helemaal oneens"),
        Vote.DISAGREE,
    ),
    **dict.fromkeys(
        (
            "pas",
            "pass",
            "sla over",
            "overslaan",
            "skip",
            "weet niet",
            "weet ik niet",
            "geen idee",
            "don't know",
            "dont know",
        ),
        Vote.PASS,
    ),
}


def read_vote(typed: str) -> Vote | None:
    """A typed vote (``eens``, ``oneens``, ``ja``, ``nee``, ``pas``...), else None."""
    said = " ".join(typed.lower().strip(" .!?\t\n").split())
    return _TYPED_VOTES.get(said)


_WORDS = re.compile(r"\w+")


def normalised(text: str) -> str:
    """Lower case, accents and punctuation gone, spaces single: for comparing statements."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORDS.findall(plain))


#: Two statements this similar (difflib's ratio over their normalised words) say the same.
DUPLICATE_RATIO = 0.85


def near_duplicate(text: str, existing: Sequence[tuple[int, str]]) -> int | None:
    """The id of an existing statement that says (nearly) the same as ``text``, if any:
    ``existing`` is (id, text) pairs. Same words in the same order, give or take a typing
    error or a word."""
    wanted = normalised(text)
    if not wanted:
        return None
    best: tuple[float, int] | None = None
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    for statement_id, other in existing:
        matcher.set_seq1(normalised(other))
        if matcher.real_quick_ratio() < DUPLICATE_RATIO or matcher.quick_ratio() < DUPLICATE_RATIO:
            continue
        ratio = matcher.ratio()
        if ratio >= DUPLICATE_RATIO and (best is None or ratio > best[0]):
            best = (ratio, statement_id)
    return best[1] if best else None


def statement_text_problem(text: str) -> Literal["empty", "too_long"] | None:
    """Why a typed statement cannot be taken, if it cannot."""
    if not normalised(text):
        return "empty"
    if len(text.strip()) > MAX_STATEMENT_CHARS:
        return "too_long"
    return None
