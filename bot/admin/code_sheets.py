"""The files for a letter round with invitation codes: a CSV for the mail merge (code, personal
web address, Telegram link, QR file name), the QR codes as PNG files (a zip, or a folder
from the command line) and a PDF of them to print, 12 to an A4 page with each code below
its QR code.

QR codes are made by segno (pure Python, no image library needed, well kept); the PDF is
drawn with matplotlib's object API (already used for the digest charts), each QR code as
an image of its modules, unsmoothed, so that it prints sharp at any size (a thousand codes,
84 pages, take 20 to 30 seconds, off the event loop: BENCHMARKS.md). Nothing here is
stored: the codes exist only in these files (the database keeps their hashes,
:mod:`storage.codes`).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import segno

from flows.codes import grouped

if TYPE_CHECKING:  # matplotlib is imported when a sheet is drawn, not with the bot
    from matplotlib.figure import Figure

#: Columns and rows of QR codes on one A4 page of the PDF.
COLUMNS, ROWS = 3, 4
#: A4 in inches (matplotlib's unit).
A4 = (8.27, 11.69)
#: The CSV's header row.
HEADER = ("code", "url", "telegram", "qr")


@dataclass(frozen=True, slots=True)
class Letter:
    """One letter's code: as printed (``ABCD-EFGH-JK``), its personal web address and
    Telegram link (each None when unknown), and its QR code's file name."""

    code: str
    url: str | None
    telegram: str | None

    @property
    def printed(self) -> str:
        return grouped(self.code)

    @property
    def qr_name(self) -> str:
        return f"{self.printed}.png"

    @property
    def target(self) -> str:
        """What the QR code opens: the web address, else the Telegram link, else the code."""
        return self.url or self.telegram or self.printed


def csv_bytes(letters: Sequence[Letter]) -> bytes:
    """The mail merge's CSV (UTF-8 with a byte-order mark, which Word and Excel read)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for letter in letters:
        writer.writerow((letter.printed, letter.url or "", letter.telegram or "", letter.qr_name))
    return out.getvalue().encode("utf-8-sig")


def qr_png(letter: Letter) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(letter.target, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def qr_zip(letters: Sequence[Letter]) -> bytes:
    """Every QR code as a PNG file named as in the CSV."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            archive.writestr(letter.qr_name, qr_png(letter))
    return buffer.getvalue()


def write_folder(folder: Path, letters: Sequence[Letter], title: str) -> list[Path]:
    """``codes.csv``, ``codes.pdf`` and ``qr/<code>.png`` in ``folder``; the files written."""
    qr = folder / "qr"
    qr.mkdir(parents=True, exist_ok=True)
    written = [folder / "codes.csv", folder / "codes.pdf"]
    written[0].write_bytes(csv_bytes(letters))
    written[1].write_bytes(pdf_bytes(letters, title))
    for letter in letters:
        (qr / letter.qr_name).write_bytes(qr_png(letter))
    return written


def pdf_bytes(letters: Sequence[Letter], title: str) -> bytes:
    """A PDF to print: per A4 page 12 QR codes, each with its code below it."""
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    per_page = COLUMNS * ROWS
    with PdfPages(buffer, metadata={"Title": title, "Creator": "Samenspraak"}) as pdf:
        for start in range(0, max(len(letters), 1), per_page):
            pdf.savefig(page(letters[start : start + per_page], title))
    return buffer.getvalue()


def page(letters: Sequence[Letter], title: str) -> Figure:
    """One A4 page of at most 12 QR codes, each with its code below it."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=A4)
    figure.text(0.5, 0.975, title, ha="center", va="top", fontsize=10)
    width, height = 1 / COLUMNS, 0.93 / ROWS
    for index, letter in enumerate(letters[: COLUMNS * ROWS]):
        row, column = divmod(index, COLUMNS)
        axes = figure.add_axes(
            (column * width + 0.03, 0.93 - (row + 1) * height + 0.04, width - 0.06, 0.17)
        )
        matrix = segno.make_qr(letter.target, error="m", boost_error=False).matrix
        size = len(matrix)
        # One image per QR code, its modules as pixels: drawn without smoothing (the PDF
        # viewer scales it sharp), so the QR code prints crisp at any size.
        axes.imshow(
            [[1 - bool(dark) for dark in line] for line in matrix],
            cmap="gray",
            vmin=0,
            vmax=1,
            interpolation="none",
            extent=(0, size, 0, size),
        )
        axes.set_xlim(-4, size + 4)
        axes.set_ylim(-4, size + 4)
        axes.set_aspect("equal")
        axes.axis("off")
        axes.text(
            size / 2, -3.5, letter.printed, ha="center", va="top", family="monospace", fontsize=12
        )
    return figure
