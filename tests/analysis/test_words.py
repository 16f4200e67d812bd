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


def test_turkish_and_arabic_stop_words_are_not_top_words() -> None:
    """Residents write in their own language: its little words are not what they said."""
    texts = [
        "Çöp kutuları bir hafta boyunca dolu ve çok kirli",
        "Bu mahallede çöp her zaman için sorun ve çok pis",
        "Çöp kutusu bir gün boş, ama sonra yine dolu",
        "الحاويات في الشارع ممتلئة من الصباح على الدوام",
        "الحاويات في الحي ممتلئة من يوم السبت",
        "رائحة الحاويات في الصيف كريهة من بعيد",
    ]
    found = dict(top_words(texts, min_answers=2))
    assert found["çöp"] == 3 and found["الحاويات"] == 3 and found["ممتلئة"] == 2
    assert {"bir", "ve", "çok", "için", "في", "من", "على"} & set(found) == set()


def test_quotes_keep_their_language() -> None:
    answers = [(1, "Please empty the bins more often"), (2, "Vaker legen, graag zeg ik")]
    quotes = pick_quotes(answers, "idee", 2, {1: "en"})
    assert [(q.answer_id, q.language) for q in quotes] == [(1, "en"), (2, None)]
