"""The old format of the texts: an ``"en": ...`` item next to ``"nl"`` in a text of
``flows/texts/*.py``. English lives in ``flows/locales/en/LC_MESSAGES/samenspraak.po`` now;
this module finds what is left of the old format and cuts it out of the Python source
(``python -m flows.texts.catalogs move-english`` puts the English into the catalog first).

Only the ``"en"`` item of a text goes: the exact source span of its key, its value (with
the parentheses around a long text) and its comma, and the whole line when it stood on
lines of its own. Comments, the Dutch and every other entry stay as they were.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
LANGUAGE = "en"


@dataclass(frozen=True)
class Found:
    """One ``"en"`` item: its text key, English, and the bytes of the source it takes."""

    path: Path
    key: str
    english: str
    start: int
    end: int


def sources(folder: Path = FOLDER) -> list[Path]:
    """The modules that hold texts (every ``*.py`` of ``flows/texts`` but the machinery)."""
    machinery = {"__init__.py", "catalogs.py", "po.py", "formats.py", "legacy.py"}
    texts = [path for path in sorted(folder.glob("*.py")) if path.name not in machinery]
    return [folder / "__init__.py", *texts]


def _offsets(data: bytes) -> list[int]:
    """The byte offset where each line starts (ast columns are UTF-8 byte offsets)."""
    starts, at = [0], 0
    for line in data.splitlines(keepends=True):
        at += len(line)
        starts.append(at)
    return starts


def _span(data: bytes, starts: list[int], item: tuple[ast.expr, ast.expr]) -> tuple[int, int]:
    """The bytes of one ``"en": value`` item with its comma (and its lines, when alone)."""
    key, value = item
    assert key.end_lineno is not None and key.end_col_offset is not None
    assert value.end_lineno is not None and value.end_col_offset is not None
    start = starts[key.lineno - 1] + key.col_offset
    end = starts[value.end_lineno - 1] + value.end_col_offset
    # A long text is wrapped in parentheses that the node does not cover: take them too.
    opened = data[
        starts[key.end_lineno - 1] + key.end_col_offset : starts[value.lineno - 1]
        + value.col_offset
    ].count(b"(")
    while opened:
        end += len(data[end:]) - len(data[end:].lstrip())
        if data[end : end + 1] == b"#":
            end = data.index(b"\n", end)
            continue
        assert data[end : end + 1] == b")", "unbalanced parentheses around an English text"
        end += 1
        opened -= 1
    after = end + len(data[end:]) - len(data[end:].lstrip(b" \t"))
    comma = data[after : after + 1] == b","
    if comma:
        end = after + 1
    line_start = starts[key.lineno - 1]
    line_end = data.find(b"\n", end)
    line_end = len(data) if line_end < 0 else line_end
    if comma and not data[line_start:start].strip() and not data[end:line_end].strip():
        return line_start, min(line_end + 1, len(data))  # the item's own lines, whole
    if comma:  # another item follows on the line: the space before it goes too
        return start, end + len(data[end:line_end]) - len(data[end:line_end].lstrip(b" "))
    before = data[:start].rstrip()  # the last item: the comma before it goes
    return (len(before) - 1 if before.endswith(b",") else start), end


def find(path: Path) -> list[Found]:
    """Every text of ``path`` that still carries an ``"en"`` item."""
    data = path.read_bytes()
    starts = _offsets(data)
    found = []
    for node in ast.walk(ast.parse(data, filename=str(path))):
        if not isinstance(node, ast.Dict):
            continue
        for outer_key, entry in zip(node.keys, node.values, strict=True):
            if not (isinstance(outer_key, ast.Constant) and isinstance(outer_key.value, str)):
                continue
            if not isinstance(entry, ast.Dict):
                continue
            names = [k.value if isinstance(k, ast.Constant) else None for k in entry.keys]
            if "nl" not in names or LANGUAGE not in names:
                continue
            key, english = entry.keys[names.index(LANGUAGE)], entry.values[names.index(LANGUAGE)]
            assert key is not None  # a name, so no ``**`` spread
            if not (isinstance(english, ast.Constant) and isinstance(english.value, str)):
                raise ValueError(
                    f"{path}:{english.lineno}: {outer_key.value}: the English is not a plain "
                    "string; move it into the English catalog by hand"
                )
            begin, end = _span(data, starts, (key, english))
            found.append(Found(path, outer_key.value, english.value, begin, end))
    return found


def find_all(folder: Path = FOLDER) -> list[Found]:
    return [found for path in sources(folder) for found in find(path)]


def cut(found: list[Found]) -> list[Path]:
    """Remove the items from their sources; returns the files changed."""
    by_path: dict[Path, list[Found]] = {}
    for item in found:
        by_path.setdefault(item.path, []).append(item)
    for path, items in by_path.items():
        data = path.read_bytes()
        for item in sorted(items, key=lambda i: i.start, reverse=True):
            data = data[: item.start] + data[item.end :]
        ast.parse(data, filename=str(path))  # still Python, or nothing is written
        path.write_bytes(data)
    return sorted(by_path)
