"""The B1 check before launch: how easily a resident reads the Dutch of a questionnaire.

Per part a resident reads (the opening: title, theme and intro; each question: its text,
the statement of a grid, option, scale and area labels, the unit; the closing text) it
reports:

- a **readability score**, Flesch-Douma (the Dutch Flesch Reading Ease: 206.835 − 0.93 ×
  words per sentence − 77 × syllables per word; the constants textstat uses for ``nl``),
  of the part's main text (intro, question text, outro). Below :data:`EASY_SCORE` it warns,
  for a text of at least :data:`MIN_JUDGED_WORDS` words;
- **long sentences**: more than :data:`MAX_SENTENCE_WORDS` words. B1 advice (Rijksoverheid,
  Direct Duidelijk) is short sentences, on average 10 to 15 words and hardly ever more than
  20; a question in a chat is read on a phone, so 20 is the line;
- **long words**: :data:`LONG_WORD_SYLLABLES` syllables or more. Dutch writes compounds as
  one word ("verkeersveiligheid", 5), so only the really long ones are named;
- **difficult words** from :data:`flows.b1_words.DIFFICULT_WORDS`, each with a simpler one.

Warnings, never errors: a questionnaire is published whatever this says.

Syllables come from pyphen's Dutch hyphenation dictionary. The formula is computed here
rather than by textstat: textstat 0.7 imports nltk on import (seconds, ~160 MB) for an
English dictionary Dutch never uses; tests/flows/test_b1.py checks that the score equals
textstat's ``flesch_reading_ease(text, "nl")``. Nothing here is global state: the hyphenator
is built once and only read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

import pyphen

from flows.b1_words import DIFFICULT_WORDS
from flows.deliberation import Deliberation
from flows.schema import GridQuestion, Questionnaire, Text
from flows.texts import Html, Language, t
from flows.validator import all_texts

#: Flesch-Douma at or above this reads easily enough ("normaal" and easier on Douma's scale).
EASY_SCORE = 60.0
#: A sentence with more words than this is long.
MAX_SENTENCE_WORDS = 20
#: A word with this many syllables or more is long.
LONG_WORD_SYLLABLES = 6
#: Texts with fewer words than this get no score (a score of three words says nothing).
MIN_SCORED_WORDS = 5
#: Texts with fewer words than this get a score but no "hard to read": on one short
#: question one long word decides it ("Heeft u het afgelopen jaar vrijwilligerswerk
#: gedaan?" scores 35, and is plain Dutch).
MIN_JUDGED_WORDS = 10

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
# Piped answers ({answer:q1}) and markup are not words a resident reads as written.
_NOT_READ = re.compile(r"\{[^{}]*\}|<[^<>]*>")


@dataclass(frozen=True, slots=True)
class Hard:
    """A difficult word as the text has it, and the simpler words offered."""

    found: str
    simpler: str


@dataclass(frozen=True, slots=True)
class Part:
    """What the B1 check found in one part: ``name`` is ``intro``, ``outro`` or a question's
    id; ``score`` None when the main text is too short to score."""

    name: str
    score: float | None
    judged: bool  # the main text is long enough for its score to decide "hard to read"
    long_sentences: tuple[int, ...]  # their lengths in words
    long_words: tuple[str, ...]
    difficult: tuple[Hard, ...]

    @property
    def hard_to_read(self) -> bool:
        return self.judged and self.score is not None and self.score < EASY_SCORE

    @property
    def warns(self) -> bool:
        return bool(self.hard_to_read or self.long_sentences or self.long_words or self.difficult)


# --- counting ---------------------------------------------------------------------------------


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="nl_NL")


def _readable(text: str) -> str:
    return unicodedata.normalize("NFC", _NOT_READ.sub(" ", text))


def words(text: str) -> list[str]:
    """The words of ``text`` (hyphenated words count as one)."""
    return _WORD.findall(_readable(text))


@lru_cache(maxsize=8192)  # a questionnaire repeats its words; bounded, as files are untrusted
def syllables(word: str) -> int:
    """Syllables of one word by Dutch hyphenation (at least one)."""
    return sum(len(_hyphenator().positions(part.lower())) + 1 for part in re.split(r"[-'’]", word))


def sentences(text: str) -> list[str]:
    """Sentences: ended by . ! ? … or a new line."""
    parts = (s.strip() for s in _SENTENCE_END.split(_readable(text)))
    return [s for s in parts if words(s)]


def flesch_douma(text: str) -> float | None:
    """Flesch-Douma of ``text``, or None with fewer than :data:`MIN_SCORED_WORDS` words."""
    found = words(text)
    if len(found) < MIN_SCORED_WORDS:
        return None
    per_sentence = len(found) / max(1, len(sentences(text)))
    per_word = sum(syllables(w) for w in found) / len(found)
    return 206.835 - 0.93 * per_sentence - 77 * per_word


# --- difficult words --------------------------------------------------------------------------


def _forms(word: str, kind: str) -> list[str]:
    if kind == "v" or kind.startswith("v|"):
        stem = word[: -len("eren")]
        verb = [stem + "eer", stem + "eert", stem + "eerde", stem + "eerden"]
        verb += ["ge" + stem + "eerd", stem + "erend", stem + "erende", stem + "erenden"]
        return [word, *verb, *kind[2:].split("|")]
    if kind == "n":
        return [word, word + "en", word + "s"]
    if kind == "a":
        return [word, word + "e"]
    return [word, *(form for form in kind.split("|") if form)]


@cache
def _lexicon() -> tuple[dict[str, str], re.Pattern[str] | None, dict[str, str]]:
    """Single words by form, one pattern for every phrase, and phrases' simpler words."""
    single: dict[str, str] = {}
    phrases: dict[str, str] = {}
    for word, simpler, kind in DIFFICULT_WORDS:
        for form in _forms(word, kind):
            (phrases if " " in form else single)[form.casefold()] = simpler
    alternatives = "|".join(
        r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True)
    )
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if phrases else None
    return single, pattern, phrases


def difficult(text: str) -> list[Hard]:
    """The difficult words and phrases in ``text``, each once, in the order they stand."""
    single, pattern, phrases = _lexicon()
    readable = _readable(text)
    found: list[tuple[int, Hard]] = []
    if pattern:
        for match in pattern.finditer(readable):
            said = " ".join(match.group().split())
            found.append((match.start(), Hard(said, phrases[said.casefold()])))
    for match in _WORD.finditer(readable):
        simpler = single.get(match.group().casefold())
        if simpler:
            found.append((match.start(), Hard(match.group(), simpler)))
    unique: dict[str, Hard] = {}
    for _, hard in sorted(found, key=lambda pair: pair[0]):
        unique.setdefault(hard.found.casefold(), hard)
    return list(unique.values())


# --- a questionnaire ----------------------------------------------------------------------


def check_texts(name: str, main: Text | None, texts: list[Text]) -> Part:
    """The B1 part ``name``: ``main`` scored, every text of ``texts`` searched."""
    dutch = [_readable(text.nl) for text in texts]
    long_sentences = [
        n for text in dutch for s in sentences(text) if (n := len(words(s))) > MAX_SENTENCE_WORDS
    ]
    long_words = dict.fromkeys(
        w for text in dutch for w in words(text) if syllables(w) >= LONG_WORD_SYLLABLES
    )
    hard: dict[str, Hard] = {}
    for text in dutch:
        for item in difficult(text):
            hard.setdefault(item.found.casefold(), item)
    return Part(
        name,
        flesch_douma(main.nl) if main is not None else None,
        main is not None and len(words(main.nl)) >= MIN_JUDGED_WORDS,
        tuple(long_sentences),
        tuple(long_words),
        tuple(hard.values()),
    )


def _under(node: object) -> list[Text]:
    return [text for _, text in all_texts(node, ())]


def parts(questionnaire: Questionnaire) -> Iterator[Part]:
    """The opening, every question (a grid's statements each, its shared question with the
    first), and the closing text."""
    q = questionnaire
    yield check_texts("intro", q.intro, [q.title, q.theme, q.intro])
    for question in q.questions:
        texts = _under(question)
        if isinstance(question, GridQuestion) and question.position > 1:
            # The grid's question is the same on every statement: said of the first only.
            texts = [text for text in texts if text is not question.stem]
        yield check_texts(question.id, question.text, texts)
    if q.outro is not None:
        yield check_texts("outro", q.outro, [q.outro])


def report(questionnaire: Questionnaire) -> list[Part]:
    """Every part of ``questionnaire`` with what the B1 check found."""
    return list(parts(questionnaire))


def report_deliberation(deliberation: Deliberation) -> list[Part]:
    """The B1 check of a deliberation: its opening (title, theme, intro) and every statement."""
    d = deliberation
    found = [check_texts("intro", d.intro, [d.title, d.theme, d.intro])]
    found += [check_texts(s.id, s.text, [s.text]) for s in d.statements]
    return found


# --- in words -------------------------------------------------------------------------------


def findings(part: Part, language: Language) -> Html:
    """What was found in ``part``, in one line of Telegram HTML (words from the file
    escaped): the score, long sentences, long words, difficult words with simpler ones."""
    said: list[str] = []
    if part.score is not None:
        low = part.score < EASY_SCORE
        key = "admin.b1.score.short" if low and not part.judged else "admin.b1.score"
        key = "admin.b1.hard_to_read" if part.hard_to_read else key
        said.append(t(language, key, score=round(part.score)))
    if part.long_sentences:
        lengths = ", ".join(str(n) for n in part.long_sentences)
        said.append(t(language, "admin.b1.long_sentences", words=lengths, max=MAX_SENTENCE_WORDS))
    if part.long_words:
        said.append(t(language, "admin.b1.long_words", words=", ".join(part.long_words)))
    if part.difficult:
        pairs = ", ".join(f"{hard.found} → {hard.simpler}" for hard in part.difficult)
        said.append(t(language, "admin.b1.difficult", words=pairs))
    if not part.warns:
        said.append(t(language, "admin.b1.ok"))
    return Html("; ".join(said))
