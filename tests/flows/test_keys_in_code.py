"""Every text key the code names literally (``t(language, "consent.yes")``, ``raw``, the web
door's notices, a refused code) is a text of flows/texts and is in every catalog, as a
plural text only where the code gives ``count=``. Keys the code computes
(``f"menu.{name}"``) cannot be checked this way; the scan counts them."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from flows.texts import CATALOG, LANGUAGES, TRANSLATIONS, catalogs, po, source

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("bot", "flows", "analysis", "sandbox")
#: Callables that take a text key, and at which position.
TAKES_A_KEY = {"t": 1, "raw": 1, "render_notice": 1, "_said": 1, "CodeRefused": 0}


@dataclass(frozen=True)
class Use:
    where: str
    key: str
    counted: bool


def uses(paths: list[Path], root: Path = ROOT) -> tuple[list[Use], int]:
    """Every literal key passed to :data:`TAKES_A_KEY`, and how many keys were computed."""
    found, computed = [], 0
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            at = TAKES_A_KEY.get(name or "")
            if at is None or len(node.args) <= at:
                continue
            arg = node.args[at]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                counted = any(keyword.arg == "count" for keyword in node.keywords)
                where = f"{path.relative_to(root)}:{node.lineno}"
                found.append(Use(where, arg.value, counted))
            else:
                computed += 1
    return found, computed


def problems(found: list[Use], in_catalogs: dict[str, set[str]]) -> list[str]:
    said = []
    for use in found:
        dutch = source(use.key)
        if dutch is None:
            said.append(f"{use.where}: {use.key} is no text of flows/texts")
            continue
        if isinstance(dutch, tuple) and not use.counted:  # (a count may be just a number)
            said.append(f"{use.where}: {use.key} has plural forms: give count=")
        for language, keys in in_catalogs.items():
            if use.key not in keys:
                said.append(f"{use.where}: {use.key} is not in the {language} catalog")
            elif not catalogs.staff_only(use.key):
                first = dutch[0] if isinstance(dutch, tuple) else dutch
                if TRANSLATIONS[language].get(use.key, first) is None:
                    said.append(f"{use.where}: {use.key} has no {language} translation")
    return said


def catalog_keys() -> dict[str, set[str]]:
    keys = {}
    for language in LANGUAGES:
        with po.catalog_path(language).open("rb") as handle:
            keys[language] = {m.context for m in read_po(handle) if m.id and m.context}
    return keys


def test_every_key_the_code_names_is_in_every_catalog() -> None:
    paths = [path for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))]
    found, computed = uses(paths)
    assert len({use.key for use in found}) > 300 and computed > 0  # the scan sees the code
    assert problems(found, catalog_keys()) == []


def test_a_key_the_code_names_but_no_catalog_has_is_found(tmp_path: Path) -> None:
    code = tmp_path / "bot" / "feature.py"
    code.parent.mkdir()
    code.write_text(
        "t(language, 'consent.yes')\n"
        "raw(language, 'no.such.text')\n"
        "t(language, 'unit.days')\n"
        "t(language, 'consent.no', count=2)\n"
        "t(language, f'menu.{name}')\n",
        "utf-8",
    )
    found, computed = uses([code], tmp_path)
    assert computed == 1
    assert problems(found, {"en": {"consent.yes", "unit.days"}}) == [
        "bot/feature.py:2: no.such.text is no text of flows/texts",
        "bot/feature.py:3: unit.days has plural forms: give count=",
        "bot/feature.py:4: consent.no is not in the en catalog",
    ]


@pytest.mark.parametrize("key", ["consent.yes", "unit.days"])
def test_the_keys_of_the_example_are_real(key: str) -> None:
    assert key in CATALOG or f"{key}[one]" in CATALOG
