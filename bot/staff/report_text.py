"""The words of a report, in Dutch and English: headings, sentences and table rows that the
Word file (:mod:`bot.staff.report_docx`) and the public page (:mod:`bot.staff.report_html`)
share, so both say the same. Plain text: each output escapes it its own way.

Over 500 lines on purpose: the words of a questionnaire's and a deliberation's report are
kept side by side; the deliberation's (method, results) are the part to move out next.
Dutch in plain words (B1), the way the digest speaks to civil servants.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from analysis import labels
from analysis.report import (
    InternalNotes,
    NumberResult,
    QuestionResult,
    Report,
    Representativeness,
    TextResult,
    WeightedResult,
)
from flows.schema import Dimension
from flows.texts.formats import date, number, percent

HEADINGS: dict[str, tuple[str, str]] = {
    "summary": ("Samenvatting", "Summary"),
    "method": ("Hoe we het vroegen", "How we asked"),
    "representativeness": ("Respons en representativiteit", "Response and representativeness"),
    "results": ("Uitkomsten per vraag", "Results per question"),
    "scorecard": ("Publieke waarde", "Public value"),
    "opinion_groups": ("Meningsgroepen en gedeelde grond", "Opinion groups and common ground"),
    "outcomes": ("Wat de gemeente ermee doet", "What the municipality does with it"),
    "appendix": ("Bijlage: alle gesloten vragen", "Appendix: all closed questions"),
}
NOT_AVAILABLE: dict[str, tuple[str, str]] = {
    "representativeness": (
        "Niet beschikbaar: voor deze vragenlijst is de respons niet vergeleken met de "
        "bevolking. De uitkomsten zijn niet gewogen. Ze zeggen iets over de mensen die "
        "meededen, niet over alle inwoners.",
        "Not available: the response to this questionnaire was not compared with the "
        "population. The results are not weighted. They describe the people who took part, "
        "not all residents.",
    ),
    "opinion_groups": (
        "Niet beschikbaar: dit was geen gesprek met stellingen, dus er zijn geen "
        "meningsgroepen en geen gedeelde grond berekend.",
        "Not available: this was not a deliberation with statements, so no opinion groups "
        "or common ground were found.",
    ),
}
SCORECARD_INTRO = (
    "Publieke waarde meet drie dingen op één schaal van 0 tot 100: de dienstverlening, de "
    "organisatie en het bestuur. 0 is heel slecht, 100 is heel goed.",
    "Public value measures three things on one scale from 0 to 100: service delivery, the "
    "organisation and governance. 0 is very poor, 100 is very good.",
)
NO_OUTCOMES = (
    "De gemeente heeft nog niet verteld wat ze met de uitkomsten doet.",
    "The municipality has not yet said what it does with the results.",
)


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def heading(key: str, language: str) -> str:
    return _pick(HEADINGS[key], language)


def count(value: int, language: str) -> str:
    return f"{value:,}" if language == "en" else number(value)


def when(moment: datetime, zone: tzinfo, language: str) -> str:
    return date(moment, language, zone)


def period(report: Report, zone: tzinfo, language: str) -> str:
    """From the first to the last answer (or the period asked for, without answers)."""
    method = report.method
    start = method.first_answer or method.opens_at or method.since
    end = method.last_answer or method.closes_at or method.until
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    if end.tzinfo is None:
        end = end.replace(tzinfo=zone)
    first, last = when(start, zone, language), when(end, zone, language)
    if first == last:
        return first
    return f"{first} – {last}"


def method_lines(report: Report, zone: tzinfo, language: str) -> list[str]:
    m, en = report.method, language == "en"
    people = count(m.started, language)
    if report.kind == "deliberation":
        return _deliberation_method(report, language)
    lines = [
        (
            f"Residents answered {m.questions} questions in a chat with the municipality's "
            f"bot {_doors(report, language)}, in Dutch or English, whenever it suited them. "
            + (
                "A random sample of addresses got a letter with a personal code. The "
                "sample's results come first, apart; then the results of all responses "
                "together (the sample and open participation: anyone who took part without "
                "a code)."
                if m.sample
                else "Anyone could take part; nobody was chosen at random."
            )
            if en
            else f"Inwoners beantwoordden {m.questions} vragen in een chat met de bot van de "
            f"gemeente {_doors(report, language)}, in het Nederlands of Engels, op een moment "
            "dat hen uitkwam. "
            + (
                "Een steekproef van adressen kreeg een brief met een persoonlijke code. De "
                "uitkomsten van de steekproef staan eerst, apart. Daarna volgen de uitkomsten "
                "van alle reacties samen: de steekproef en open deelname (iedereen die zonder "
                "code meedeed)."
                if m.sample
                else "Iedereen kon meedoen; er is geen steekproef getrokken."
            )
        ),
        (
            f"{people} residents started, {count(m.completed, language)} answered every "
            f"question. Answers from test runs do not count; each resident counts once."
            if en
            else f"{people} inwoners begonnen, {count(m.completed, language)} beantwoordden "
            "alle vragen. Proefrondes tellen niet mee; elke inwoner telt één keer."
        ),
        (
            f"To protect privacy we show no figures for groups of fewer than {m.min_cell} "
            "people, and written answers are only quoted after a check, with names, "
            "addresses and numbers removed."
            if en
            else f"Om de privacy te beschermen tonen we geen cijfers over groepen van minder "
            f"dan {m.min_cell} mensen. Geschreven antwoorden citeren we pas na controle, "
            "zonder namen, adressen en nummers."
        ),
    ]
    return lines


def _doors(report: Report, language: str) -> str:
    """Where residents answered: Telegram, and the website once anyone completed there."""
    if not report.method.completed_on_web:
        return "on Telegram" if language == "en" else "op Telegram"
    return (
        "on Telegram or on the municipality's website"
        if language == "en"
        else "op Telegram of op de website van de gemeente"
    )


def door_split(report: Report, language: str) -> str:
    """How many completed through each door (empty when all came through Telegram): every
    door counted once in the totals, the split beside them, as the digest says it."""
    m = report.method
    if not m.completed_on_web:
        return ""
    telegram = count(m.completed - m.completed_on_web, language)
    web = count(m.completed_on_web, language)
    if language == "en":
        return f"; via Telegram {telegram}, via the website {web}"
    return f"; via Telegram {telegram}, via de website {web}"


def _deliberation_method(report: Report, language: str) -> list[str]:
    m, en = report.method, language == "en"
    people, grouped = count(m.started, language), count(m.completed, language)
    if en:
        return [
            f"Residents voted on {m.questions} statements in a chat with the municipality's "
            "bot, on Telegram or on the municipality's website: agree, disagree or skip. "
            "They could add statements of their own; "
            "those were only shown after a moderator approved them. Anyone could take part; "
            "nobody was chosen at random.",
            f"{people} residents took part; {grouped} of them voted often enough (at least 7 "
            "votes) to be put in an opinion group. Each resident counts once.",
            f"To protect privacy we show no group of fewer than {m.min_cell} people, and only "
            "approved statements, with names, addresses and numbers removed.",
        ]
    return [
        f"Inwoners stemden over {m.questions} stellingen in een chat met de bot van de "
        "gemeente, op Telegram of op de website van de gemeente: eens, oneens of "
        "overslaan. Ze konden ook zelf stellingen "
        "toevoegen. Die kwamen er pas bij als een moderator ze had goedgekeurd. Iedereen kon "
        "meedoen; er is geen steekproef getrokken.",
        f"{people} inwoners deden mee. {grouped} van hen stemden vaak genoeg (minstens 7 "
        "keer) om in een meningsgroep te komen. Elke inwoner telt één keer.",
        f"Om de privacy te beschermen tonen we geen groep van minder dan {m.min_cell} mensen. "
        "We tonen alleen goedgekeurde stellingen, zonder namen, adressen en nummers.",
    ]


def deliberation_results(language: str) -> str:
    """The results section of a deliberation's report: its results are the groups."""
    if language == "en":
        return "The results of a deliberation are its opinion groups and common ground, below."
    return (
        "De uitkomsten van een gesprek met stellingen zijn de meningsgroepen en de gedeelde "
        "grond. Die staan hieronder."
    )


def method_rows(report: Report, zone: tzinfo, language: str) -> list[list[str]]:
    m, en = report.method, language == "en"
    invited = (
        (
            f"{count(m.invitations.broadcasts, language)} invitation(s) in the bot, to "
            f"{count(m.invitations.recipients, language)} residents who asked for them"
            if en
            else f"{count(m.invitations.broadcasts, language)} uitnodiging(en) in de bot, "
            f"aan {count(m.invitations.recipients, language)} inwoners die daarom vroegen"
        )
        if m.invitations.broadcasts
        else (
            "Through the municipality's own channels (no invitations in the bot)"
            if en
            else "Via de eigen kanalen van de gemeente (geen uitnodigingen in de bot)"
        )
    )
    rate = percent(m.completion_rate) if m.completion_rate is not None else "–"
    if report.kind == "deliberation":
        return [
            [
                "Channel" if en else "Kanaal",
                "Telegram (chat), website (chat page)"
                if en
                else "Telegram (chat), website (chatpagina)",
            ],
            ["Period" if en else "Periode", period(report, zone, language)],
            ["Participants" if en else "Deelnemers", count(m.started, language)],
            [
                "In an opinion group" if en else "In een meningsgroep",
                f"{count(m.completed, language)} ({rate})",
            ],
            ["Statements" if en else "Stellingen", str(m.questions)],
            ["Smallest group shown" if en else "Kleinste groep getoond", str(m.min_cell)],
        ]
    sampled: list[list[str]] = []
    if m.sample is not None:
        s = m.sample
        response = percent(s.response_rate) if s.response_rate is not None else "–"
        sampled = [
            [
                "Random sample" if en else "Steekproef",
                (
                    f"{count(s.sent, language)} letters with a code, "
                    f"{count(s.used, language)} used, {count(s.completed, language)} "
                    f"completed (response {response}); without a code: "
                    f"{count(s.open_completed, language)} completed"
                    if en
                    else f"{count(s.sent, language)} brieven met een code, "
                    f"{count(s.used, language)} gebruikt, {count(s.completed, language)} "
                    f"afgerond (respons {response}); zonder code: "
                    f"{count(s.open_completed, language)} afgerond"
                ),
            ]
        ]
    channel = "Telegram (chat)"
    if m.completed_on_web:
        channel += ", website (chat page)" if en else ", website (chatpagina)"
    return [
        ["Channel" if en else "Kanaal", channel],
        ["Period" if en else "Periode", period(report, zone, language)],
        *sampled,
        ["Invited" if en else "Uitgenodigd", invited],
        ["Started" if en else "Begonnen", count(m.started, language)],
        [
            "Completed" if en else "Afgerond",
            f"{count(m.completed, language)} ({rate}){door_split(report, language)}",
        ],
        [
            "Questions" if en else "Vragen",
            f"{m.questions} ({m.closed_questions} {'closed' if en else 'gesloten'})",
        ],
        ["Smallest group shown" if en else "Kleinste groep getoond", str(m.min_cell)],
    ]


def results_intro(report: Report, language: str) -> str:
    if language == "en":
        return (
            "Per question: how many people gave each answer. Percentages are of the people "
            "who answered that question. Where more than one answer was possible, they add "
            "up to more than 100%."
        )
    return (
        "Per vraag: hoeveel mensen elk antwoord gaven. De percentages zijn van de mensen die "
        "die vraag beantwoordden. Bij vragen met meer keuzes tellen ze op tot meer dan 100%."
    )


def suppressed_line(respondents: int, min_cell: int, language: str) -> str:
    if respondents == 0:
        return (
            "Nobody answered this question."
            if language == "en"
            else ("Niemand beantwoordde deze vraag.")
        )
    if language == "en":
        return f"Fewer than {min_cell} people answered this question, so we do not show it."
    return f"Minder dan {min_cell} mensen beantwoordden deze vraag. Daarom tonen we die niet."


def answer_rows(result: QuestionResult, language: str) -> list[list[str]]:
    return [
        [row.label.of(language), count(row.count, language), percent(row.share)]
        for row in result.rows
    ]


def alt_text(result: QuestionResult, language: str) -> str:
    """The chart in words: every bar with its share."""
    bars = "; ".join(f"{row.label.of(language)}: {percent(row.share)}" for row in result.rows)
    if language == "en":
        return (
            f"Bar chart of the answers to “{result.name.en}” "
            f"({count(result.respondents, language)} answers): {bars}."
        )
    return (
        f"Staafdiagram van de antwoorden op ‘{result.name.nl}’ "
        f"({count(result.respondents, language)} antwoorden): {bars}."
    )


def result_notes(result: QuestionResult, report: Report, language: str) -> list[str]:
    en = language == "en"
    notes = [
        f"{count(result.respondents, language)} answers"
        + (f", {count(result.skipped, language)} skipped" if result.skipped else "")
        if en
        else f"{count(result.respondents, language)} antwoorden"
        + (f", {count(result.skipped, language)} overgeslagen" if result.skipped else "")
    ]
    if result.multi:
        notes.append("More than one answer was possible." if en else "Meer keuzes mogelijk.")
    if result.mean is not None:
        mean = f"{result.mean:.1f}" if en else number(result.mean, 1)
        notes.append(f"Average {mean}" if en else f"Gemiddeld {mean}")
    if result.merged:
        notes.append(
            f"Areas with fewer than {report.min_cell} answers are together under ‘Other’."
            if en
            else f"Wijken met minder dan {report.min_cell} antwoorden staan samen onder ‘Overig’."
        )
    return notes


def number_line(item: NumberResult, min_cell: int, language: str) -> str:
    if item.suppressed or item.mean is None:
        return suppressed_line(item.respondents, min_cell, language)
    en = language == "en"
    mean = f"{item.mean:.1f}" if en else number(item.mean, 1)
    median = (
        ""
        if item.median is None
        else (f", median {item.median:g}" if en else f", mediaan {number(item.median, 1)}")
    )
    answers = count(item.respondents, language)
    return (
        f"Average {mean}{median} ({answers} answers)"
        if en
        else f"Gemiddeld {mean}{median} ({answers} antwoorden)"
    )


def text_lines(text: TextResult, min_cell: int, language: str) -> list[str]:
    en = language == "en"
    if text.suppressed:
        return [suppressed_line(text.count, min_cell, language)]
    lines = [
        f"{count(text.count, language)} {'written answers' if en else 'geschreven antwoorden'}."
    ]
    if text.words:
        listed = ", ".join(f"{w} ({count(c, language)})" for w, c in text.words)
        lines.append(f"Often mentioned: {listed}" if en else f"Veel genoemd: {listed}")
    if text.quotes:
        lines.append(
            "Some answers, checked and without personal details:"
            if en
            else "Een paar antwoorden, nagekeken en zonder persoonlijke gegevens:"
        )
    return lines


def not_heard(report: Report, language: str) -> str:
    """Why the representativeness section is empty."""
    if report.kind == "deliberation":
        return _pick(
            (
                "Niet beschikbaar: bij een gesprek met stellingen vergelijken we de deelnemers "
                "niet met de bevolking. De uitkomsten zeggen iets over de mensen die meededen, "
                "niet over alle inwoners.",
                "Not available: the participants of a deliberation are not compared with the "
                "population. The results describe the people who took part, not all residents.",
            ),
            language,
        )
    return _pick(NOT_AVAILABLE["representativeness"], language)


def no_scorecard(report: Report, language: str) -> str:
    if report.kind == "deliberation":
        return _pick(
            (
                "Een gesprek met stellingen meet geen publieke waarde. Dat doen alleen "
                "vragenlijsten met vragen over de dienstverlening, de organisatie of het bestuur.",
                "A deliberation does not measure public value. Only questionnaires with "
                "questions on service delivery, the organisation or governance do.",
            ),
            language,
        )
    if report.level != "full":
        return _pick(
            (
                "Geen score: te weinig mensen deden mee.",
                "No score: too few people took part.",
            ),
            language,
        )
    return _pick(
        (
            "Deze vragenlijst meet geen publieke waarde.",
            "This questionnaire does not measure public value.",
        ),
        language,
    )


def score_rows(report: Report, language: str) -> list[list[str]]:
    rows = []
    for line in report.scorecard:
        if line.score is None:
            score = "–"
        else:
            score = f"{line.score:.0f}" if language == "en" else number(line.score)
        rows.append([line.label.of(language), score, count(line.answers, language)])
    return rows


def trend_table(report: Report, zone: tzinfo, language: str) -> tuple[list[str], list[list[str]]]:
    """Per stored digest its scores: a column per dimension of the scorecard, then any
    dimension only earlier digests scored (a question retagged since), "–" where a digest
    had no score."""
    dimensions = [s.dimension for s in report.scorecard]
    known = [d.value for d in Dimension]
    earlier = {d for point in report.trend for d, _ in point.scores} - set(dimensions)
    dimensions += sorted(earlier, key=lambda d: (known.index(d) if d in known else len(known), d))
    header = ["Date" if language == "en" else "Datum"] + [
        labels.dimension_label(d, language) for d in dimensions
    ]
    rows = []
    for point in report.trend:
        scores = dict(point.scores)
        rows.append(
            [when(point.at, zone, language)]
            + [
                number(scores[d])
                if d in scores and language != "en"
                else (f"{scores[d]:.0f}" if d in scores else "–")
                for d in dimensions
            ]
        )
    return header, rows


def effect_lines(report: Report, language: str) -> list[str]:
    effects = report.effects
    assert effects is not None
    en = language == "en"
    lines = [
        f"Some weeks after the change, we asked participants: “Do you notice this change?” "
        f"{count(effects.total, language)} answered."
        if en
        else "Enkele weken na de verandering vroegen we deelnemers: ‘Merk je iets van deze "
        f"verandering?’ {count(effects.total, language)} mensen antwoordden."
    ]
    if not effects.rows:
        lines.append(
            f"Too few answers to show them apart (fewer than {report.min_cell})."
            if en
            else f"Te weinig antwoorden om uit te splitsen (minder dan {report.min_cell})."
        )
    return lines


def effect_rows(report: Report, language: str) -> list[list[str]]:
    assert report.effects is not None
    return [
        [row.label.of(language), count(row.count, language), percent(row.share)]
        for row in report.effects.rows
    ]


def appendix_intro(report: Report, language: str) -> str:
    return _pick(
        (
            "Alle gesloten vragen op een rij, in de volgorde van de vragenlijst.",
            "All closed questions, in the order of the questionnaire.",
        ),
        language,
    )


def internal_lines(notes: InternalNotes) -> list[str]:
    lines = [f"Niet afgerond: {number(notes.incomplete)} reacties."]
    if notes.drop_off is not None:
        lines.append(f"De meeste mensen stopten bij: {notes.drop_off.nl}.")
    if notes.pending_moderation:
        lines.append(
            f"{number(notes.pending_moderation)} geschreven antwoorden wachten nog op "
            "moderatie (/moderatie); pas daarna kunnen ze als citaat in het rapport."
        )
    return lines


# --- Response and representativeness ------------------------------------------------------


def heard_header(language: str) -> list[str]:
    if language == "en":
        return ["Group", "Respondents", "Inhabitants", "Of respondents", "Of inhabitants", ""]
    return ["Groep", "Reacties", "Inwoners", "Van de reacties", "Van de inwoners", ""]


def heard_rows(section: Representativeness, min_cell: int, language: str) -> list[list[str]]:
    """Per wijk and age band: respondents (fewer than ``min_cell``: not shown), inhabitants,
    both shares and the status."""
    en = language == "en"
    few = f"fewer than {min_cell}" if en else f"minder dan {min_cell}"
    rows = []
    for row in section.rows:
        rows.append(
            [
                f"{row.variable.of(language)}: {row.group.of(language)}",
                few if row.respondents is None else number(row.respondents),
                "–" if row.inhabitants is None else number(row.inhabitants),
                "–" if row.sample_share is None else percent(row.sample_share),
                percent(row.population_share),
                "" if row.status is None else row.status.of(language),
            ]
        )
    return rows


def heard_lines(section: Representativeness, language: str) -> list[str]:
    """What the section says before its table: the comparison, and the strata nobody
    answered from."""
    en = language == "en"
    lines = [section.note.of(language)]
    if section.empty:
        names = ", ".join(e.of(language) for e in section.empty)
        lines.append(f"No responses from: {names}." if en else f"Geen reacties uit: {names}.")
    return lines


def heard_alt(section: Representativeness, language: str) -> str:
    """The chart of respondents against the population in words."""
    en = language == "en"
    few = "too few" if en else "te weinig"
    bars = "; ".join(
        f"{bar.label.of(language)}: "
        f"{few if bar.respondents is None else percent(bar.respondents)}"
        f"{' of respondents, ' if en else ' van de reacties, '}"
        f"{percent(bar.population)}{' of inhabitants' if en else ' van de inwoners'}"
        for bar in section.chart
    )
    if en:
        return (
            "Bar chart of the share of respondents against the share of inhabitants per "
            f"area: {bars}."
        )
    return (
        "Staafdiagram van het aandeel van de reacties tegen het aandeel van de inwoners per "
        f"wijk: {bars}."
    )


def weighted_intro(section: Representativeness, language: str) -> str:
    n_eff = section.n_eff or 0.0
    if language == "en":
        return (
            f"{number(section.respondents)} responses with a known area and age; after "
            f"weighting they count as {number(n_eff)}. ± is the 95% margin of error."
        )
    return (
        f"{number(section.respondents)} reacties met bekende wijk en leeftijd; na weging "
        f"tellen ze als {number(n_eff)}. ± is de foutmarge (95%)."
    )


def weighted_header(language: str) -> list[str]:
    if language == "en":
        return ["Answer", "Unweighted", "Weighted", "±"]
    return ["Antwoord", "Ongewogen", "Gewogen", "±"]


def weighted_rows(result: WeightedResult, language: str) -> list[list[str]]:
    return [
        [
            share.label.of(language),
            percent(share.unweighted),
            percent(share.weighted),
            "–" if share.margin is None else f"{round(share.margin * 100)} pp",
        ]
        for share in result.shares
    ]
