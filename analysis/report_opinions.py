"""The report of a deliberation: its opinion groups, what each group agrees on and the
common ground, from the digest's own figures (:mod:`analysis.deliberation_digest`); pure.

The figures already keep the digest's rules: only approved (live) statements are quoted,
groups of fewer than ``min_cell`` participants are not shown on their own. Here every
statement is scrubbed once more (:func:`analysis.scrub.scrub`: a resident's statement was
scrubbed when it was added, a moderator approved it) and put in Dutch and English (a
resident's own statement in the words they wrote it in).

*Common ground* is stricter than the digest's consensus ranking (Polis's group-informed
consensus, which also ranks statements every group rejects): a statement of that ranking
that a majority of every shown group agrees with (more than half of those in the group who
voted on it). A group's own statements are its representative ones (Polis's repness,
significant at 90%), each with whether the group agrees or disagrees and how many of the
group agreed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from analysis.counts import clamp_min_cell
from analysis.deliberation_digest import Agreement, DeliberationFigures
from analysis.figures import EffectStats
from analysis.labels import written_in
from analysis.report import (
    Bilingual,
    InternalNotes,
    Invitations,
    Level,
    Method,
    OpinionGroup,
    OpinionGroups,
    OutcomeEntry,
    OutcomeNote,
    Report,
)
from analysis.report_build import effect_result, outcome_entries, outcome_line
from analysis.scrub import scrub
from flows.texts.formats import number, percent

#: More than this share of every shown group agrees with a statement of common ground.
MAJORITY = 0.5


def group_label(group: int) -> Bilingual:
    letter = chr(ord("A") + group)
    return Bilingual(f"Groep {letter}", f"Group {letter}")


def _statement(item: Agreement, english: Mapping[int, str]) -> Bilingual:
    """The statement in Dutch and English; a resident's as written, marked with its
    language where that is not the page's (``… [Engels]``, as quotes of free text)."""
    said = _text(item, english)
    return Bilingual(said.nl + _mark(item.language, "nl"), said.en + _mark(item.language, "en"))


def _text(item: Agreement, english: Mapping[int, str]) -> Bilingual:
    return Bilingual(scrub(item.text), scrub(english.get(item.number) or item.text))


def _mark(written: str | None, language: str) -> str:
    mark = written_in(written, language)
    return f" {mark}" if mark else ""


def _share(share: float | None) -> str:
    return "–" if share is None else percent(share)


def common_ground(figures: DeliberationFigures) -> tuple[Agreement, ...]:
    """The consensus statements a majority of every shown group agrees with."""
    if not figures.groups:
        return ()
    return tuple(
        item
        for item in figures.consensus
        if all(share is not None and share > MAJORITY for share in item.agree)
    )


def opinion_groups(
    figures: DeliberationFigures, english: Mapping[int, str], *, min_cell: int
) -> OpinionGroups:
    """The report's section from the figures; ``english``: the live statements' English
    texts by number (missing: the Dutch)."""
    groups = []
    for group, size in zip(figures.groups, figures.group_sizes, strict=True):
        column = figures.groups.index(group)
        lines = []
        for item in figures.representative.get(group, ()):
            said = _statement(item, english)
            share = _share(item.agree[column])
            if item.direction == "disagree":
                nl = f"Oneens: {said.nl} ({share} van de groep eens)"
                en = f"Disagree: {said.en} ({share} of the group agreed)"
            else:
                nl = f"Eens: {said.nl} ({share} van de groep eens)"
                en = f"Agree: {said.en} ({share} of the group agreed)"
            lines.append(Bilingual(nl, en))
        groups.append(OpinionGroup(group_label(group), size, tuple(lines)))
    ground = []
    for item in common_ground(figures):
        said = _statement(item, english)
        shares = " · ".join(
            f"{chr(ord('A') + g)} {_share(s)}"
            for g, s in zip(figures.groups, item.agree, strict=True)
        )
        ground.append(Bilingual(f"{said.nl} (eens: {shares})", f"{said.en} (agreed: {shares})"))
    return OpinionGroups(tuple(groups), tuple(ground), _note(figures, min_cell, bool(ground)))


def _note(figures: DeliberationFigures, min_cell: int, any_ground: bool) -> Bilingual:
    if not figures.groups:
        return Bilingual(
            "Er zijn nog te weinig stemmen om meningsgroepen te tonen. Een groep tonen we pas "
            f"vanaf {min_cell} deelnemers.",
            "There are too few votes yet to show opinion groups. We show a group from "
            f"{min_cell} participants on.",
        )
    count = len(figures.groups)
    nl = [
        f"{number(figures.clustered)} deelnemers met genoeg stemmen zijn in groepen verdeeld: "
        "mensen die vaak hetzelfde stemden, komen in dezelfde groep (de methode van Polis). "
        f"We tonen {number(count)} {'groep' if count == 1 else 'groepen'}.",
    ]
    en = [
        f"{figures.clustered:,} participants with enough votes were put in groups: people who "
        "often voted alike are in the same group (Polis's method). "
        f"We show {count} {'group' if count == 1 else 'groups'}.",
    ]
    if figures.hidden:
        nl.append(
            f"{number(figures.hidden)} deelnemers zitten in groepen van minder dan {min_cell} "
            "mensen. Die tonen we niet apart."
        )
        en.append(
            f"{figures.hidden:,} participants are in groups of fewer than {min_cell} people. "
            "We do not show those on their own."
        )
    nl.append("Per groep: de stellingen waarin die groep het meest verschilt van de rest.")
    en.append("Per group: the statements on which it differs most from the others.")
    if not any_ground:
        nl.append("Er is geen stelling waar een meerderheid van elke groep het mee eens is.")
        en.append("There is no statement that a majority of every group agrees with.")
    else:
        nl.append(
            "Gedeelde grond: stellingen waar een meerderheid van elke groep het mee eens is."
        )
        en.append("Common ground: statements that a majority of every group agrees with.")
    return Bilingual(" ".join(nl), " ".join(en))


@dataclass(frozen=True, slots=True)
class DeliberationFacts:
    """What the report says about a deliberation besides its groups."""

    deliberation_id: str
    title: Bilingual
    theme: Bilingual
    intro: Bilingual
    opens_at: datetime | None
    closes_at: datetime | None
    since: datetime
    until: datetime


def deliberation_report(
    facts: DeliberationFacts,
    figures: DeliberationFigures,
    english: Mapping[int, str],
    *,
    municipality: str,
    generated_at: datetime,
    min_cell: int,
    outcomes: Sequence[OutcomeNote] = (),
    effects: EffectStats | None = None,
) -> Report:
    """The report of a deliberation: method, summary, the opinion groups and what the
    municipality did with it (``outcomes`` told under the deliberation's id, newest first,
    and its effect checks' answers as the digest counts them); the sections of
    questionnaires (questions, scorecard) stay empty."""
    limit = clamp_min_cell(min_cell)
    counts = figures.counts
    people = counts.participants
    level: Level = "empty" if people == 0 else "suppressed" if people < limit else "full"
    section = opinion_groups(figures, english, min_cell=limit) if level == "full" else None
    method = Method(
        since=facts.since,
        until=facts.until,
        opens_at=facts.opens_at,
        closes_at=facts.closes_at,
        first_answer=None,
        last_answer=None,
        started=people,
        completed=figures.clustered,
        questions=counts.live,
        closed_questions=counts.live,
        invitations=Invitations(),
        min_cell=limit,
    )
    told = outcome_entries(outcomes)
    return Report(
        questionnaire_id=facts.deliberation_id,
        title=facts.title,
        theme=facts.theme,
        intro=facts.intro,
        municipality=municipality,
        generated_at=generated_at,
        level=level,
        method=method,
        summary=tuple(_summary(figures, english, section, level, limit, told)),
        questions=(),
        numbers=(),
        texts=(),
        scorecard=(),
        trend=(),
        outcomes=told,
        effects=effect_result(effects),
        internal=InternalNotes(pending_moderation=counts.pending, drop_off=None, incomplete=0),
        opinion_groups=section,
        kind="deliberation",
    )


def _summary(
    figures: DeliberationFigures,
    english: Mapping[int, str],
    section: OpinionGroups | None,
    level: Level,
    limit: int,
    told: Sequence[OutcomeEntry] = (),
) -> list[Bilingual]:
    c = figures.counts
    if level == "empty":
        return [
            Bilingual(
                "Er heeft nog niemand gestemd. Daarom staan er nog geen uitkomsten in dit "
                "rapport.",
                "Nobody has voted yet, so this report has no results yet.",
            )
        ]
    if level == "suppressed":
        return [
            Bilingual(
                f"Er deden {number(c.participants)} inwoners mee. Dat is minder dan {limit}. "
                "Daarom laten we geen uitkomsten zien: anders kun je misschien zien wie wat "
                "heeft gestemd.",
                f"{c.participants:,} residents took part. That is fewer than {limit}, so we "
                "show no results: otherwise someone's votes might be recognised.",
            )
        ]
    lines = [
        Bilingual(
            f"{number(c.participants)} inwoners deden mee. Ze stemden {number(c.votes)} keer "
            f"over {number(c.live)} stellingen.",
            f"{c.participants:,} residents took part. They voted {c.votes:,} times on "
            f"{c.live:,} statements.",
        )
    ]
    assert section is not None
    if section.groups:
        count = len(section.groups)
        lines.append(
            Bilingual(
                f"Er zijn {number(count)} meningsgroepen."
                if count > 1
                else "Er is 1 meningsgroep.",
                f"There are {count} opinion groups." if count > 1 else "There is 1 opinion group.",
            )
        )
    ground = common_ground(figures)
    if ground:
        first, written = _text(ground[0], english), ground[0].language
        lines.append(
            Bilingual(
                f"Alle groepen zijn het vooral eens over: ‘{first.nl}’{_mark(written, 'nl')}.",
                f"All groups agree most on: ‘{first.en}’{_mark(written, 'en')}.",
            )
        )
    lines.append(outcome_line(told))
    return lines
