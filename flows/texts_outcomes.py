"""Texts for opt-ins, /instellingen, invitations, /terugkoppeling, /resultaten and effect
checks: Dutch (B1) and English.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_OUTCOMES: dict[str, dict[str, str]] = {}
