"""Texts for administrators: uploads, previews, /beheer, exports, access: Dutch (B1) and English.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_ADMIN: dict[str, dict[str, str]] = {}
