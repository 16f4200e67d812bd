"""The SPSS dataset of a questionnaire's responses, as a research office reads it: one case
per response, the questionnaire's own variable names, variable and value labels, missing
values. Pure: the same rows and versions as :mod:`analysis.export` in, plain columns out;
:mod:`bot.admin.export` writes them as a ``.sav`` file.

What each question becomes (names from :mod:`flows.variables`):

- choice and area: codes 1, 2, 3, ... in the order of the options (options only older
  versions had come after), with the option labels as value labels;
- multi: a 0/1 column per option (``V40_1``, ``V40_2``, ...), 1 = gekozen, 0 = niet gekozen;
- yes/no: 1 = Ja, 0 = Nee; scale: the number, its end labels as value labels; number: the
  number; text: the text (blank when there is none).

Not reached (another branch, or not yet) is system-missing. Skipped is the user-missing
code :data:`SKIPPED` ("Overgeslagen"), wherever that code cannot be an answer. Like the
CSV, dates are to the day and responses are known by a pseudonym only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any, Literal

from analysis.export import FIXED, PSEUDONYM_CHARS, Response
from analysis.names import shorten
from analysis.scrub import legible
from flows import engine
from flows.machine import Flow
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    RankingQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from flows.variables import variable_names

SKIPPED = -9  # user-missing: the resident skipped the question
SKIPPED_LABEL = "Overgeslagen"
VARIABLE_LABEL_BYTES = 256  # what SPSS keeps of a variable label
VALUE_LABEL_BYTES = 120  # and of a value label
COMPLETED = "completed"
#: The door a response came in through, as a code with its value label.
CHANNEL_CODES = {"telegram": 1.0, "web": 2.0}
CHANNEL_LABELS = {1.0: "Telegram", 2.0: "Website"}

Kind = Literal["number", "text", "date"]
Measure = Literal["nominal", "ordinal", "scale", "unknown"]
Value = float | str | date | None


@dataclass(frozen=True, slots=True)
class Variable:
    """One column: its name, label, kind, one value per case, value labels and missing."""

    name: str
    label: str
    kind: Kind
    values: list[Value] = field(default_factory=list)
    value_labels: dict[float, str] = field(default_factory=dict)
    measure: Measure = "unknown"
    missing: tuple[float, ...] = ()  # user-missing codes


@dataclass(frozen=True, slots=True)
class Dataset:
    label: str  # the file label: the questionnaire's title
    variables: list[Variable]

    @property
    def cases(self) -> int:
        return len(self.variables[0].values) if self.variables else 0


def fit(text: str, limit: int) -> str:
    """``text`` on one line within ``limit`` UTF-8 bytes, shortened at a word."""
    text = " ".join(text.split())
    chars = limit
    while len(text.encode()) > limit:
        text = shorten(text, chars)
        chars -= 1
    return text


def _codes(question: AnyQuestion, older: Sequence[AnyQuestion]) -> dict[str, tuple[int, str]]:
    """Per option (area) id its code and Dutch label: the newest version's order first."""
    found: dict[str, tuple[int, str]] = {}
    for version in (question, *older):
        choices = getattr(version, "options", None) or getattr(version, "areas", None) or []
        for choice in choices:
            if choice.id not in found:
                found[choice.id] = (len(found) + 1, choice.label.nl)
    return found


def _skipped_allowed(question: AnyQuestion) -> bool:
    """Whether :data:`SKIPPED` cannot be a real answer of ``question``."""
    if isinstance(question, NumberQuestion):
        return question.min > SKIPPED
    return not isinstance(question, TextQuestion)


class _Column:
    """Builds the variables of one question, a case at a time."""

    def __init__(
        self,
        question: AnyQuestion,
        older: Sequence[AnyQuestion],
        name: str,
        option_names: Mapping[str, str],
    ) -> None:
        self.question = question
        self.codes = _codes(question, older)
        self.skip = float(SKIPPED) if _skipped_allowed(question) else None
        missing = (float(SKIPPED),) if self.skip is not None else ()
        label = fit(question.text.nl, VARIABLE_LABEL_BYTES)
        skipped = {float(SKIPPED): SKIPPED_LABEL} if self.skip is not None else {}
        self.variables: list[Variable] = []
        if isinstance(question, RankingQuestion | DateQuestion):
            self.variables = _shaped_variables(question, name, label, missing, skipped)
            return
        if isinstance(question, MultiQuestion):
            self.options = list(self.codes)
            for k, option in enumerate(self.options, start=1):
                column = option_names.get(option) or f"{name}_{k}"
                text = f"{self.codes[option][1]} – {question.text.nl}"
                labels = {1.0: "Gekozen", 0.0: "Niet gekozen", **skipped}
                self.variables.append(
                    Variable(
                        column,
                        fit(text, VARIABLE_LABEL_BYTES),
                        "number",
                        value_labels=labels,
                        measure="nominal",
                        missing=missing,
                    )
                )
            return
        if isinstance(question, TextQuestion):
            self.variables.append(Variable(name, label, "text"))
            return
        labels = {}
        measure: Measure = "nominal"
        if isinstance(question, ChoiceQuestion | AreaQuestion):
            labels = {
                float(code): fit(text, VALUE_LABEL_BYTES) for code, text in self.codes.values()
            }
        elif isinstance(question, YesNoQuestion):
            labels = {1.0: "Ja", 0.0: "Nee"}
        elif isinstance(question, ScaleQuestion):
            measure = "ordinal"
            if question.labels:
                labels = {
                    float(question.min): fit(question.labels.min.nl, VALUE_LABEL_BYTES),
                    float(question.max): fit(question.labels.max.nl, VALUE_LABEL_BYTES),
                }
        elif isinstance(question, NumberQuestion):
            measure = "scale"
        self.variables.append(
            Variable(
                name,
                label,
                "number",
                value_labels={**labels, **skipped},
                measure=measure,
                missing=missing,
            )
        )

    def add(self, answers: Mapping[str, Any]) -> None:
        """The values of one case: not reached (absent), skipped (None) or an answer."""
        question = self.question
        reached = question.id in answers
        value = answers.get(question.id)
        if isinstance(question, MultiQuestion):
            ticked = {str(v) for v in value} if isinstance(value, list) else set()
            for option, variable in zip(self.options, self.variables, strict=True):
                cell: Value = None
                if reached and value is None:
                    cell = self.skip
                elif reached:
                    cell = 1.0 if option in ticked else 0.0
                variable.values.append(cell)
            return
        if isinstance(question, RankingQuestion):
            places = {str(v): i for i, v in enumerate(value, 1)} if isinstance(value, list) else {}
            for choice, variable in zip(question.options, self.variables, strict=True):
                place = places.get(choice.id) if reached and value is not None else None
                variable.values.append(
                    self.skip if reached and value is None else place and float(place)
                )
            return
        (variable,) = self.variables
        if isinstance(question, DateQuestion):
            variable.values.append(_date(value) if reached else None)
            return
        if isinstance(question, TextQuestion):
            variable.values.append(legible(str(value)) if value is not None else "")
        elif not reached:
            variable.values.append(None)
        elif value is None:
            variable.values.append(self.skip)
        else:
            variable.values.append(self._code(value))

    def _code(self, value: Any) -> float | None:
        question = self.question
        if isinstance(question, ChoiceQuestion | AreaQuestion):
            found = self.codes.get(str(value))
            return float(found[0]) if found else None
        if isinstance(question, YesNoQuestion):
            return {"yes": 1.0, "no": 0.0}.get(str(value))
        try:
            return float(value)
        except (TypeError, ValueError):
            return None


def _shaped_variables(
    question: RankingQuestion | DateQuestion,
    name: str,
    label: str,
    missing: tuple[float, ...],
    skipped: Mapping[float, str],
) -> list[Variable]:
    """A ranking as a variable per option holding its place (1 = first); a date as a date."""
    if isinstance(question, DateQuestion):
        return [Variable(name, label, "date")]
    return [
        Variable(
            f"{name}_{k}",
            fit(f"{option.label.nl} – plek – {question.text.nl}", VARIABLE_LABEL_BYTES),
            "number",
            value_labels=dict(skipped),
            measure="ordinal",
            missing=missing,
        )
        for k, option in enumerate(question.options, 1)
    ]


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def build_dataset(
    flows: Mapping[int, Flow], rows: Sequence[Response], zone: tzinfo, title: str = ""
) -> Dataset:
    """Every response as a case; every question any version asked as variables (the
    newest version's wording first, as in the CSV)."""
    newest: dict[str, AnyQuestion] = {}
    older: dict[str, list[AnyQuestion]] = {}
    for version in sorted(flows, reverse=True):
        flow = flows[version]
        for qid in flow.order:
            if qid in newest:
                older[qid].append(flow.questions[qid])
            else:
                newest[qid] = flow.questions[qid]
                older[qid] = []
    names = variable_names(list(newest.values()))
    columns = [
        _Column(q, older[qid], names.questions[qid], names.options.get(qid, {}))
        for qid, q in newest.items()
    ]
    labels = dict(FIXED)
    fixed = [
        Variable("response", labels["response"], "text"),
        Variable("version", labels["version"], "number", measure="nominal"),
        Variable("started", labels["started"], "date"),
        Variable("completed", labels["completed"], "date"),
        Variable(
            "status",
            labels["status"],
            "number",
            value_labels={1.0: "Afgerond", 0.0: "Niet afgerond"},
            measure="nominal",
        ),
        Variable(
            "channel",
            labels["channel"],
            "number",
            value_labels=CHANNEL_LABELS,
            measure="nominal",
        ),
    ]
    for row in rows:
        cells: list[Value] = [
            (row.pseudonym or "(erased)")[:PSEUDONYM_CHARS],
            float(row.version),
            _day(row.started_at, zone),
            _day(row.completed_at, zone),
            1.0 if row.status == COMPLETED else 0.0,
            CHANNEL_CODES.get(row.channel or ""),  # erased: system-missing
        ]
        for variable, cell in zip(fixed, cells, strict=True):
            variable.values.append(cell)
        given = flows.get(row.version)
        # An unfinished response: only the answers along the branch the resident is on.
        answers = engine.answers_on_branch(given, row.answers) if given else row.answers
        for column in columns:
            column.add(answers)
    return Dataset(
        fit(title, VARIABLE_LABEL_BYTES),
        [*fixed, *(v for column in columns for v in column.variables)],
    )


def _day(moment: datetime | None, zone: tzinfo) -> date | None:
    return moment.astimezone(zone).date() if moment else None
