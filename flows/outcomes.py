"""Closing the loop, as pure logic: outcome statuses, effect-check answers, subscription
kinds and theme slugs. No telegram, no sqlalchemy."""

from __future__ import annotations

import hashlib
import re
import unicodedata

# What the municipality did with a questionnaire's results, in order. The values are
# stored in ``questionnaires.outcome_status`` and ``outcomes.status``.
STATUSES: tuple[str, ...] = ("ontvangen", "in_behandeling", "besluit", "uitgevoerd")
DONE = "uitgevoerd"  # the status after which an effect check can be scheduled

# Answers to "Merk je iets van deze verandering?", stored in ``effect_answers.value``.
EFFECT_VALUES: tuple[str, ...] = ("ja", "een_beetje", "nee", "weet_niet")

# Subscription kinds (``subscriptions.kind``).
OUTCOMES = "outcomes"
INVITATIONS = "invitations"

# Weeks an administrator can choose between for an effect check.
EFFECT_WEEKS: tuple[int, ...] = (4, 8, 12)

MAX_TOPIC_CHARS = 40  # subscriptions.topic
MAX_OUTCOME_CHARS = 3000  # room in one message for the title, status and footer


def theme_slug(theme_nl: str) -> str:
    """A stable topic for invitations on a theme, from its Dutch name.

    ``"Afval en containers"`` becomes ``afval-en-containers``; accents are dropped and the
    result fits in ``subscriptions.topic`` and in button data. A name without any Latin
    letter or digit gets a short hash instead, so it is still stable.
    """
    ascii_text = unicodedata.normalize("NFKD", theme_nl).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_TOPIC_CHARS].rstrip("-")
    if not slug:
        slug = "thema-" + hashlib.sha256(theme_nl.encode()).hexdigest()[:10]
    return slug
