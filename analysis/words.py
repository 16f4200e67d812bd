"""Words and quotes from free text: the most used meaningful words, and a few quotes.

Pure. Texts are scrubbed of personal data (:func:`analysis.scrub.scrub`) before a word is
counted or a text quoted; stop words in Dutch, English, Turkish and Arabic (the languages
residents write in) are left out, and a word is shown
only when several answers use it, so no single answer can be recognised by its words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from analysis.figures import Quote
from analysis.scrub import REMOVED, scrub

MIN_WORD_ANSWERS = 3  # a word is shown only when at least this many answers use it
TOP_WORDS = 8
QUOTES = 3
QUOTE_MIN, QUOTE_MAX = 20, 280  # characters of a quote, once scrubbed


def _word_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS_NL = _word_list(
    """
    aan aangezien achter af al aldus alle allebei alleen alles als alsnog altijd andere anders
    ben bent bij bijna bijvoorbeeld binnen boven buiten daar daarbij daarna daarom daarnaast dan
    dat de deze die dit doch doe doen door dus echt een eens eigen eigenlijk en enige enkele er
    erg ergens even gaan gaat geen geweest gewoon had hadden heb hebben hebt heeft hem hen het
    hier hij hoe hoeveel hun iemand iets ik in is ja je jij jou jouw juist kan kon konden kunnen
    kunt laat laten liever maar me mee meer meest men met mij mijn mijnheer minder misschien
    moet moeten mogelijk mogen na naar natuurlijk nee niet niets nog nogal nooit nu of om omdat
    ondanks onder ons onze ook op over overal per precies reeds rond sinds soms steeds te tegen
    terwijl toch toen tot tussen u uit uw van vanaf vanuit veel ver verder vind vinden voor
    vooral vrij waar waarom wanneer want waren was wat we weer weet wel welke werd wie wij wil
    willen wilt word worden wordt zal zeer zelf zich zij zijn zo zoals zodat zonder zou zouden
    zulke zullen zo'n graag beetje best denk denken vaak keer ieder iedereen helemaal heel
    hele goed snel beter hierbij daardoor dingen ding zeggen zegt staan staat komt komen krijgen
    maken maakt hoor gemeente gemeentes jullie mensen nou oke oké zowel namelijk waardoor
    """
)
STOP_WORDS_EN = _word_list(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just let me more most my myself no nor not now of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself really think get got make much
    many would please thanks thank yes okay
    """
)
STOP_WORDS_TR = _word_list(
    """
    ve bir bu şu için ile çok daha ama fakat gibi olarak var yok da de ben sen biz siz onlar
    şey her ne mi değil olan olur kadar sonra önce bunu bunlar çünkü veya hem diye belediye
    lütfen teşekkürler teşekkür artık bence hep hiç bile ise ayrıca bizim benim sizin olması
    olsun oluyor olmalı olabilir evet hayır tamam zaten yani bazı bütün tüm neden nasıl
    """
)
STOP_WORDS_AR = _word_list(
    """
    في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي الذين كان كانت يكون تكون لكن أن إن أو
    ما لا لم لن كل نحن أنا انا هم هو هي فيه فيها منذ بعد قبل عند حتى أيضا ايضا جدا يجب لدي
    لدينا البلدية شكرا كثير كثيرا بعض جميع لماذا كيف نعم هناك هنا بين أكثر اكثر
    """
)
STOP_WORDS = STOP_WORDS_NL | STOP_WORDS_EN | STOP_WORDS_TR | STOP_WORDS_AR | {REMOVED.strip("[]")}

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def words_of(text: str) -> set[str]:
    """The meaningful words of one answer: lower case, at least 3 letters, no stop words."""
    found = {w.casefold().replace("’", "'") for w in _WORD.findall(text)}
    return {w for w in found if len(w) >= 3 and w not in STOP_WORDS}


def top_words(
    texts: Iterable[str], limit: int = TOP_WORDS, min_answers: int = MIN_WORD_ANSWERS
) -> tuple[tuple[str, int], ...]:
    """The words most answers use, with how many answers use them (scrub texts first)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words_of(text))
    ranked = sorted(
        ((w, c) for w, c in counts.items() if c >= max(2, min_answers)),
        key=lambda wc: (-wc[1], wc[0]),
    )
    return tuple(ranked[:limit])


def pick_quotes(
    answers: Iterable[tuple[int, str]],
    question_id: str,
    limit: int = QUOTES,
    languages: Mapping[int, str] | None = None,
) -> tuple[Quote, ...]:
    """The first ``limit`` answers (give them most recent first) that are 20-280 characters
    after scrubbing; duplicates skipped. Each quote keeps the language it was written in
    (``languages``, by answer id), to be shown as written and marked with it."""
    picked: list[Quote] = []
    seen: set[str] = set()
    for answer_id, text in answers:
        if len(picked) >= limit:
            break
        clean = scrub(text)
        key = clean.casefold()
        if QUOTE_MIN <= len(clean) <= QUOTE_MAX and key not in seen:
            seen.add(key)
            written_in = (languages or {}).get(answer_id)
            picked.append(Quote(answer_id, question_id, clean, written_in))
    return tuple(picked)
