"""Builders for digest tests: responses inserted directly, with the timestamps a test needs,
and figures made by hand."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from analysis.counts import OTHER
from analysis.figures import (
    Distribution,
    DropOff,
    NumberStats,
    QuestionnaireDigest,
    Quote,
    ResponseStats,
    TextStats,
)
from analysis.scorecard import scorecard
from flows.engine import Confirm as Done
from flows.engine import Pick, Skip, Toggle, Typed, apply, start
from flows.loader import load_file
from flows.machine import Flow
from flows.schema import (
    END,
    AreaQuestion,
    ChoiceQuestion,
    MultiQuestion,
    NumberQuestion,
    Questionnaire,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from storage import admin
from storage.models import Answer, Session, utcnow
from tests.support.shipped import QUESTIONNAIRES, shipped_version

Sessions = async_sessionmaker[AsyncSession]

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
PROEF = DATA / "digest.yaml"

SINCE = datetime(2026, 11, 2, tzinfo=UTC)
UNTIL = datetime(2026, 11, 9, tzinfo=UTC)
IN = datetime(2026, 11, 3, 10, tzinfo=UTC)
BEFORE = datetime(2026, 10, 20, 9, tzinfo=UTC)
AFTER = datetime(2026, 11, 10, 9, tzinfo=UTC)

ZONE = ZoneInfo("Europe/Amsterdam")


def _read(path: Path) -> tuple[Questionnaire, str]:
    return load_file(path), path.read_text(encoding="utf-8")


async def store(sessions: Sessions, path: Path) -> Questionnaire:
    """Load a questionnaire file and store it, as the bot does at start-up."""
    questionnaire, source = _read(path)
    async with sessions.begin() as db:
        await admin.seed(db, questionnaire, source, now=utcnow(), zone=ZONE)
    return questionnaire


@dataclass
class Response:
    """One response to insert: its answers, and when things happened."""

    answers: Mapping[str, Any]
    status: str = "completed"
    started: datetime = IN
    completed: datetime | None = None  # defaults to ``answered`` for completed responses
    answered: datetime = IN
    when: Mapping[str, datetime] = field(default_factory=dict)  # per question, else answered
    current: str | None = None  # defaults to "end" when completed, else the next question
    is_test: bool = False
    # Per question: answers.moderation (pending, approved, rejected); NULL when not given.
    moderation: Mapping[str, str] = field(default_factory=dict)


async def add(
    db: AsyncSession,
    questionnaire_id: str,
    response: Response,
    version: int | None = None,
    resident_id: int | None = None,
) -> dict[str, int]:
    """Insert a response (anonymous, or ``resident_id``'s) to ``version`` (by default the
    shipped version of a shipped questionnaire, else 1); the ids of its answers."""
    if version is None:
        shipped = (QUESTIONNAIRES / f"{questionnaire_id}.yaml").exists()
        version = shipped_version(questionnaire_id) if shipped else 1
    completed = response.completed
    if response.status in ("completed", "replaced") and completed is None:
        completed = max([response.answered, *response.when.values()])
    row = Session(
        resident_id=resident_id,
        questionnaire_id=questionnaire_id,
        questionnaire_version=version,
        status=response.status,
        current=response.current or ("end" if response.status == "completed" else "x"),
        path=list(response.answers),
        draft=[],
        is_test=response.is_test,
        started_at=response.started,
        updated_at=completed or response.answered,
        completed_at=completed,
    )
    db.add(row)
    await db.flush()
    ids: dict[str, int] = {}
    for question_id, value in response.answers.items():
        answer = Answer(
            session_id=row.id,
            question_id=question_id,
            value=value,
            answered_at=response.when.get(question_id, response.answered),
            moderation=response.moderation.get(question_id),
        )
        db.add(answer)
        await db.flush()
        ids[question_id] = answer.id
    return ids


# --- Realistic responses: walked through the engine, so every path is a possible one -------

COMPLAINTS = [
    "De container zit altijd vol op zaterdag, dan staat het afval ernaast.",
    "Ophalen gaat prima, maar de container stinkt in de zomer.",
    "Meer containers voor plastic in de wijk graag, nu loop ik ver.",
    "Bel me gerust op 06-12345678 als jullie vragen hebben over de container.",
    "De afvalapp geeft soms de verkeerde ophaaldag aan, erg onhandig.",
    "Mail naar jan.jansen@example.nl, ik woon op 4101 AB 12 en de container is kapot.",
    "Grofvuil ophalen duurt te lang, drie weken wachten op een afspraak.",
    "Zet <b>meer</b> containers neer & leeg ze vaker *snel* _graag_",
]


def walk(flow: Flow, rng: random.Random, *, finish: bool = True) -> tuple[dict[str, Any], str]:
    """Answers of one random resident going through the questionnaire, and where they are."""
    state = start(flow)
    answers: dict[str, Any] = {}
    stop_at = None if finish else rng.randrange(1, len(flow.order))
    steps = 0
    while state.current != END and steps != stop_at:
        question = flow.questions[state.current]
        match question:
            case ChoiceQuestion():
                given: Any = Pick(rng.choice(question.options).id)
            case AreaQuestion():
                weights = [30, 25, 15, 12, 10, 5, 3][: len(question.areas)]
                given = Pick(rng.choices(question.areas, weights=weights)[0].id)
            case YesNoQuestion():
                given = Pick(rng.choice(["yes", "yes", "no"]))
            case ScaleQuestion():
                span = list(range(question.min, question.max + 1))
                weights = [1 + i for i in range(len(span))]
                given = Pick(str(rng.choices(span, weights=weights)[0]))
            case NumberQuestion():
                given = Typed(str(rng.randint(int(question.min), min(int(question.max), 12))))
            case TextQuestion():
                given = Skip() if rng.random() < 0.3 else Typed(rng.choice(COMPLAINTS))
            case MultiQuestion():
                for option in rng.sample(question.options, rng.randint(1, 3)):
                    state = apply(flow, state, Toggle(option.id), "nl").state
                given = Done()
        outcome = apply(flow, state, given, "nl")
        assert outcome.problem is None, (question.id, given, outcome.problem)
        if outcome.accepted:
            answers[outcome.accepted[0]] = outcome.accepted[1]
        for gone in outcome.discard:
            answers.pop(gone, None)
        state = outcome.state
        steps += 1
    return answers, state.current


async def fill(
    sessions: Sessions,
    questionnaire: Questionnaire,
    count: int,
    *,
    seed: int = 7,
    since: datetime = SINCE,
    days: int = 7,
) -> list[Response]:
    """``count`` responses spread over ``days`` from ``since``; about 1 in 5 unfinished."""
    rng = random.Random(seed)
    flow = Flow(questionnaire)
    made: list[Response] = []
    async with sessions.begin() as db:
        for _ in range(count):
            finish = rng.random() > 0.2
            answers, current = walk(flow, rng, finish=finish)
            began = since + timedelta(seconds=rng.randrange(days * 86400 - 3600))
            when = {qid: began + timedelta(seconds=20 * i) for i, qid in enumerate(answers)}
            done = current == END  # a short branch may end before the planned stop
            status = "completed" if done else rng.choice(["active", "paused", "expired"])
            response = Response(
                answers,
                status=status,
                started=began,
                answered=began,
                when=when,
                current=current,
            )
            await add(db, questionnaire.id, response, questionnaire.version)
            made.append(response)
    return made


# --- Figures made by hand, for the text and the chart ---------------------------------------


def sample(
    questionnaire: Questionnaire, *, quote: str = "Gewoon een prima antwoord hier"
) -> QuestionnaireDigest:
    """Figures of ``proef`` (:data:`PROEF`) as :func:`analysis.digest.compute` could give
    them, with one quote."""
    distributions = (
        Distribution("wijk", "area", 12, 1, (("centrum", 7), (OTHER, 5)), merged=3),
        Distribution("vervoer", "choice", 12, 0, (("fiets", 6), ("auto", 5), ("bus", 1))),
        Distribution("bakken", "multi", 10, 2, (("gft", 8), ("papier", 0), ("pmd", 4))),
        Distribution(
            "tevreden",
            "scale",
            12,
            0,
            (("1", 1), ("2", 1), ("3", 2), ("4", 5), ("5", 3)),
            mean=3.667,
            median=4,
        ),
        Distribution("cijfer", "scale", 0, 0, tuple((str(v), 0) for v in range(11))),
        Distribution("gehoord", "yesno", 11, 0, (("yes", 7), ("no", 4))),
        Distribution("melding", "choice", 11, 0, (("ja", 2), ("nee", 9))),
    )
    return QuestionnaireDigest(
        questionnaire_id="proef",
        since=SINCE,
        until=UNTIL,
        responses=ResponseStats(
            new=12, completed_in_period=10, total=40, completed=30, drop_off=DropOff("bakken", 6)
        ),
        distributions=distributions,
        numbers=(NumberStats("aantal", 9, 3, 4.5, 4),),
        texts=(
            TextStats("idee", 8, (("container", 5), ("<script>", 3)), (Quote(1, "idee", quote),)),
        ),
        scorecard=scorecard(questionnaire, distributions),
    )
