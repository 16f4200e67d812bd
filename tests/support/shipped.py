"""The questionnaires the project ships (``questionnaires/``), as the tests need them: the
version each file says now, so that a test about "the shipped version" or "a new version"
keeps passing when a changed file raises its number (see CONTRIBUTING, "A shipped
questionnaire changes")."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from flows.loader import load_file

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "questionnaires"


@functools.cache
def shipped_version(questionnaire_id: str) -> int:
    """The ``version:`` of ``questionnaires/<questionnaire_id>.yaml`` as it is now."""
    return load_file(QUESTIONNAIRES / f"{questionnaire_id}.yaml").version


def renumbered(source: str, version: int) -> str:
    """``source`` (a questionnaire's text) with its top-level ``version:`` set to ``version``."""
    changed, found = re.subn(r"^version: \d+$", f"version: {version}", source, count=1, flags=re.M)
    assert found == 1, "no top-level 'version:' line"
    return changed
