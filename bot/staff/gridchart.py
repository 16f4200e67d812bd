"""A grid's statements in a digest chart: one stacked bar per statement, on the shared scale.

A grid (several statements on one scale, :class:`flows.schema.GridQuestion`) is stored as a
choice question per statement; :mod:`bot.staff.charts` draws them together as one panel of
this module, so the statements can be compared at a glance (as survey reports do).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes

from analysis.figures import Distribution
from flows.schema import GridQuestion
from flows.texts.formats import number, percent

# The options of the shared scale in order (agree .. disagree, then "weet niet"): Okabe-Ito.
SEGMENT_COLOURS = (
    "#0072B2",
    "#56B4E9",
    "#F0E442",
    "#E69F00",
    "#D55E00",
    "#999999",
    "#CC79A7",
    "#009E73",
)
MIN_LABELLED_SHARE = 0.07  # a segment narrower than this has no percentage in it


@dataclass(frozen=True, slots=True)
class GridPanel:
    """The statements of one grid and their answers in the period."""

    title: list[str]
    statements: Sequence[tuple[GridQuestion, str, Distribution]]  # question, name, answers
    row: int
    title_line: int
    gap: int

    @property
    def legend_rows(self) -> int:
        return (len(self.options) + 1) // 2

    @property
    def options(self) -> list[tuple[str, str]]:
        first = self.statements[0][0]
        return [(o.id, o.label.nl) for o in first.options]

    @property
    def height(self) -> int:
        body = (len(self.statements) + self.legend_rows) * self.row
        return len(self.title) * self.title_line + 12 + body + self.gap

    def draw(self, ax: Axes, top: float, width: int, margin: int, sizes: tuple[int, int]) -> None:
        """The panel from ``top`` down, in pixels (y grows downwards)."""
        title_pt, label_pt = sizes
        ax.text(
            margin,
            top,
            "\n".join(self.title),
            fontsize=title_pt,
            fontweight="bold",
            va="top",
            linespacing=1.15,
            parse_math=False,
        )
        first = top + len(self.title) * self.title_line + 12
        left, right = width * 0.40, width - margin
        colours = {
            oid: SEGMENT_COLOURS[i % len(SEGMENT_COLOURS)]
            for i, (oid, _) in enumerate(self.options)
        }
        for index, (_, name, found) in enumerate(self.statements):
            centre = first + (index + 0.5) * self.row
            label = "\n".join(textwrap.wrap(name, 26, max_lines=2, placeholder=" …")) or name
            ax.text(
                left - 10,
                centre,
                label,
                ha="right",
                va="center",
                fontsize=label_pt - 2,
                linespacing=1.0,
                parse_math=False,
            )
            if not found.respondents:
                ax.text(
                    left + 14,
                    centre,
                    "Nog geen antwoorden",
                    va="center",
                    fontsize=label_pt - 2,
                    color="#555555",
                    parse_math=False,
                )
                continue
            start = left
            for key, count in found.counts:
                share = found.share(count)
                span = share * (right - left)
                if span <= 0:
                    continue
                ax.barh(
                    [centre],
                    [span],
                    height=self.row * 0.68,
                    left=start,
                    color=colours.get(key, "#555555"),
                )
                if share >= MIN_LABELLED_SHARE:
                    ax.text(
                        start + span / 2,
                        centre,
                        percent(share),
                        ha="center",
                        va="center",
                        fontsize=label_pt - 4,
                        parse_math=False,
                    )
                start += span
            ax.text(
                right,
                centre - self.row * 0.45,
                f"n = {number(found.respondents)}",
                ha="right",
                va="bottom",
                fontsize=label_pt - 6,
                color="#555555",
                parse_math=False,
            )
        legend = first + len(self.statements) * self.row + 8
        half = (right - margin) / 2
        for index, (oid, label) in enumerate(self.options):
            x = margin + (index % 2) * half
            y = legend + (index // 2) * self.row * 0.8
            ax.barh([y + 10], [22], height=22, left=x, color=colours[oid])
            ax.text(x + 32, y + 10, label, va="center", fontsize=label_pt - 3, parse_math=False)
