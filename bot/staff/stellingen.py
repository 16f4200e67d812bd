"""A deliberation's part of the digest: counts, the opinion map (a PNG), what all groups
agree on with % agree per group, what divides them, and per group its own statements.

One read (:func:`storage.deliberations.digest_counts`, the votes and the live statements),
the analysis and the map off the event loop (:mod:`analysis.opinions`,
:mod:`analysis.deliberation_digest`), then Dutch for civil servants. Residents' statements
are data: every one is escaped; only approved (live) statements are ever quoted; groups of
fewer than DIGEST_MIN_CELL participants are not shown on their own. The map has dots and
colours only: no labels, no numbers that could point at anyone.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from analysis import labels
from analysis.deliberation_digest import Agreement, Counts, DeliberationFigures, compute
from analysis.digest import effect_stats
from bot.resident.stellingen_state import run_analysis
from bot.staff.render import effect_lines, period_text
from flows.deliberation import Deliberation, parse
from flows.texts import Html, escape
from flows.texts.formats import number
from storage import deliberations as store
from storage.deliberations import DeliberationInfo
from storage.digest import effects

if TYPE_CHECKING:
    from analysis.opinions import OpinionAnalysis

# Okabe & Ito, as bot.staff.charts (not imported: it loads matplotlib, which waits for a map).
GROUP_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7")
HIDDEN = "#BBBBBB"
MAP_PX = 1080
DPI = 100


def group_name(group: int) -> str:
    return f"groep {chr(ord('A') + group)}"


def _share(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)}%"


def _line(figures: DeliberationFigures, item: Agreement) -> str:
    shares = " · ".join(
        f"{chr(ord('A') + g)} {_share(s)}" for g, s in zip(figures.groups, item.agree, strict=True)
    )
    said = {"agree": " <i>(eens)</i>", "disagree": " <i>(oneens)</i>"}.get(
        item.direction or "", ""
    )
    mark = labels.written_in(item.language)
    written = f" {escape(mark)}" if mark else ""
    return f"• {escape(item.text)}{written}{said}" + (
        f"\n  <i>eens: {shares}</i>" if shares else ""
    )


def _doors(counts: Counts) -> str:
    """Every door counted together; the split per door once the web door was used."""
    if not counts.participants_on_web:
        return ""
    web = counts.participants_on_web
    return f" (via Telegram {number(counts.participants - web)}, via de website {number(web)})"


def compose(figures: DeliberationFigures, since: datetime, until: datetime, zone: tzinfo) -> Html:
    """The text of one deliberation in the digest (Telegram HTML, every statement escaped)."""
    c = figures.counts
    lines = [
        f"<b>Gesprek met stellingen: {escape(figures.title)}</b>",
        f"<i>{escape(period_text(since, until, zone))}</i>",
        f"{number(c.participants)} deelnemers{_doors(c)} · {number(c.votes)} stemmen "
        f"({number(c.votes_in_period)} nieuw)",
        f"Stellingen: {number(c.live)} live · {number(c.pending)} wachten op moderatie · "
        f"{number(c.by_residents)} toegevoegd door inwoners",
    ]
    if figures.groups:
        sizes = ", ".join(
            f"{group_name(g)}: {number(n)}"
            for g, n in zip(figures.groups, figures.group_sizes, strict=True)
        )
        lines.append(f"Meningsgroepen ({number(figures.clustered)} deelnemers ingedeeld): {sizes}")
        if figures.hidden:
            lines.append(
                f"<i>{number(figures.hidden)} deelnemers in groepen kleiner dan 5: "
                "niet apart getoond.</i>"
            )
    else:
        lines.append("<i>Nog te weinig stemmen om meningsgroepen te tonen.</i>")
    if figures.consensus:
        lines += ["", "<b>Waar alle groepen het over eens zijn</b>"]
        lines += [_line(figures, item) for item in figures.consensus]
    if figures.divisive:
        lines += ["", "<b>Waar de groepen verschillen</b>"]
        lines += [_line(figures, item) for item in figures.divisive]
    for group in figures.groups:
        own = figures.representative.get(group, ())
        if own:
            lines += ["", f"<b>Kenmerkend voor {group_name(group)}</b>"]
            lines += [_line(figures, item) for item in own]
    return Html("\n".join(lines))


def opinion_map(figures: DeliberationFigures) -> bytes:
    """The opinion map: one dot per clustered participant, coloured by group (grey: in a
    group too small to show). No axes, labels or numbers."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(MAP_PX / DPI, MAP_PX / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.04, 0.04, 0.92, 0.88))
    ax.set_axis_off()
    ax.margins(0.08)
    fig.text(
        0.04,
        0.96,
        f"Meningskaart: {figures.title}"[:70],
        fontsize=24,
        fontweight="bold",
        va="top",
        parse_math=False,
    )
    size = max(6.0, 60.0 - len(figures.points) / 50)
    for group in [None, *figures.groups]:
        xs = [x for x, _y, g in figures.points if g == group]
        ys = [y for _x, y, g in figures.points if g == group]
        if not xs:
            continue
        colour = HIDDEN if group is None else GROUP_COLOURS[group % len(GROUP_COLOURS)]
        label = "kleine groepen" if group is None else group_name(group)
        ax.scatter(xs, ys, s=size, c=colour, alpha=0.7, linewidths=0, label=label)
    if figures.points:
        ax.legend(loc="lower right", fontsize=18, frameon=False, markerscale=2)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", pil_kwargs={"compress_level": 3})
    fig.clear()
    return out.getvalue()


def caption(figures: DeliberationFigures) -> Html:
    return Html(
        f"Meningskaart · {escape(figures.title)}\n"
        "<i>Elke stip is een deelnemer; dicht bij elkaar = vergelijkbaar gestemd.</i>"
    )


async def gather(
    db: AsyncSession, info: DeliberationInfo, since: datetime, until: datetime
) -> tuple[Counts, store.VoteArrays, dict[int, str], dict[int, str]]:
    """One read: counts, every vote on a live statement, the live statements' texts and
    the language residents' statements among them were written in."""
    counts = await store.digest_counts(db, info.id, since, until)
    rows = await store.vote_arrays(db, info.id)
    statements = await store.statements(db, info.id)
    live = {s.number: s.text_nl for s in statements}
    languages = {s.number: s.language for s in statements if s.language}
    return counts, rows, live, languages


def figures_of(
    info: DeliberationInfo,
    deliberation: Deliberation,
    counts: Counts,
    rows: store.VoteArrays,
    live: dict[int, str],
    min_group: int,
    languages: dict[int, str] | None = None,
) -> tuple[DeliberationFigures, OpinionAnalysis]:
    """The analysis and the figures (CPU work: run it in a thread)."""
    analysis = run_analysis(rows, list(live))
    found = compute(
        info.id,
        deliberation.title.nl,
        counts,
        analysis,
        live,
        min_group=min_group,
        languages=languages,
    )
    return found, analysis


async def part(
    db: AsyncSession,
    info: DeliberationInfo,
    since: datetime,
    until: datetime,
    zone: tzinfo,
    *,
    min_group: int,
    charts: bool = True,
) -> tuple[DeliberationFigures, Html, bytes | None]:
    """Figures, text and (with ``charts``) the map of one deliberation; its effect checks'
    answers (closing the loop, as for a questionnaire) at the end of the text."""
    deliberation = parse(info.source, info.id)
    counts, rows, live, languages = await gather(db, info, since, until)
    figures, _ = await asyncio.to_thread(
        figures_of, info, deliberation, counts, rows, live, min_group, languages
    )
    text = compose(figures, since, until, zone)
    tally = await effects(db, info.id, since, until)
    stats = effect_stats(tally.counts, tally.new, min_group)
    if stats is not None:
        text = Html("\n".join([text, "", *effect_lines(stats, min_group)]))
        figures = replace(figures, effect_answers_new=stats.new)
    chart = await asyncio.to_thread(opinion_map, figures) if charts and figures.points else None
    return figures, text, chart
