"""Top words and quotes from free text."""

from __future__ import annotations

from analysis.figures import Quote
from analysis.words import pick_quotes, top_words, words_of


def test_top_words_count_answers_not_repeats() -> None:
    texts = [
        "De container container container is vol",
        "Container vol en vies",
        "The container is full and dirty",
        "Vies, vies, vies!",
        "Mijn e-mail [verwijderd] en de app",
    ]
    assert top_words(texts) == (("container", 3),)
    assert top_words(texts, min_answers=2) == (("container", 3), ("vies", 2), ("vol", 2))
    assert top_words(texts, limit=1, min_answers=1)[0] == ("container", 3)
    assert "verwijderd" not in dict(top_words(texts, min_answers=1))
    assert "the" not in dict(top_words(texts, min_answers=1))  # English stop word
    assert "app" in words_of(texts[4])
    assert top_words(["uniek woord"], min_answers=1) == ()  # never a word from one answer


def test_quotes() -> None:
    answers = [
        (1, "Te kort"),
        (2, "Bel 0612345678 als de container weer vol is"),
        (3, "x" * 281),
        (4, "bel 0612345678 als de container weer vol is"),  # the same, once scrubbed
        (5, "Een   antwoord\nover twee regels, lang genoeg"),
        (6, "Nog een goed antwoord over de wijk"),
    ]
    quotes = pick_quotes(answers, "idee", 2)
    assert quotes == (
        Quote(2, "idee", "Bel [verwijderd] als de container weer vol is"),
        Quote(5, "idee", "Een antwoord over twee regels, lang genoeg"),
    )
