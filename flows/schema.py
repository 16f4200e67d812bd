# Over 500 lines on purpose: it is the whole file format, one model per construct of the YAML
# (texts, options, areas, conditions and their ``all``/``any``/``not``, rules, every question type,
# the questionnaire), and the models refer to each other, so they stay in one module rather than in
# parts that would import each other.
"""The questionnaire format: pydantic models of the YAML files in ``questionnaires/``.

A questionnaire is data, not code. These models check everything that can be checked
on one field at a time; whole-graph checks (unknown targets, unreachable questions,
loops) live in :mod:`flows.validator`, and :mod:`flows.loader` maps every problem to a file
and line. A check raises :func:`refuse` with a code: :mod:`flows.problems` words it in the
administrator's language (the text ``problem.<code>`` in :mod:`flows.texts.problems`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from babel import localedata
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from flows.images import check_source
from flows.limits import BUTTON_LABEL_CHARS, CALLBACK_DATA_BYTES
from flows.texts import Address

SCHEMA_VERSION = 1
#: The languages every questionnaire text has: Dutch, and English (Dutch when not given).
#: A file may add any other language code (:data:`LANGUAGE_CODE`) to any text.
LANGUAGES: tuple[str, ...] = ("nl", "en")
#: A language code as questionnaire files write it: ``ar``, ``tr``, ``pt-BR``.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Z][A-Za-z]{1,3}|-[0-9]{3})?")


def is_language_code(code: object) -> bool:
    """A language code (:data:`LANGUAGE_CODE`) of a language CLDR knows: ``ar``, ``pt-BR``."""
    return (
        isinstance(code, str)
        and LANGUAGE_CODE.fullmatch(code) is not None
        and localedata.exists(code.replace("-", "_"))
    )


# Room in a message for the progress line, the end labels of a scale and the
# confirmation added after an answer; a question text longer than this cannot be sent.
MAX_QUESTION_CHARS = 3500
MAX_INTRO_CHARS = 3000
MAX_BUTTON_LABEL_CHARS = BUTTON_LABEL_CHARS
# Buttons carry "<kind>:<8-char token>:<option id>", so option ids get what is left of 64 bytes.
CALLBACK_OVERHEAD_BYTES = 11
MAX_OPTION_ID_BYTES = CALLBACK_DATA_BYTES - CALLBACK_OVERHEAD_BYTES
# "p:<questionnaire id>" starts a questionnaire from a button; deep links allow 64 characters.
MAX_QUESTIONNAIRE_ID_CHARS = 40
# A question's short name in digests and exports (``label``), and its SPSS variable name.
MAX_QUESTION_LABEL_CHARS = 80
MAX_VARIABLE_CHARS = 64
# Names SPSS keeps for itself (case does not matter in SPSS names).
SPSS_RESERVED = frozenset(
    {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
)
SPSS_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*$")

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
END = "end"


def closes_after_opening(opens_at: datetime | None, closes_at: datetime | None) -> datetime | None:
    """``closes_at``, refused ("dates") unless it comes after ``opens_at``; one of the two
    may lack a time zone: it is read in the other's zone to compare."""
    if opens_at and closes_at:
        zone = opens_at.tzinfo or closes_at.tzinfo
        opens, closes = (d if d.tzinfo else d.replace(tzinfo=zone) for d in (opens_at, closes_at))
        if opens >= closes:
            raise refuse("dates")
    return closes_at


def refuse(code: str, **context: object) -> PydanticCustomError:
    """A check that failed, as the problem ``code`` with its parameters (the value itself
    is added by the loader): worded by :mod:`flows.problems`, never in pydantic's English."""
    return PydanticCustomError(code, code, context)


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise refuse("slug")
    return value


def _option_id(value: str) -> str:
    _slug(value)
    size = len(value.encode())
    if size > MAX_OPTION_ID_BYTES:
        raise refuse("option_id_bytes", size=size, max=MAX_OPTION_ID_BYTES)
    return value


def _variable(value: str) -> str:
    if not SPSS_NAME.match(value) or value.endswith("."):
        raise refuse("variable.name")
    if len(value) > MAX_VARIABLE_CHARS:
        raise refuse("variable.length", size=len(value), max=MAX_VARIABLE_CHARS)
    if value.upper() in SPSS_RESERVED:
        raise refuse("variable.reserved")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
OptionId = Annotated[str, AfterValidator(_option_id)]


class Dimension(StrEnum):
    """The three qualities that add up to public value (Samensturing)."""

    DIENSTVERLENING = "dienstverlening"
    ORGANISATIE = "organisatie"
    BESTUUR = "bestuur"


class QuestionType(StrEnum):
    CHOICE = "choice"
    MULTI = "multi"
    SCALE = "scale"
    YESNO = "yesno"
    TEXT = "text"
    NUMBER = "number"
    AREA = "area"
    # Shapes of issue 16 (see flows/shapes.py).
    GRID = "grid"
    RANKING = "ranking"
    DATE = "date"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Text(Strict):
    """A text in Dutch (required) and any other languages, each under its language code
    (``en``, ``ar``, ``tr``, ``pt-BR``). A text without a language is shown in Dutch to
    residents who use it (:attr:`untranslated` says so for English, and the validator warns
    about every language a file uses elsewhere)."""

    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)
    _untranslated: tuple[str, ...] = PrivateAttr(default=())
    _others: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _dutch_for_missing(cls, data: Any, handler: ModelWrapValidatorHandler[Text]) -> Text:
        others: dict[str, str] = {}
        if isinstance(data, dict):
            for code in [k for k in data if k not in LANGUAGES and is_language_code(k)]:
                value = data[code]
                if not isinstance(value, str) or not value.strip():
                    raise refuse("text_empty", language=code)
                others[code] = value.strip()
            data = {k: v for k, v in data.items() if k not in others}
        missing = isinstance(data, dict) and isinstance(data.get("nl"), str) and "en" not in data
        text = handler({**data, "en": data["nl"]} if missing else data)
        if missing:
            text._untranslated = ("en",)
        text._others = others
        return text

    @property
    def untranslated(self) -> tuple[str, ...]:
        """The languages this text falls back to Dutch for."""
        return self._untranslated

    @property
    def translations(self) -> dict[str, str]:
        """Every language this text has (Dutch and English always), by code."""
        return {"nl": self.nl, "en": self.en, **self._others}

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages written in the file (English only when it is there)."""
        given = tuple(self.translations)
        return tuple(code for code in given if code != "en" or "en" not in self._untranslated)

    def get(self, language: str) -> str:
        """The text in ``language`` (``ar-EG`` finds ``ar``), else in Dutch."""
        code = str(language)
        found = self.translations
        return found.get(code) or found.get(code.split("-")[0]) or self.nl


def _limit(limit: int) -> AfterValidator:
    def check(text: Text) -> Text:
        for lang in text.translations:
            size = len(text.get(lang))
            if size > limit:
                raise refuse("text_too_long", language=lang, size=size, max=limit)
        return text

    return AfterValidator(check)


QuestionText = Annotated[Text, _limit(MAX_QUESTION_CHARS)]
IntroText = Annotated[Text, _limit(MAX_INTRO_CHARS)]
Label = Annotated[Text, _limit(MAX_BUTTON_LABEL_CHARS)]


class Option(Strict):
    id: OptionId
    label: Label
    # Where this answer stands in the public-value scorecard (choice and multi questions
    # with a ``dimension``); options without one ("weet niet") are not scored.
    score: Annotated[float, Field(allow_inf_nan=False)] | None = None
    # On a multi question: chosen alone ("Ik ben niet actief"); ticking it clears the others.
    exclusive: bool = False
    # "Anders, namelijk ...": asks for a short text right after it is chosen (flows.shapes).
    other: bool = False
    # Stays at the end when the options are shuffled ("Weet niet", "Zeg ik liever niet").
    last: bool = False


def _postcode_text(value: object) -> object:
    # ``postcodes: [6811, 6812]`` without quotes reaches us as numbers.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _postcode(item: str) -> str:
    if not re.fullmatch(r"\d{4}(-\d{4})?", item):
        raise refuse("postcode")
    low, _, high = item.partition("-")
    if high and low > high:
        raise refuse("postcode_backwards")
    return item


Postcode = Annotated[str, BeforeValidator(_postcode_text), AfterValidator(_postcode)]


class Area(Strict):
    """A neighbourhood (wijk), optionally with the 4-digit postcodes that belong to it."""

    id: OptionId
    label: Label
    postcodes: list[Postcode] = Field(default_factory=list)

    def covers(self, postcode: str) -> bool:
        for item in self.postcodes:
            low, _, high = item.partition("-")
            if low <= postcode <= (high or low):
                return True
        return False


class Condition(Strict):
    """When an earlier answer decides where the questionnaire goes next."""

    question: Slug
    equals: str | int | None = None
    one_of: list[str | int] | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [self.equals, self.one_of, self.at_least, self.at_most]
        if sum(t is not None for t in tests) == 0:
            raise refuse("condition.none")
        if (self.equals is not None or self.one_of is not None) and (
            self.at_least is not None or self.at_most is not None
        ):
            raise refuse("condition.mixed")
        if self.equals is not None and self.one_of is not None:
            raise refuse("condition.both")
        return self

    def matches(self, answer: object) -> bool:
        """Whether a stored answer value satisfies this condition (a skipped answer never does)."""
        if answer is None:
            return False
        values = [str(v) for v in answer] if isinstance(answer, list) else [str(answer)]
        number = not isinstance(answer, bool) and isinstance(answer, int | float)
        if self.equals is not None and number:
            # A number question stores 3.0 where the file says ``equals: 3``.
            return _as_number(self.equals) == answer
        if self.equals is not None:
            return str(self.equals) in values
        if self.one_of is not None:
            wanted = {str(v) for v in self.one_of}
            return any(v in wanted for v in values)
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            return False
        if self.at_least is not None and answer < self.at_least:
            return False
        return not (self.at_most is not None and answer > self.at_most)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether the answers so far satisfy this condition."""
        return self.matches(answers.get(self.question))

    def leaves(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        """This condition, at its own place (see :class:`AllOf`)."""
        yield (), self


# --- Compound conditions ----------------------------------------------------------------------
# ``when`` (and ``show_if``) is one condition as above, or ``all:``, ``any:`` or ``not:`` over
# conditions, nested as deep as an author likes. A skipped or unanswered question satisfies
# no single condition, so ``not:`` over it holds.


class AllOf(Strict):
    """Every condition in the list holds."""

    all: list[When] = Field(min_length=1, max_length=20)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(item.holds(answers) for item in self.all)

    def leaves(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        """Every single condition inside, with its place below this one (for the validator)."""
        for index, item in enumerate(self.all):
            for path, leaf in item.leaves():
                yield ("all", index, *path), leaf


class AnyOf(Strict):
    """At least one condition in the list holds."""

    any: list[When] = Field(min_length=1, max_length=20)

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return any(item.holds(answers) for item in self.any)

    def leaves(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        for index, item in enumerate(self.any):
            for path, leaf in item.leaves():
                yield ("any", index, *path), leaf


class NotOf(Strict):
    """The condition does not hold (also when its question was skipped or not asked)."""

    negated: When = Field(alias="not")

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return not self.negated.holds(answers)

    def leaves(self) -> Iterator[tuple[tuple[str | int, ...], Condition]]:
        for path, leaf in self.negated.leaves():
            yield ("not", *path), leaf


#: Tags of the kinds of ``when``; the loader leaves them out of a problem's field.
WHEN_TAGS = frozenset({"condition", "all", "any", "not"})


def _when_kind(value: object) -> str | None:
    if isinstance(value, dict):
        return next((key for key in ("all", "any", "not") if key in value), "condition")
    if isinstance(value, AllOf | AnyOf | NotOf):
        return "all" if isinstance(value, AllOf) else "any" if isinstance(value, AnyOf) else "not"
    if isinstance(value, BaseModel):
        return "condition"
    return None


When = Annotated[
    Annotated[Condition, Tag("condition")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")],
    Discriminator(
        _when_kind,
        custom_error_type="when.kind",
        custom_error_message="when.kind",
    ),
]
AnyWhen = Condition | AllOf | AnyOf | NotOf
for _model in (AllOf, AnyOf, NotOf):
    _model.model_rebuild()


def _as_number(value: object) -> float | None:
    try:
        return float(str(value))
    except ValueError:
        return None


class Rule(Strict):
    """One case of a question's ``next``: go to ``goto`` when ``when`` holds (or always)."""

    when: When | None = None
    goto: Slug


class QuestionBase(Strict):
    id: OptionId
    text: QuestionText
    optional: bool = False
    dimension: Dimension | None = None
    # A short name for digests and exports (Dutch, for staff); without it the full text.
    label: Annotated[str, Field(min_length=1, max_length=MAX_QUESTION_LABEL_CHARS)] | None = None
    # The variable name in the SPSS export, e.g. the questionnaire's own code (V12).
    variable: Annotated[str, AfterValidator(_variable)] | None = None
    # ``next: other-question`` is short for one rule without a condition.
    next: list[Rule] | None = None
    # Ask this question only when this holds (on the answers before it); otherwise the
    # questionnaire goes on as if it were not there (:meth:`flows.machine.Flow.next_of`).
    show_if: When | None = None
    # A picture shown above the question (a plan, a map): a path under the questionnaires
    # folder or an https URL (flows.images). An attachment: the answer is the type's own.
    image: Annotated[str, AfterValidator(check_source)] | None = None
    # What the picture shows, for whoever cannot see it (the web door's ``alt`` text); without
    # it the page says only that there is a picture with the question.
    image_alt: QuestionText | None = None

    @field_validator("next", mode="before")
    @classmethod
    def _short_next(cls, value: object) -> object:
        return [{"goto": value}] if isinstance(value, str) else value

    def rules(self) -> list[Rule]:
        """``next`` as an ordered list of rules; empty means "the question below"."""
        return list(self.next or [])


class ChoiceQuestion(QuestionBase):
    type: Literal[QuestionType.CHOICE]
    options: list[Option] = Field(min_length=2, max_length=12)
    # Options in another order for each resident ("weet niet", "anders" stay last).
    shuffle: bool = False
    # ``profile: age_band``: answered from the resident's profile ("about you, once") when it
    # holds an age band among these options (ids as in flows.profile.BAND_OPTIONS), and kept
    # there when answered.
    profile: Literal["age_band"] | None = None


class MultiQuestion(QuestionBase):
    type: Literal[QuestionType.MULTI]
    options: list[Option] = Field(min_length=2, max_length=12)
    # Options in another order for each resident ("weet niet", "anders" stay last).
    shuffle: bool = False
    min_choices: int = Field(default=1, ge=1)
    max_choices: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> MultiQuestion:
        top = self.max_choices or len(self.options)
        if self.min_choices > top or top > len(self.options):
            raise refuse("choices_bounds", count=len(self.options))
        return self


class ScaleLabels(Strict):
    min: Label
    max: Label


class ScaleQuestion(QuestionBase):
    type: Literal[QuestionType.SCALE]
    min: int = Field(default=1, ge=0, le=1)
    max: int = Field(default=5, ge=2, le=10)
    labels: ScaleLabels | None = None
    # Digits a resident may type after the decimal comma ("7,5" with 1); buttons stay whole.
    decimals: int = Field(default=0, ge=0, le=2)
    # How digests report it: "grade" (rapportcijfer: mean with one decimal), "nps" (0-10:
    # promoters 9-10 minus detractors 0-6); without it, a distribution with mean and median.
    report: Literal["grade", "nps"] | None = None

    @property
    def places(self) -> int:
        """Digits allowed after the decimal comma (0: whole numbers only)."""
        return self.decimals


class YesNoQuestion(QuestionBase):
    type: Literal[QuestionType.YESNO]


class TextQuestion(QuestionBase):
    type: Literal[QuestionType.TEXT]
    min_length: int = Field(default=2, ge=1)
    max_length: int = Field(default=1000, ge=1, le=MAX_QUESTION_CHARS)

    @model_validator(mode="after")
    def _bounds(self) -> TextQuestion:
        if self.min_length > self.max_length:
            raise refuse("length_bounds")
        return self


class NumberQuestion(QuestionBase):
    type: Literal[QuestionType.NUMBER]
    min: float = 0
    max: float
    integer: bool = True
    # Digits allowed after the decimal comma; ``decimals: 1`` alone implies ``integer: false``.
    decimals: int | None = Field(default=None, ge=0, le=6)
    unit: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _decimals_allow_decimals(cls, data: object) -> object:
        if isinstance(data, dict) and "integer" not in data:
            decimals = data.get("decimals")
            if isinstance(decimals, int) and not isinstance(decimals, bool) and decimals > 0:
                return {**data, "integer": False}
        return data

    @field_validator("decimals")
    @classmethod
    def _decimals_agree(cls, decimals: int | None, info: ValidationInfo) -> int | None:
        integer = info.data.get("integer")
        if decimals is not None and integer is not None and integer != (decimals == 0):
            raise refuse("decimals_vs_integer" if integer else "decimals_vs_fraction")
        return decimals

    @property
    def places(self) -> int:
        """Digits allowed after the decimal comma (0: whole numbers only)."""
        if self.decimals is not None:
            return self.decimals
        return 0 if self.integer else 6

    @model_validator(mode="after")
    def _bounds(self) -> NumberQuestion:
        if self.min >= self.max:
            raise refuse("number_bounds")
        return self


class AreaQuestion(QuestionBase):
    type: Literal[QuestionType.AREA]
    areas: list[Area] = Field(min_length=2, max_length=30)
    # ``profile: wijk``: answered from the resident's profile ("about you, once") when it
    # holds a wijk or postcode of these areas, and kept there when answered.
    profile: Literal["wijk"] | None = None

    def area_for_postcode(self, postcode: str) -> Area | None:
        return next((a for a in self.areas if a.covers(postcode)), None)


# --- Shapes of issue 16 -----------------------------------------------------------------------
# A ``grid`` in the file (statements on one shared scale) is written out by the loader
# (:mod:`flows.shapes`) as one :class:`GridQuestion` per statement, like ``option_sets``: the
# conversation, storage and exports see choice questions, and digests draw them as one chart.

#: Statements in one grid; each is a message of its own.
MAX_GRID_ITEMS = 12
#: Options a resident can put in order on a ``ranking`` question.
MAX_RANKING_OPTIONS = 7


#: What a grid and each of its statements may say in the file.
GRID_FIELDS = ("id", "type", "text", "label", "optional", "dimension", "next", "options", "items")
GRID_ITEM_FIELDS = ("id", "text", "label", "variable")


class GridQuestion(ChoiceQuestion):
    """One statement of a grid: a choice question that knows its grid (its id, the question
    that all statements share and where this one stands among them)."""

    type: Literal[QuestionType.GRID]  # type: ignore[assignment]
    grid: Slug
    stem: QuestionText
    position: int = Field(ge=1, le=MAX_GRID_ITEMS)
    count: int = Field(ge=2, le=MAX_GRID_ITEMS)
    # A short name for the grid as a whole (the chart's title); without it the stem.
    grid_label: Annotated[str, Field(min_length=1, max_length=MAX_QUESTION_LABEL_CHARS)] | None = (
        None
    )


class RankingQuestion(QuestionBase):
    """Options put in order of preference; stored as the option ids, most preferred first."""

    type: Literal[QuestionType.RANKING]
    options: list[Option] = Field(min_length=2, max_length=MAX_RANKING_OPTIONS)


#: A date outside these is refused when a file sets no bounds of its own.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


class DateQuestion(QuestionBase):
    """A typed date ("12 maart", "12-3-2027", "morgen"), read back to the resident; stored
    as ``YYYY-MM-DD``."""

    type: Literal[QuestionType.DATE]
    earliest: date = EARLIEST_DATE
    latest: date = LATEST_DATE

    @model_validator(mode="after")
    def _bounds(self) -> DateQuestion:
        if self.earliest > self.latest:
            raise refuse("date_bounds")
        return self


Question = Annotated[
    ChoiceQuestion
    | MultiQuestion
    | ScaleQuestion
    | YesNoQuestion
    | TextQuestion
    | NumberQuestion
    | AreaQuestion
    | GridQuestion
    | RankingQuestion
    | DateQuestion,
    Field(discriminator="type"),
]


class Questionnaire(Strict):
    """One version of a questionnaire, as written in YAML."""

    schema_version: Literal[1]
    id: Annotated[Slug, Field(max_length=MAX_QUESTIONNAIRE_ID_CHARS)]
    version: int = Field(ge=1, le=999_999)  # fits a database INTEGER and button data
    theme: Label
    title: Label
    intro: IntroText
    outro: IntroText | None = None
    # "u" or "je": how the bot's own texts address residents in this questionnaire's
    # conversation (default: the bot's FORM_OF_ADDRESS).
    address: Address | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    # Close by itself after this many completed responses (flows.lifecycle.full).
    max_responses: int | None = Field(default=None, ge=1, le=1_000_000)
    # Who may answer: "open" (anyone, the default) or "codes" (only residents with an
    # invitation code of the questionnaire's random sample, storage.codes).
    access: Literal["open", "codes"] = "open"
    questions: list[Question] = Field(min_length=1, max_length=60)

    @field_validator("closes_at")
    @classmethod
    def _dates(cls, closes_at: datetime | None, info: ValidationInfo) -> datetime | None:
        return closes_after_opening(info.data.get("opens_at"), closes_at)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def question(self, question_id: str) -> AnyQuestion:
        return self._index()[question_id]

    def _index(self) -> dict[str, AnyQuestion]:
        return {q.id: q for q in self.questions}

    @property
    def dimensions(self) -> set[Dimension]:
        return {q.dimension for q in self.questions if q.dimension}


AnyQuestion = (
    ChoiceQuestion
    | MultiQuestion
    | ScaleQuestion
    | YesNoQuestion
    | TextQuestion
    | NumberQuestion
    | AreaQuestion
    | GridQuestion
    | RankingQuestion
    | DateQuestion
)
CLOSED_TYPES = frozenset(
    {
        QuestionType.CHOICE,
        QuestionType.MULTI,
        QuestionType.SCALE,
        QuestionType.YESNO,
        QuestionType.AREA,
        QuestionType.GRID,
    }
)


# --- Named answer lists -----------------------------------------------------------------------
# ``option_sets:`` at the top of a file names lists of options; a choice or multi question
# says ``options: <name>`` to use one. The loader (:mod:`flows.optionsets`) writes each list
# into the questions that name it before the schema sees them, so a questionnaire is exactly
# as if every list were written out: these models never hold a name.

OPTION_SETS = "option_sets"
#: The question types whose ``options`` may name a list.
OPTION_SET_TYPES = frozenset(
    {
        QuestionType.CHOICE.value,
        QuestionType.MULTI.value,
        QuestionType.GRID.value,
        QuestionType.RANKING.value,
    }
)
