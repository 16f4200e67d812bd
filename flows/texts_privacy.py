"""Texts for residents' rights (/privacy, /mijngegevens, /vergeetmij, retention): Dutch
(B1) and English.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_PRIVACY: dict[str, dict[str, str]] = {}
