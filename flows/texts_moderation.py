"""Texts for moderation of free text: /moderatie: Dutch (B1) and English.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_MODERATION: dict[str, dict[str, str]] = {}
