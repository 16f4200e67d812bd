"""A digest in Dutch: the Telegram HTML text, its split into messages, and the caption."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from analysis.digest import changes, effect_stats
from analysis.figures import PreviousFigures, Quote
from bot.staff import render
from bot.staff.split import split_messages
from flows.limits import CAPTION_CHARS, MESSAGE_CHARS
from flows.loader import load_file
from flows.schema import Questionnaire
from flows.texts import formats
from sandbox.formatting import parse_html, utf16_len
from tests.digest.helpers import PROEF, SINCE, sample

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture(scope="module")
def proef() -> Questionnaire:
    return load_file(PROEF)


def telegram_accepts(message: str) -> str:
    """The text Telegram would show; fails like Telegram on bad HTML or a long message."""
    parsed = parse_html(message)
    assert 0 < utf16_len(parsed.text) <= MESSAGE_CHARS
    return parsed.text


def missing(shown: str, expected: list[str]) -> list[str]:
    """The lines of ``expected`` that are not lines of ``shown``."""
    lines = shown.splitlines()
    return [line for line in expected if line not in lines]


def test_digest_text(proef: Questionnaire) -> None:
    text = render.compose(sample(proef), proef)
    shown = telegram_accepts(text)
    assert text.startswith("<b>Overzicht: Proef &lt;b&gt;&amp;&lt;/b&gt; overzicht</b>\n")
    assert (
        missing(
            shown,
            [
                "Periode: 2 nov 2026 t/m 8 nov 2026",
                "Nieuw in deze periode: 12 · afgerond in deze periode: 10",
                "Totaal: 30 van 40 afgerond (75%)",
                "Meeste afhakers bij: Welke bakken gebruik je? (6 van 10 niet afgerond)",
                "Dienstverlening: 67 (12 antwoorden)",
                "Reacties per wijk (12 antwoorden, 1 overgeslagen)",
                "██████ 58% (7) Centrum",
                "████ 42% (5) Overig (3 wijken)",
                "Welke bakken gebruik je? (10 antwoorden, 2 overgeslagen) – meer keuzes mogelijk",
                "████████ 80% (8) GFT",
                "0% (0) Papier",
                "█ 8% (1) 1 Heel ontevreden",
                "█▌ 17% (2) 3",
                "Gemiddeld 3,7 · mediaan 4",
                "Welk cijfer geef je het bestuur? (0 antwoorden)",
                "██████▌ 64% (7) Ja",
                "Hoe vaak per maand zet je de bak buiten? (9 antwoorden, 3 overgeslagen)",
                "Gemiddeld 4,5 · mediaan 4",
                "Veel genoemd: container (5), <script> (3)",
                "«Gewoon een prima antwoord hier»",
            ],
        )
        == []
    )
    assert "<i>«Gewoon een prima antwoord hier»</i>" in text
    assert "&lt;script&gt; (3)" in text
    assert "verschil" not in text  # no previous digest


def test_possible_duplicates_are_a_signal_in_the_digest(proef: Questionnaire) -> None:
    """Shown with what it means, beside the totals they still count in; absent at zero."""
    digest = sample(proef)
    signalled = replace(
        digest, responses=replace(digest.responses, completed_on_web=4, possible_duplicates=3)
    )
    shown = telegram_accepts(render.compose(signalled, proef))
    assert (
        missing(
            shown,
            [
                "Totaal: 30 van 40 afgerond (75%); via Telegram 26, via de website 4",
                "Mogelijk dubbel: 3. Die reacties hebben precies dezelfde antwoorden als een "
                "reactie die kort ervoor klaar was (binnen 10 minuten). Ze tellen wel mee.",
            ],
        )
        == []
    )
    assert "dubbel" not in telegram_accepts(render.compose(digest, proef))


def test_resident_text_is_escaped(proef: Questionnaire) -> None:
    quote = "Zet <b>meer</b> containers & leeg *vaker* _graag_ </i><a href='x'>"
    text = render.compose(sample(proef, quote=quote), proef)
    assert (
        "<i>«Zet &lt;b&gt;meer&lt;/b&gt; containers &amp; leeg *vaker* _graag_ "
        "&lt;/i&gt;&lt;a href='x'&gt;»</i>"
    ) in text
    shown = telegram_accepts(text)
    assert f"«{quote}»" in shown.splitlines()
    assert [
        e["type"] for e in parse_html(text).entities if e["type"] not in {"bold", "italic"}
    ] == []


def test_quotes_in_another_language_are_shown_as_written_and_marked(
    proef: Questionnaire,
) -> None:
    """A resident's words are never translated: a quote written in English, Arabic or
    Turkish stands as written with its language in Dutch after it; Dutch needs no mark."""
    digest = sample(proef)
    (idee,) = digest.texts
    written = (
        Quote(1, "idee", "Please empty the bins more often", "en"),
        Quote(2, "idee", "الحاويات ممتلئة دائماً في الصيف", "ar"),
        Quote(3, "idee", "Çöp kutuları çok geç boşaltılıyor", "tr"),
        Quote(4, "idee", "De bakken zijn vaak <vol> & vies", "nl"),
        Quote(5, "idee", "Een tekst van voor de taal bewaard werd", None),
    )
    text = render.compose(replace(digest, texts=(replace(idee, quotes=written),)), proef)
    lines = telegram_accepts(text).splitlines()
    assert (
        missing(
            "\n".join(lines),
            [
                "«Please empty the bins more often» [Engels]",
                "«الحاويات ممتلئة دائماً في الصيف» [Arabisch]",
                "«Çöp kutuları çok geç boşaltılıyor» [Turks]",
                "«De bakken zijn vaak <vol> & vies»",
                "«Een tekst van voor de taal bewaard werd»",
            ],
        )
        == []
    )
    assert "<i>«Please empty the bins more often»</i> [Engels]" in text
    assert "<i>«De bakken zijn vaak &lt;vol&gt; &amp; vies»</i>\n" in text


# --- Moderation and effect checks ---------------------------------------------------------


def test_texts_waiting_for_moderation_are_mentioned(proef: Questionnaire) -> None:
    digest = sample(proef)
    (idee,) = digest.texts
    assert "moderatie" not in render.compose(digest, proef)  # none waits
    for pending, line in (
        (1, "1 tekst wacht op moderatie."),
        (3, "3 teksten wachten op moderatie."),
    ):
        waiting = replace(digest, texts=(replace(idee, pending=pending),))
        text = render.compose(waiting, proef)
        lines = telegram_accepts(text).splitlines()
        assert lines[-1] == line, "under the question's quotes"
        assert lines[-2] == "«Gewoon een prima antwoord hier»"
        assert f"<i>{line}</i>" in text


def test_effect_checks_in_the_digest(proef: Questionnaire) -> None:
    effects = effect_stats({"ja": 7, "een_beetje": 5, "nee": 4, "weet_niet": 1}, 12)
    text = render.compose(replace(sample(proef), effects=effects), proef)
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
    few = effect_stats({"ja": 2, "nee": 1}, 1)
    quiet = replace(sample(proef), distributions=(), numbers=(), texts=(), effects=few)
    shown = telegram_accepts(render.compose(quiet, proef))
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
    digest = sample(proef)
    digest = replace(digest, changes=changes(digest, previous))
    shown = telegram_accepts(render.compose(digest, proef, zone=AMSTERDAM))
    assert (
        missing(
            shown,
            [
                "▲/▼ = verschil met het vorige overzicht (1 nov 2026)",
                "Totaal: 30 van 40 afgerond (75%)",
                "Gemiddeld 3,7 ▼ 0,2 · mediaan 4",
                "Dienstverlening: 67 ▲ 7 (12 antwoorden)",
                "Bestuur: 64 (=) (11 antwoorden)",
            ],
        )
        == []
    )


def test_kinds_and_periods(proef: Questionnaire) -> None:
    digest = sample(proef)
    assert render.compose(digest, proef, kind="final").startswith("<b>Eindoverzicht: ")
    assert render.compose(digest, proef, kind="on_demand").startswith("<b>Tussenstand: ")
    assert render.period_text(SINCE, SINCE + timedelta(days=1)) == "2 nov 2026"
    assert render.period_text(SINCE, SINCE + timedelta(hours=13, minutes=5)) == (
        "2 nov 2026 00:00 – 2 nov 2026 13:05"
    )
    # Midnight in Amsterdam is 23:00 UTC in winter.
    local = datetime(2026, 11, 1, 23, tzinfo=UTC)
    assert render.period_text(local, local + timedelta(days=7), AMSTERDAM) == (
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
    assert render.bar(share) == bar


def test_numbers_in_dutch() -> None:
    assert formats.number(1234567) == "1.234.567"
    assert formats.number(3.456, 1) == "3,5"
    assert render.delta(3.0 - 3.04) == " (=)"
    assert render.delta(None) == ""
    assert render.delta(70.4 - 61.0, 0) == " ▲ 9"


# --- Splitting and captions -------------------------------------------------------------------


def test_split_keeps_paragraphs_and_limits(proef: Questionnaire) -> None:
    one = render.compose(sample(proef), proef)
    text = "\n\n".join([one] * 12)
    assert len(text) > 3 * MESSAGE_CHARS
    messages = split_messages(text)
    assert len(messages) > 3
    for message in messages:
        telegram_accepts(message)
        assert not message.startswith("\n") and not message.endswith("\n")
    # Nothing lost, nothing added: only the cuts between paragraphs differ.
    assert "\n\n".join(messages).split("\n\n") == text.split("\n\n")


def test_split_small_limit_cuts_between_lines() -> None:
    text = "<b>Kop</b>\n" + "\n".join(f"<i>regel {i}</i> &amp; meer" for i in range(50))
    messages = split_messages(text, limit=100)
    assert all(len(m) <= 100 for m in messages)
    assert "\n".join(messages) == text
    for message in messages:
        parse_html(message)


def test_split_overlong_line() -> None:
    line = "<b>" + "woord &amp; " * 1000 + "</b>"
    messages = split_messages(f"begin\n\n{line}\n\neind", limit=500)
    assert all(utf16_len(m) <= 500 for m in messages)
    for message in messages:
        parse_html(message)  # no tag left open, no entity cut in half
    assert messages[0] == "begin" and messages[-1].endswith("eind")


def test_split_counts_utf16() -> None:
    text = "\n".join("📊" * 30 for _ in range(10))  # 60 UTF-16 units per line
    messages = split_messages(text, limit=130)
    assert [m.count("\n") for m in messages] == [1] * 5


def test_split_nothing() -> None:
    assert split_messages("") == []


def test_caption(proef: Questionnaire) -> None:
    digest = sample(proef)
    text = render.caption(digest, proef, zone=AMSTERDAM)
    assert parse_html(text).text == (
        "Proef <b>&</b> overzicht\n"
        "2 nov 2026 01:00 – 9 nov 2026 01:00\n"
        "12 nieuw · 30 van 40 afgerond"
    )
    assert len(text) < CAPTION_CHARS
    short = render.caption(digest, proef, limit=80)
    assert len(short) <= 80
    assert parse_html(short).text.startswith("Proef")
    assert "…" in short
