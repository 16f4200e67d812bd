"""Digest charts: the answers to a questionnaire's closed questions as one PNG.
(Over 500 lines on purpose: a panel drawer per question shape, beside the shared layout.)

Small multiples in one column, one horizontal bar chart per closed question, sized for a
phone (1080 px wide, large type), Dutch labels, the colour-blind-safe Okabe-Ito palette.
Drawn with matplotlib's object API on the Agg canvas: no pyplot, no display, no global
figure registry, so nothing leaks between calls and it is safe in a server.

Telegram shows photos at most 1280 px on the long side; :func:`render_chart_pages` cuts
a long questionnaire into several images (for ``sendMediaGroup``) that each stay legible.
"""

from __future__ import annotations

import io
import struct
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from analysis.figures import Distribution, QuestionnaireDigest
from analysis.names import question_names
from bot.staff.gridchart import GridPanel
from bot.staff.render import period_text, rows_of
from flows.schema import (
    AnyQuestion,
    DateQuestion,
    GridQuestion,
    Questionnaire,
    RankingQuestion,
    ScaleQuestion,
    YesNoQuestion,
)
from flows.texts.formats import number, percent

# Okabe & Ito (2008), "Color Universal Design".
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
PURPLE = "#CC79A7"
PANEL_COLOURS = (BLUE, GREEN, PURPLE, ORANGE, SKY_BLUE, VERMILLION)
SCALE_COLOURS = (VERMILLION, ORANGE, YELLOW, SKY_BLUE, BLUE)  # low .. high
GREY = "#555555"

WIDTH_PX = 1080
DPI = 100
MAX_PAGE_PX = 1600  # per image in render_chart_pages

# Layout in pixels.
MARGIN = 36
HEADER = 180
PANEL_TITLE_LINE = 36
PANEL_GAP = 34
ROW = 52
LABEL_COLUMN = 0.40  # share of the width for option labels
TITLE_PT, SUBTITLE_PT, PANEL_PT, LABEL_PT, VALUE_PT = 26, 18, 19, 17, 16
TITLE_WRAP, LABEL_WRAP = 62, 26
CHART_NAME_CHARS = 150  # a question's name above its panel: three lines at most


@dataclass(frozen=True, slots=True)
class _Panel:
    question: AnyQuestion
    distribution: Distribution
    title: list[str]
    colour: str

    @property
    def rows(self) -> int:
        return max(1, len(self.distribution.counts)) if self.distribution.respondents else 1

    @property
    def height(self) -> int:
        return len(self.title) * PANEL_TITLE_LINE + 12 + self.rows * ROW + PANEL_GAP


Panel = _Panel | GridPanel


def _panels(
    digest: QuestionnaireDigest, questionnaire: Questionnaire, question_ids: Sequence[str] | None
) -> list[Panel]:
    panels: list[Panel] = []
    wanted = set(question_ids) if question_ids is not None else None
    names = question_names(questionnaire.questions, CHART_NAME_CHARS)
    for question in questionnaire.questions:
        found = digest.distribution(question.id)
        if isinstance(question, RankingQuestion):
            found = _first_places(digest, question.id)
        if isinstance(question, DateQuestion):
            found = _per_period(digest, question.id)
        if found is None or (wanted is not None and question.id not in wanted):
            continue
        if isinstance(question, GridQuestion):
            if grid := _grid_panel(digest, questionnaire, question, names, wanted):
                panels.append(grid)
            continue
        heading = f"{names[question.id]} ({number(found.respondents)} antwoorden)"
        if isinstance(question, RankingQuestion):
            heading = f"{names[question.id]}: vaakst op plek 1 ({number(found.respondents)})"
        if isinstance(question, DateQuestion):
            per = "week" if found.type == "week" else "maand"
            heading = f"{names[question.id]}: gekozen dagen per {per}"
            heading += f" ({number(found.respondents)})"
        title = textwrap.wrap(heading, TITLE_WRAP, max_lines=3, placeholder=" …")
        colour = PANEL_COLOURS[len(panels) % len(PANEL_COLOURS)]
        panels.append(_Panel(question, found, title, colour))
    return panels


def _first_places(digest: QuestionnaireDigest, question_id: str) -> Distribution | None:
    """A ranking as a distribution of first places, the best mean place first."""
    ranked = next((r for r in digest.rankings if r.question_id == question_id), None)
    if ranked is None:
        return None
    counts = tuple((option, first) for option, _, first in ranked.options)
    return Distribution(question_id, "ranking", ranked.respondents, ranked.skipped, counts)


def _per_period(digest: QuestionnaireDigest, question_id: str) -> Distribution | None:
    """A date question as a distribution of its months or weeks (``type`` is the unit)."""
    dated = next((d for d in digest.dates if d.question_id == question_id), None)
    if dated is None:
        return None
    return Distribution(question_id, dated.unit, dated.respondents, dated.skipped, dated.periods)


def _grid_panel(
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    question: GridQuestion,
    names: dict[str, str],
    wanted: set[str] | None,
) -> GridPanel | None:
    """The grid of ``question`` as one panel, drawn where its first statement (wanted)
    stands; None for the grid's other statements."""
    statements = [
        (q, names[q.id], found)
        for q in questionnaire.questions
        if isinstance(q, GridQuestion)
        and q.grid == question.grid
        and (wanted is None or q.id in wanted)
        and (found := digest.distribution(q.id)) is not None
    ]
    if not statements or statements[0][0].id != question.id:
        return None
    name = question.grid_label or question.stem.nl
    answered = max(found.respondents for _, _, found in statements)
    heading = f"{name} ({number(answered)} antwoorden)"
    title = textwrap.wrap(heading, TITLE_WRAP, max_lines=3, placeholder=" …")
    return GridPanel(title, statements, ROW, PANEL_TITLE_LINE, PANEL_GAP)


def _colours(panel: _Panel) -> list[str]:
    question, keys = panel.question, [k for k, _ in panel.distribution.counts]
    if isinstance(question, YesNoQuestion):
        return [{"yes": BLUE, "no": ORANGE}.get(k, GREY) for k in keys]
    if isinstance(question, ScaleQuestion) and question.report == "nps":
        # Detractors (0-6), passives (7-8), promoters (9-10).
        return [
            VERMILLION if _nps_group(k) < 0 else BLUE if _nps_group(k) > 0 else YELLOW
            for k in keys
        ]
    if isinstance(question, ScaleQuestion):
        span = question.max - question.min
        colours = []
        for key in keys:
            try:
                where = (float(key) - question.min) / span  # a typed 7,5 too
            except ValueError:
                colours.append(GREY)
                continue
            step = min(len(SCALE_COLOURS) - 1, max(0, int(where * len(SCALE_COLOURS))))
            colours.append(SCALE_COLOURS[step])
        return colours
    return [panel.colour] * len(keys)


def _nps_group(key: str) -> int:
    try:
        value = float(key)
    except ValueError:
        return 0
    return -1 if value <= 6 else 1 if value >= 9 else 0


def _label(text: str) -> str:
    return "\n".join(textwrap.wrap(text, LABEL_WRAP, max_lines=2, placeholder=" …")) or text


def _draw_panel(ax: Axes, panel: _Panel, top: float) -> None:
    """One panel from ``top`` down, in pixel coordinates (y grows downwards)."""
    ax.text(
        MARGIN,
        top,
        "\n".join(panel.title),
        fontsize=PANEL_PT,
        fontweight="bold",
        va="top",
        linespacing=1.15,
        parse_math=False,
    )
    first = top + len(panel.title) * PANEL_TITLE_LINE + 12
    left, right = WIDTH_PX * LABEL_COLUMN, WIDTH_PX - MARGIN
    ax.vlines(left, first, first + panel.rows * ROW, colors=BLACK, linewidth=1)
    if not panel.distribution.respondents or not panel.distribution.counts:
        ax.text(
            left + 14,
            first + ROW / 2,
            "Nog geen antwoorden in deze periode"
            if not panel.distribution.respondents
            else "Te weinig antwoorden om te tonen",
            va="center",
            fontsize=LABEL_PT,
            color=GREY,
            parse_math=False,
        )
        return
    rows = rows_of(panel.question, panel.distribution)
    # Each panel is scaled to its longest bar (every bar is labelled with its share), with
    # room after it for the label; at least 0-40% so that small shares look small.
    longest = max((share for _, _, share in rows), default=0.0)
    per_percent = (right - left) / (max(longest * 100, 40) * 1.32)
    centres = [first + (i + 0.5) * ROW for i in range(len(rows))]
    widths = [share * 100 * per_percent for _, _, share in rows]
    ax.barh(centres, widths, height=ROW * 0.68, left=left, color=_colours(panel))
    for centre, width, (label, count, share) in zip(centres, widths, rows, strict=True):
        ax.text(
            left - 10,
            centre,
            _label(label),
            ha="right",
            va="center",
            fontsize=LABEL_PT,
            linespacing=1.0,
            parse_math=False,
        )
        ax.text(
            left + width + 10,
            centre,
            f"{percent(share)} ({number(count)})",
            va="center",
            fontsize=VALUE_PT,
            parse_math=False,
        )


def _figure(
    digest: QuestionnaireDigest, questionnaire: Questionnaire, panels: list[Panel], zone: tzinfo
) -> bytes:
    height = HEADER + sum(p.height for p in panels) + MARGIN
    if not panels:
        height += ROW
    fig = Figure(figsize=(WIDTH_PX / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    # One axes over the whole image, in pixels from the top left: no ticks to lay out.
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, WIDTH_PX)
    ax.set_ylim(height, 0)
    stats = digest.responses
    ax.text(
        MARGIN,
        MARGIN,
        textwrap.shorten(questionnaire.title.nl, 60, placeholder=" …"),
        fontsize=TITLE_PT,
        fontweight="bold",
        va="top",
        parse_math=False,
    )
    ax.text(
        MARGIN,
        MARGIN + 58,
        f"{period_text(digest.since, digest.until, zone)}\n"
        f"{number(stats.new)} nieuwe reacties · {number(stats.completed)} van "
        f"{number(stats.total)} afgerond",
        fontsize=SUBTITLE_PT,
        color=GREY,
        va="top",
        linespacing=1.3,
        parse_math=False,
    )
    if not panels:
        ax.text(
            MARGIN,
            HEADER + ROW / 2,
            "Deze vragenlijst heeft geen gesloten vragen.",
            fontsize=LABEL_PT,
            color=GREY,
            va="center",
            parse_math=False,
        )
    top = float(HEADER)
    for panel in panels:
        if isinstance(panel, GridPanel):
            panel.draw(ax, top, WIDTH_PX, MARGIN, (PANEL_PT, LABEL_PT))
        else:
            _draw_panel(ax, panel, top)
        top += panel.height
    out = io.BytesIO()
    # Light compression: a few hundred kB more, a third of the encoding time saved.
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 3})
    fig.clear()
    return out.getvalue()


def render_chart(
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    *,
    zone: tzinfo = UTC,
    question_ids: Sequence[str] | None = None,
) -> bytes:
    """One PNG with a bar chart per closed question (or only ``question_ids``)."""
    return _figure(digest, questionnaire, _panels(digest, questionnaire, question_ids), zone)


def render_chart_pages(
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    *,
    zone: tzinfo = UTC,
    max_height: int = MAX_PAGE_PX,
    limit: int | None = None,
) -> list[bytes]:
    """The same chart cut into PNGs of at most about ``max_height`` px (a panel taller than
    that gets a page of its own), for an album of at most 10 photos. With ``limit`` only the
    first ``limit`` pages are drawn (drawing is what takes the time)."""
    pages: list[list[Panel]] = [[]]
    used = HEADER + MARGIN
    for panel in _panels(digest, questionnaire, None):
        if pages[-1] and used + panel.height > max_height:
            pages.append([])
            used = HEADER + MARGIN
        pages[-1].append(panel)
        used += panel.height
    return [_figure(digest, questionnaire, page, zone) for page in pages[:limit]]


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, from its header."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def render_questions(
    items: Sequence[tuple[AnyQuestion, Distribution, str]],
) -> list[bytes]:
    """One PNG per (question, distribution, title), each the digest's panel without its
    header (for reports). Drawn as one figure and cut apart: one drawing pass, not one per
    question."""
    panels = [
        _Panel(
            question,
            distribution,
            textwrap.wrap(title, TITLE_WRAP, max_lines=3, placeholder=" …"),
            PANEL_COLOURS[i % len(PANEL_COLOURS)],
        )
        for i, (question, distribution, title) in enumerate(items)
    ]
    if not panels:
        return []
    tops = [MARGIN + sum(p.height + MARGIN for p in panels[:i]) for i in range(len(panels))]
    height = tops[-1] + panels[-1].height + MARGIN
    fig = Figure(figsize=(WIDTH_PX / DPI, height / DPI), dpi=DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, WIDTH_PX)
    ax.set_ylim(height, 0)
    for panel, top in zip(panels, tops, strict=True):
        _draw_panel(ax, panel, float(top))
    canvas.draw()  # type: ignore[no-untyped-call]
    from PIL import Image

    image = Image.frombuffer(
        "RGBA",
        canvas.get_width_height(),
        canvas.buffer_rgba(),  # type: ignore[no-untyped-call]
        "raw",
        "RGBA",
        0,
        1,
    ).convert("RGB")
    fig.clear()
    pictures = []
    for panel, top in zip(panels, tops, strict=True):
        out = io.BytesIO()
        box = (0, top - MARGIN // 2, WIDTH_PX, min(height, top + panel.height))
        image.crop(box).save(out, format="PNG", compress_level=3)
        pictures.append(out.getvalue())
    return pictures


def render_grid(statements: Sequence[tuple[GridQuestion, str, Distribution]], title: str) -> bytes:
    """One grid's statements as the digest's stacked panel, on its own (for reports)."""
    wrapped = textwrap.wrap(title, TITLE_WRAP, max_lines=3, placeholder=" …")
    panel = GridPanel(wrapped, statements, ROW, PANEL_TITLE_LINE, PANEL_GAP)
    height = MARGIN + panel.height
    fig = Figure(figsize=(WIDTH_PX / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, WIDTH_PX)
    ax.set_ylim(height, 0)
    panel.draw(ax, float(MARGIN // 2), WIDTH_PX, MARGIN, (PANEL_PT, LABEL_PT))
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 3})
    fig.clear()
    return out.getvalue()


# --- Who did we hear: respondents against the population per wijk ---------------------------


def render_heard_chart(rows: Sequence[tuple[str, float | None, float]], title: str) -> bytes:
    """One PNG: per wijk (label, share of the respondents, share of the inhabitants, both
    0-1) two bars side by side: respondents in blue, inhabitants in orange, so a short
    blue bar beside a long orange one shows a wijk that is heard too little. A share of
    None (too few respondents to show, the small-cell rule) gets no bar, only "te weinig"."""
    height = HEADER + len(rows) * ROW * 2 + MARGIN + ROW
    fig = Figure(figsize=(WIDTH_PX / DPI, height / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, WIDTH_PX)
    ax.set_ylim(height, 0)
    ax.text(
        MARGIN,
        MARGIN,
        textwrap.shorten(title, 60, placeholder=" …"),
        fontsize=TITLE_PT,
        fontweight="bold",
        va="top",
        parse_math=False,
    )
    ax.text(
        MARGIN,
        MARGIN + 58,
        "Wie hebben we gehoord? Aandeel per wijk",
        fontsize=SUBTITLE_PT,
        color=GREY,
        va="top",
        parse_math=False,
    )
    for x, legend, colour in ((MARGIN, "■ reacties", BLUE), (MARGIN + 190, "■ inwoners", ORANGE)):
        ax.text(
            x, MARGIN + 94, legend, fontsize=SUBTITLE_PT, color=colour, va="top", parse_math=False
        )
    ax.text(
        MARGIN + 360,
        MARGIN + 94,
        "(15 jaar en ouder)",
        fontsize=SUBTITLE_PT,
        color=GREY,
        va="top",
        parse_math=False,
    )
    left = MARGIN + (WIDTH_PX - 2 * MARGIN) * LABEL_COLUMN
    span = WIDTH_PX - MARGIN - left - 90
    top = float(HEADER)
    peak = max([max(r or 0.0, p) for _, r, p in rows] + [0.01])
    for label, respondents, inhabitants in rows:
        ax.text(
            MARGIN,
            top + ROW,
            "\n".join(textwrap.wrap(label, LABEL_WRAP)[:2]),
            fontsize=LABEL_PT,
            va="center",
            parse_math=False,
        )
        for offset, share, colour in ((0.5, respondents, BLUE), (1.5, inhabitants, ORANGE)):
            y = top + offset * ROW
            width = 0.0 if share is None else span * share / peak
            if share is not None:
                ax.add_patch(_bar(left, y - ROW * 0.4, width, ROW * 0.8, colour))
            ax.text(
                left + width + 8,
                y,
                "te weinig" if share is None else percent(share),
                fontsize=VALUE_PT,
                va="center",
                parse_math=False,
            )
        top += 2 * ROW
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 3})
    fig.clear()
    return out.getvalue()


def _bar(x: float, y: float, width: float, height: float, colour: str) -> Rectangle:
    return Rectangle((x, y), max(width, 1.0), height, facecolor=colour, edgecolor="none")
