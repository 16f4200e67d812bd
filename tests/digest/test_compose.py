"""The pure side of digests: maths, privacy filters and the Telegram HTML text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from analysis import digest as d
from analysis.digest import (
    OTHER,
    DimensionScore,
    Distribution,
    DropOff,
    NumberStats,
    PreviousFigures,
    QuestionnaireDigest,
    Quote,
    ResponseStats,
    TextStats,
)
from flows.loader import load_file
from flows.schema import Questionnaire
from flows.texts import formats
from sandbox.formatting import parse_html, utf16_len
from tests.digest.helpers import PROEF, SINCE, UNTIL

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(scope="module")
def proef() -> Questionnaire:
    return load_file(PROEF)


# --- Personal data ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [
        # e-mail
        "jan.jansen@example.nl",
        "j_de-vries+gemeente@mail.example.co.uk",
        # phone numbers
        "0612345678",
        "06-12345678",
        "06 1234 5678",
        "06 12 34 56 78",
        "+31612345678",
        "+31 6 12345678",
        "+31 (0)6 1234 5678",
        "0031 6 12345678",
        "020-1234567",
        "(020) 123 4567",
        "0318-123456",
        "+32 470 12 34 56",
        # postcodes with (or without) a house number
        "1234 AB 12",
        "1234AB 12a",
        "1234 AB, 7-2",
        "4101 ab 3",
        "1234AB",
        "1234 AB",
        "1234ab",
        # IBAN
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "nl91abna0417164300",
        "BE68539007547034",
        # BSN-like numbers
        "123456789",
        "123.456.789",
        "123 456 789",
        # links and handles
        "https://example.org/pad?x=1",
        "http://x.nl",
        "www.rivierstad.nl/afval",
        "rivierstad.nl",
        "mijn-site.com/profiel",
        "t.me/janjansen",
        "@jan_jansen",
    ],
)
def test_personal_data_is_removed(secret: str) -> None:
    text = f"Neem contact op via {secret} als het kan, dank je"
    scrubbed = d.scrub(text)
    assert secret not in scrubbed
    assert scrubbed == "Neem contact op via [verwijderd] als het kan, dank je"


def test_street_keeps_its_name_but_loses_the_house_number() -> None:
    assert d.scrub("Gevaarlijk bij Kerkstraat 12a en de Rijksweg 3") == (
        "Gevaarlijk bij Kerkstraat [verwijderd] en de Rijksweg [verwijderd]"
    )
    assert d.scrub("kruising Dorpsweg/Molenlaan") == "kruising Dorpsweg/Molenlaan"


@pytest.mark.parametrize(
    "harmless",
    [
        "Tussen 2023 en 2024 werd het slechter",
        "Het is 1000km rijden en 50 km/u is te hard",
        "Huisnummer nr12 deze week niet geleegd",
        "Op 01-02-2024 om 14:30 was het weer mis",
        "Dat kost 1.000.000 euro en 3 kinderen vallen bijna",
        "Bus 12 en lijn 300 rijden te hard",
        "Het centrum.Daarna ging het mis",
        "Score 8/10, prima!",
    ],
)
def test_ordinary_text_stays(harmless: str) -> None:
    assert d.scrub(harmless) == harmless


def test_scrub_collapses_whitespace() -> None:
    assert d.scrub("  een\n\ntwee\tdrie  ") == "een twee drie"


# --- Maths ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "median", "mean"),
    [
        ([(1, 1), (2, 1), (3, 1)], 2, 2),
        ([(1, 1), (2, 1), (3, 1), (4, 1)], 2.5, 2.5),
        ([(5, 3), (1, 2)], 5, 3.4),
        ([(1, 0), (4, 2)], 4, 4),
        ([(1, 1), (10, 1)], 5.5, 5.5),
        ([], None, None),
        ([(3, 0)], None, None),
    ],
)
def test_median_and_mean_from_counts(
    counts: list[tuple[float, int]], median: float | None, mean: float | None
) -> None:
    assert d.median_from_counts(counts) == median
    assert d.mean_from_counts(counts) == (pytest.approx(mean) if mean is not None else None)


@pytest.mark.parametrize(
    ("counts", "min_cell", "expected", "merged"),
    [
        ([("a", 10), ("b", 8)], 5, [("a", 10), ("b", 8)], 0),
        ([("a", 10), ("b", 2), ("c", 3), ("d", 0)], 5, [("a", 10), (OTHER, 5)], 2),
        # The merged cell would be 2: the smallest shown cell joins it.
        ([("a", 50), ("b", 6), ("c", 2)], 5, [("a", 50), (OTHER, 8)], 2),
        ([("a", 50), ("b", 2)], 5, [(OTHER, 52)], 2),
        ([("a", 2), ("b", 1)], 5, [(OTHER, 3)], 2),
        ([("a", 3), ("b", 3)], 1, [("a", 3), ("b", 3)], 0),  # min_cell is at least 3
        ([("a", 2), ("b", 9)], 1, [(OTHER, 11)], 2),
        ([], 5, [], 0),
    ],
)
def test_small_cells(
    counts: list[tuple[str, int]], min_cell: int, expected: list[tuple[str, int]], merged: int
) -> None:
    assert d.suppress_small_cells(counts, min_cell) == (tuple(expected), merged)


def test_no_shown_cell_is_ever_small() -> None:
    import random

    rng = random.Random(3)
    for _ in range(500):
        counts = [
            (str(i), rng.choice([0, 1, 2, 3, 4, 5, 9, 40])) for i in range(rng.randint(1, 8))
        ]
        cells, merged = d.suppress_small_cells(counts, 5)
        assert all(count >= 5 for _, count in cells) or sum(c for _, c in counts) < 5
        assert sum(c for _, c in cells) == sum(c for _, c in counts)
        assert merged == 0 or cells[-1][0] == OTHER


def test_normalised(proef: Questionnaire) -> None:
    tevreden, cijfer, gehoord, melding = (
        proef.question(q) for q in ("tevreden", "cijfer", "gehoord", "melding")
    )
    assert [d.normalised(tevreden, v) for v in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]
    assert d.normalised(cijfer, 7) == pytest.approx(70)
    assert (d.normalised(gehoord, "yes"), d.normalised(gehoord, "no")) == (100, 0)
    assert d.normalised(melding, "ja") is None  # choice questions are not scored
    assert d.normalised(tevreden, None) is None
    assert d.normalised(tevreden, 9) is None  # outside the range
    assert d.normalised(tevreden, True) is None


def test_scorecard_pools_answers_per_dimension(proef: Questionnaire) -> None:
    distributions = [
        Distribution("tevreden", "scale", 4, 0, (("1", 1), ("5", 3))),  # 0, 100, 100, 100
        Distribution("cijfer", "scale", 2, 0, (("0", 0), ("4", 2))),  # 40, 40
        Distribution("gehoord", "yesno", 4, 1, (("yes", 1), ("no", 3))),  # 100, 0, 0, 0
        Distribution("melding", "choice", 9, 0, (("ja", 9),)),  # not scored
    ]
    assert d.scorecard(proef, distributions) == (
        DimensionScore("dienstverlening", 75.0, 4),
        DimensionScore("bestuur", pytest.approx(180 / 6), 6),  # type: ignore[arg-type]
    )
    assert d.scorecard(proef, []) == (
        DimensionScore("dienstverlening", None, 0),
        DimensionScore("bestuur", None, 0),
    )


# --- Words and quotes -------------------------------------------------------------------------


def test_top_words_count_answers_not_repeats() -> None:
    texts = [
        "De container container container is vol",
        "Container vol en vies",
        "The container is full and dirty",
        "Vies, vies, vies!",
        "Mijn e-mail [verwijderd] en de app",
    ]
    assert d.top_words(texts) == (("container", 3),)
    assert d.top_words(texts, min_answers=2) == (("container", 3), ("vies", 2), ("vol", 2))
    assert d.top_words(texts, limit=1, min_answers=1)[0] == ("container", 3)
    assert "verwijderd" not in dict(d.top_words(texts, min_answers=1))
    assert "the" not in dict(d.top_words(texts, min_answers=1))  # English stop word
    assert "app" in d.words_of(texts[4])
    assert d.top_words(["uniek woord"], min_answers=1) == ()  # never a word from one answer


def test_quotes() -> None:
    answers = [
        (1, "Te kort"),
        (2, "Bel 0612345678 als de container weer vol is"),
        (3, "x" * 281),
        (4, "bel 0612345678 als de container weer vol is"),  # the same, once scrubbed
        (5, "Een   antwoord\nover twee regels, lang genoeg"),
        (6, "Nog een goed antwoord over de wijk"),
    ]
    quotes = d.pick_quotes(answers, "idee", 2)
    assert quotes == (
        Quote(2, "idee", "Bel [verwijderd] als de container weer vol is"),
        Quote(5, "idee", "Een antwoord over twee regels, lang genoeg"),
    )


# --- Text -------------------------------------------------------------------------------------


def sample(
    questionnaire: Questionnaire, *, quote: str = "Gewoon een prima antwoord hier"
) -> QuestionnaireDigest:
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
        scorecard=d.scorecard(questionnaire, distributions),
    )


def telegram_accepts(message: str) -> str:
    """The text Telegram would show; fails like Telegram on bad HTML or a long message."""
    parsed = parse_html(message)
    assert 0 < utf16_len(parsed.text) <= d.MAX_MESSAGE
    return parsed.text


def test_digest_text(proef: Questionnaire) -> None:
    text = d.compose(sample(proef), proef)
    shown = telegram_accepts(text)
    assert text.startswith("<b>Overzicht: Proef &lt;b&gt;&amp;&lt;/b&gt; overzicht</b>\n")
    lines = shown.splitlines()
    assert "Periode: 2 nov 2026 t/m 8 nov 2026" in lines
    assert "Nieuw in deze periode: 12 · afgerond in deze periode: 10" in lines
    assert "Totaal: 30 van 40 afgerond (75%)" in lines
    assert "Meeste afhakers bij: Welke bakken gebruik je? (6 van 10 niet afgerond)" in lines
    assert "Dienstverlening: 67 (12 antwoorden)" in lines
    assert "Reacties per wijk (12 antwoorden, 1 overgeslagen)" in lines
    assert "██████ 58% (7) Centrum" in lines
    assert "████ 42% (5) Overig (3 wijken)" in lines
    assert "Welke bakken gebruik je? (10 antwoorden, 2 overgeslagen) – meer keuzes mogelijk" in (
        lines
    )
    assert "████████ 80% (8) GFT" in lines
    assert "0% (0) Papier" in lines
    assert "█ 8% (1) 1 Heel ontevreden" in lines
    assert "█▌ 17% (2) 3" in lines
    assert "Gemiddeld 3,7 · mediaan 4" in lines
    assert "Welk cijfer geef je het bestuur? (0 antwoorden)" in lines
    assert "██████▌ 64% (7) Ja" in lines
    assert "Hoe vaak per maand zet je de bak buiten? (9 antwoorden, 3 overgeslagen)" in lines
    assert "Gemiddeld 4,5 · mediaan 4" in lines
    assert "Veel genoemd: container (5), <script> (3)" in lines
    assert "«Gewoon een prima antwoord hier»" in lines
    assert "<i>«Gewoon een prima antwoord hier»</i>" in text
    assert "&lt;script&gt; (3)" in text
    assert "verschil" not in text  # no previous digest


def test_resident_text_is_escaped(proef: Questionnaire) -> None:
    quote = "Zet <b>meer</b> containers & leeg *vaker* _graag_ </i><a href='x'>"
    text = d.compose(sample(proef, quote=quote), proef)
    assert (
        "<i>«Zet &lt;b&gt;meer&lt;/b&gt; containers &amp; leeg *vaker* _graag_ "
        "&lt;/i&gt;&lt;a href='x'&gt;»</i>"
    ) in text
    shown = telegram_accepts(text)
    assert f"«{quote}»" in shown.splitlines()
    assert [
        e["type"] for e in parse_html(text).entities if e["type"] not in {"bold", "italic"}
    ] == []


# --- Moderation and effect checks ---------------------------------------------------------


def test_texts_waiting_for_moderation_are_mentioned(proef: Questionnaire) -> None:
    digest = sample(proef)
    (idee,) = digest.texts
    assert "moderatie" not in d.compose(digest, proef)  # none waits
    for pending, line in (
        (1, "1 tekst wacht op moderatie."),
        (3, "3 teksten wachten op moderatie."),
    ):
        waiting = replace(digest, texts=(replace(idee, pending=pending),))
        text = d.compose(waiting, proef)
        lines = telegram_accepts(text).splitlines()
        assert lines[-1] == line, "under the question's quotes"
        assert lines[-2] == "«Gewoon een prima antwoord hier»"
        assert f"<i>{line}</i>" in text


def test_effect_stats_apply_the_small_cell_rule() -> None:
    # 17 answers: nee 4 and weet_niet 1 are small cells, 5 together.
    found = {"nee": 4, "ja": 7, "weet_niet": 1, "een_beetje": 5}
    stats = d.effect_stats(found, 12)
    assert stats == d.EffectStats(17, 12, (("ja", 7), ("een_beetje", 5), (OTHER, 5)), merged=2)
    # Fewer than 5 in all, or every cell small: totals only.
    assert d.effect_stats({"ja": 3, "nee": 1}, 0) == d.EffectStats(4, 0, ())
    assert d.effect_stats({"ja": 4, "nee": 4}, 8) == d.EffectStats(8, 8, ())
    # A lower threshold (never below 3); an unknown value after the known ones.
    assert d.effect_stats({"ja": 3, "nee": 3, "later": 3}, 9, min_cell=2) == d.EffectStats(
        9, 9, (("ja", 3), ("nee", 3), ("later", 3))
    )
    assert d.effect_stats({}, 0) is None


def test_effect_checks_in_the_digest(proef: Questionnaire) -> None:
    effects = d.effect_stats({"ja": 7, "een_beetje": 5, "nee": 4, "weet_niet": 1}, 12)
    text = d.compose(replace(sample(proef), effects=effects), proef)
    assert block(telegram_accepts(text), "Effectmeting") == [
        "Effectmeting: Merk je iets van deze verandering?",
        "17 antwoorden, 12 nieuw in deze periode",
        "████ 41% (7) Ja",  # 7/17
        "███ 29% (5) Een beetje",  # 5/17
        "███ 29% (5) Overig",  # nee 4 + weet ik niet 1
        "Antwoorden die minder dan 5 keer gegeven zijn, staan samen onder ‘Overig’.",
    ]

    # A closed questionnaire with no new answers still shows its effect check; with fewer
    # than 5 answers only the totals.
    few = d.effect_stats({"ja": 2, "nee": 1}, 1)
    quiet = replace(sample(proef), distributions=(), numbers=(), texts=(), effects=few)
    shown = telegram_accepts(d.compose(quiet, proef))
    assert block(shown, "Effectmeting") == [
        "Effectmeting: Merk je iets van deze verandering?",
        "3 antwoorden, 1 nieuw in deze periode",
        "Te weinig antwoorden om uit te splitsen (minder dan 5).",
    ]
    assert "Geen nieuwe antwoorden in deze periode." in shown


def block(text: str, heading: str) -> list[str]:
    """The lines of the paragraph that starts with ``heading``."""
    for paragraph in text.split("\n\n"):
        if paragraph.startswith(heading):
            return paragraph.split("\n")
    raise AssertionError(f"no paragraph {heading!r} in:\n{text}")


def test_change_since_previous_digest(proef: Questionnaire) -> None:
    previous = PreviousFigures(
        sent_at=datetime(2026, 11, 1, 22, 30, tzinfo=UTC),
        new=9,
        total=31,
        scale_means={"tevreden": 3.9, "cijfer": 6.0},
        dimensions={"dienstverlening": 60.0, "bestuur": 64.0},
    )
    shown = telegram_accepts(d.compose(sample(proef), proef, previous=previous, zone=AMSTERDAM))
    lines = shown.splitlines()
    assert "▲/▼ = verschil met het vorige overzicht (1 nov 2026)" in lines
    assert "Totaal: 30 van 40 afgerond (75%) · 9 erbij sinds vorig overzicht" in lines
    assert "Gemiddeld 3,7 ▼ 0,2 · mediaan 4" in lines
    assert "Dienstverlening: 67 ▲ 7 (12 antwoorden)" in lines
    assert "Bestuur: 64 (=) (11 antwoorden)" in lines


def test_kinds_and_periods(proef: Questionnaire) -> None:
    digest = sample(proef)
    assert d.compose(digest, proef, kind="final").startswith("<b>Eindoverzicht: ")
    assert d.compose(digest, proef, kind="on_demand").startswith("<b>Tussenstand: ")
    assert d.period_text(SINCE, SINCE + timedelta(days=1)) == "2 nov 2026"
    assert d.period_text(SINCE, SINCE + timedelta(hours=13, minutes=5)) == (
        "2 nov 2026 00:00 – 2 nov 2026 13:05"
    )
    # Midnight in Amsterdam is 23:00 UTC in winter.
    local = datetime(2026, 11, 1, 23, tzinfo=UTC)
    assert d.period_text(local, local + timedelta(days=7), AMSTERDAM) == (
        "2 nov 2026 t/m 8 nov 2026"
    )


@pytest.mark.parametrize(
    ("share", "bar"),
    [
        (0, ""),
        (0.001, "▏"),
        (0.05, "▌"),
        (0.42, "████"),
        (0.45, "████▌"),
        (0.5, "█████"),
        (1, "██████████"),
    ],
)
def test_bars(share: float, bar: str) -> None:
    assert d.bar(share) == bar


def test_numbers_in_dutch() -> None:
    assert formats.number(1234567) == "1.234.567"
    assert formats.number(3.456, 1) == "3,5"
    assert d.delta(3.0, 3.04) == " (=)"
    assert d.delta(3.0, None) == ""
    assert d.delta(70.4, 61.0, 0) == " ▲ 9"


# --- Splitting and captions -------------------------------------------------------------------


def test_split_keeps_paragraphs_and_limits(proef: Questionnaire) -> None:
    one = d.compose(sample(proef), proef)
    text = "\n\n".join([one] * 12)
    assert len(text) > 3 * d.MAX_MESSAGE
    messages = d.split_messages(text)
    assert len(messages) > 3
    for message in messages:
        telegram_accepts(message)
        assert not message.startswith("\n") and not message.endswith("\n")
    # Nothing lost, nothing added: only the cuts between paragraphs differ.
    assert "\n\n".join(messages).split("\n\n") == text.split("\n\n")


def test_split_small_limit_cuts_between_lines() -> None:
    text = "<b>Kop</b>\n" + "\n".join(f"<i>regel {i}</i> &amp; meer" for i in range(50))
    messages = d.split_messages(text, limit=100)
    assert all(len(m) <= 100 for m in messages)
    assert "\n".join(messages) == text
    for message in messages:
        parse_html(message)


def test_split_overlong_line() -> None:
    line = "<b>" + "woord &amp; " * 1000 + "</b>"
    messages = d.split_messages(f"begin\n\n{line}\n\neind", limit=500)
    assert all(utf16_len(m) <= 500 for m in messages)
    for message in messages:
        parse_html(message)  # no tag left open, no entity cut in half
    assert messages[0] == "begin" and messages[-1].endswith("eind")


def test_split_counts_utf16() -> None:
    text = "\n".join("📊" * 30 for _ in range(10))  # 60 UTF-16 units per line
    messages = d.split_messages(text, limit=130)
    assert [m.count("\n") for m in messages] == [1] * 5


def test_split_nothing() -> None:
    assert d.split_messages("") == []


def test_caption(proef: Questionnaire) -> None:
    digest = sample(proef)
    text = d.caption(digest, proef, zone=AMSTERDAM)
    assert parse_html(text).text == (
        "Proef <b>&</b> overzicht\n"
        "2 nov 2026 01:00 – 9 nov 2026 01:00\n"
        "12 nieuw · 30 van 40 afgerond"
    )
    assert len(text) < d.MAX_CAPTION
    short = d.caption(digest, proef, limit=80)
    assert len(short) <= 80
    assert parse_html(short).text.startswith("Proef")
    assert "…" in short
