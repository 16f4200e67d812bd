"""The public results page: one self-contained HTML file in Dutch or English.
Over 500 lines on purpose: the page is written top to bottom in one place; its inline SVG
charts are the part to move out next.

Written from a :class:`~analysis.report.Report` without its internal notes; the same words
as the Word report (:mod:`bot.staff.report_text`). Made for WCAG 2.1 AA: a ``lang`` on the
page and on the link to the other language, one ``h1`` and headings in order, a skip link,
text and bars with at least 4.5:1 contrast, charts as inline SVG with a text alternative
(``role="img"`` and ``aria-label``) beside a real table of the same numbers, visible focus,
readable from 320 px wide. No scripts, no fonts, no images from elsewhere, no tracking: the
page makes no request of its own (its Content-Security-Policy says so too), so it can be
served by the bot or copied to the municipality's own site as it is.

Every text is escaped (:func:`html.escape`): quotes are residents' words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from html import escape

from analysis import labels
from analysis.report import (
    GridResult,
    QuestionResult,
    Quoted,
    RankingResult,
    Report,
    Representativeness,
)
from bot.staff import report_sample_text as sample_words
from bot.staff import report_shapes_text as shapes
from bot.staff import report_text as words
from flows.texts import direction
from flows.texts.formats import percent

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)

# Okabe-Ito blue and black on white: 5.9:1 and 21:1.
STYLE = """
:root{--ink:#1a1a1a;--muted:#4a4a4a;--accent:#005a8c;--bar:#0072B2;--line:#c8c8c8;--bg:#fff;
--soft:#f3f6f8}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
line-height:1.55;color:var(--ink);background:var(--bg)}
.skip{position:absolute;left:-999px;top:0;background:var(--accent);color:#fff;padding:.5rem 1rem}
.skip:focus{left:0;z-index:2}
header,main,footer{max-width:46rem;margin:0 auto;padding:0 1rem}
header{padding-top:1.25rem;border-bottom:4px solid var(--accent)}
.lang{float:right;margin:.2rem 0 0 1rem}
h1{font-size:1.9rem;line-height:1.2;margin:.4rem 0 .6rem}
h2{font-size:1.4rem;margin:2.2rem 0 .6rem;padding-top:.6rem;border-top:1px solid var(--line)}
h3{font-size:1.1rem;margin:1.6rem 0 .4rem}
p,li{max-width:40rem}
.meta{color:var(--muted);margin:.2rem 0 1rem}
a{color:var(--accent);text-decoration:underline}
a:focus,a:hover{outline:3px solid #b35c00;outline-offset:2px}
.summary{background:var(--soft);padding:.8rem 1.2rem;border-left:4px solid var(--accent)}
.summary li{margin:.35rem 0}
figure{margin:.6rem 0}
svg{display:block;width:100%;max-width:30rem;height:auto}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;max-width:40rem;margin:.4rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.3rem 0;color:var(--muted)}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);
vertical-align:top;overflow-wrap:anywhere}
td.n,th.n{text-align:right}
.note{color:var(--muted);font-style:italic}
blockquote{margin:.5rem 0;padding:.4rem 1rem;border-left:4px solid var(--line)}
footer{margin-top:3rem;padding-bottom:2rem;color:var(--muted);border-top:1px solid var(--line)}
@media (max-width:30rem){h1{font-size:1.55rem}h2{font-size:1.25rem}}
"""

BAR_COLOUR = "#0072B2"
LABEL_COLOUR = "#1a1a1a"
SVG_WIDTH, ROW, LABEL_CHARS = 360, 30, 19  # 19 characters fit in 150 px at 13 px


def write_html(
    report: Report, *, language: str, zone: tzinfo, path: str, other_href: str | None = None
) -> str:
    """The page of ``report`` (pass ``report.public()``) in ``language`` ("nl" or "en").
    ``path``: the Dutch page's path on the bot's server; the English one is
    ``path + "/en"``. ``other_href``: where the page in the other language is instead (a
    static export's file beside this one)."""
    en = language == "en"
    lang = "en" if en else "nl"
    other_lang, other_href, other_text = (
        ("nl", other_href or path, "Nederlands")
        if en
        else ("en", other_href or f"{path}/en", "English")
    )
    title = report.title.of(lang)
    parts: list[str] = [
        "<!doctype html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="robots" content="noindex">' if report.level != "full" else "",
        f"<title>{escape(title)} – {escape(_results_word(lang))}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f'<a class="skip" href="#main">{"Skip to content" if en else "Naar de inhoud"}</a>',
        "<header>",
        f'<p class="lang"><a href="{escape(other_href)}" hreflang="{other_lang}" '
        f'lang="{other_lang}">{other_text}</a></p>',
        f'<p class="meta">{escape(report.municipality.capitalize())}</p>',
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(_results_word(lang))} · '
        f"{escape(words.period(report, zone, lang))}</p>",
        "</header>",
        '<main id="main">',
        f"<p>{escape(report.intro.of(lang))}</p>",
        f'<h2 id="summary">{escape(words.heading("summary", lang))}</h2>',
        '<ul class="summary">',
        *(f"<li>{escape(line.of(lang))}</li>" for line in report.summary),
        "</ul>",
    ]
    parts += _sample(report, lang)  # the random sample leads, as in the Burgerpeiling
    parts += _method(report, zone, lang)
    parts += _representativeness(report, lang)
    parts += _results(report, lang)
    parts += _scorecard(report, zone, lang)
    parts += _opinion_groups(report, lang)
    parts += _outcomes(report, zone, lang)
    parts += [
        "</main>",
        "<footer>",
        "<p>"
        + escape(
            f"Made on {words.when(report.generated_at, zone, lang)} with Samenspraak. "
            "This page uses no cookies and no tracking."
            if en
            else f"Gemaakt op {words.when(report.generated_at, zone, lang)} met Samenspraak. "
            "Deze pagina gebruikt geen cookies en volgt je niet."
        )
        + "</p>",
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _results_word(lang: str) -> str:
    return "Results of the consultation" if lang == "en" else "Uitkomsten van de raadpleging"


def _table(
    caption: str, header: Sequence[str], rows: Sequence[Sequence[str]], numeric: int = 1
) -> list[str]:
    """A table with a caption, column headers and row headers (the first cell of each row);
    columns from ``numeric`` on are numbers, aligned right."""
    cls = [' class="n"' if i >= numeric else "" for i in range(len(header))]
    out = ['<div class="table-wrap">', "<table>", f"<caption>{escape(caption)}</caption>"]
    out.append(
        "<thead><tr>"
        + "".join(f'<th scope="col"{c}>{escape(h)}</th>' for h, c in zip(header, cls, strict=True))
        + "</tr></thead>"
    )
    out.append("<tbody>")
    for row in rows:
        cells = [f'<th scope="row">{escape(row[0])}</th>']
        cells += [f"<td{c}>{escape(v)}</td>" for v, c in zip(row[1:], cls[1:], strict=True)]
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>", "</div>"]
    return out


def _method(report: Report, zone: tzinfo, lang: str) -> list[str]:
    out = [f'<h2 id="method">{escape(words.heading("method", lang))}</h2>']
    out += [f"<p>{escape(line)}</p>" for line in words.method_lines(report, zone, lang)]
    caption = "Facts about the consultation" if lang == "en" else "Feiten over de raadpleging"
    header = ["What" if lang == "en" else "Wat", "Value" if lang == "en" else "Waarde"]
    return out + _table(caption, header, words.method_rows(report, zone, lang), numeric=2)


def _sample(report: Report, lang: str) -> list[str]:
    """The random sample's results, before those of everyone together."""
    section = report.sample
    if section is None or report.level == "empty":
        return []
    en = lang == "en"
    out = [f'<h2 id="sample">{escape(sample_words.heading(lang))}</h2>']
    out += [f"<p>{escape(line)}</p>" for line in sample_words.response_lines(section, lang)]
    if section.weighted:
        out.append(f"<h3>{escape(sample_words.WEIGHTED[en])}</h3>")
        out.append(f"<p>{escape(sample_words.weighted_intro(section, lang))}</p>")
        for result in section.weighted:
            caption = f"{result.position}. {result.name.of(lang)} ({result.answered})"
            out += _table(caption, words.weighted_header(lang), words.weighted_rows(result, lang))
    if section.questions:
        out.append(f"<h3>{escape(sample_words.UNWEIGHTED[en])}</h3>")
    header = ["Answer" if en else "Antwoord", "Number" if en else "Aantal", "%"]
    for item in section.questions:
        caption = f"{item.position}. {item.name.of(lang)}"
        if item.suppressed or not item.rows:
            out.append(f"<p><strong>{escape(caption)}</strong></p>")
            out.append(
                f'<p class="note">{escape(sample_words.suppressed(report.min_cell, lang))}</p>'
            )
            continue
        out += _table(caption, header, words.answer_rows(item, lang))
    return out


def _representativeness(report: Report, lang: str) -> list[str]:
    out = [f'<h2 id="representativeness">{escape(words.heading("representativeness", lang))}</h2>']
    section = report.representativeness
    if section is None:
        return [*out, f"<p>{escape(words.not_heard(report, lang))}</p>"]
    en = lang == "en"
    if section.verdict is not None:
        out.append(f"<p><strong>{escape(section.verdict.of(lang))}</strong></p>")
    out += [f"<p>{escape(line)}</p>" for line in words.heard_lines(section, lang)]
    if section.chart:
        out.append(f"<figure>{_heard_svg(section, lang)}</figure>")
    if section.rows:
        out += _table(
            words.heading("representativeness", lang),
            words.heard_header(lang),
            words.heard_rows(section, report.min_cell, lang),
        )
    out += [f'<p class="note">{escape(note.of(lang))}</p>' for note in section.notes]
    if not section.results:
        return out
    out.append(f"<h3>{'Weighted by area and age' if en else 'Gewogen naar wijk en leeftijd'}</h3>")
    out.append(f"<p>{escape(words.weighted_intro(section, lang))}</p>")
    for result in section.results:
        caption = f"{result.position}. {result.name.of(lang)} ({result.answered})"
        out += _table(caption, words.weighted_header(lang), words.weighted_rows(result, lang))
    return out


def _heard_svg(section: Representativeness, lang: str) -> str:
    """Per wijk two bars: respondents (dark) and inhabitants (light outline), labelled;
    the text alternative lists them all."""
    bars = section.chart
    height = ROW * 2 * len(bars) + 8
    label_width, bar_left = 150, 156
    room = SVG_WIDTH - bar_left - 80
    longest = max([max(b.respondents or 0.0, b.population) for b in bars] + [0.01])
    alt = words.heard_alt(section, lang)
    few = "too few" if lang == "en" else "te weinig"
    parts = [
        f'<svg role="img" aria-label="{escape(alt)}" viewBox="0 0 {SVG_WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">',
    ]
    for i, bar in enumerate(bars):
        y = 4 + i * 2 * ROW
        label = bar.label.of(lang)
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text x="{label_width}" y="{y + 19}" text-anchor="end" font-size="13" '
            f'fill="{LABEL_COLOUR}">{escape(short)}</text>'
        )
        for offset, share, fill in (
            (0, bar.respondents, BAR_COLOUR),
            (ROW, bar.population, "none"),
        ):
            width = 0.0 if share is None else max(1.0, share / longest * room)
            if share is not None:
                parts.append(
                    f'<rect x="{bar_left}" y="{y + offset + 5}" width="{width:.1f}" '
                    f'height="{ROW - 10}" fill="{fill}" stroke="{BAR_COLOUR}"/>'
                )
            value = few if share is None else percent(share)
            who = (
                ("respondents" if offset == 0 else "inhabitants")
                if lang == "en"
                else ("reacties" if offset == 0 else "inwoners")
            )
            parts.append(
                f'<text x="{bar_left + width + 5:.1f}" y="{y + offset + 19}" font-size="13" '
                f'fill="{LABEL_COLOUR}">{escape(value)} {who}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _opinion_groups(report: Report, lang: str) -> list[str]:
    section = report.opinion_groups
    if section is None and report.kind == "questionnaire":
        return []  # only a deliberation has opinion groups
    out = [f'<h2 id="opinion-groups">{escape(words.heading("opinion_groups", lang))}</h2>']
    if section is None:
        return [*out, f"<p>{escape(words.NOT_AVAILABLE['opinion_groups'][lang == 'en'])}</p>"]
    out.append(f"<p>{escape(section.note.of(lang))}</p>")
    for group in section.groups:
        out.append(f"<h3>{escape(group.label.of(lang))} ({group.size})</h3>")
        if group.statements:
            out += ["<ul>", *(f"<li>{escape(s.of(lang))}</li>" for s in group.statements), "</ul>"]
    if section.common_ground:
        out.append(f"<h3>{'Common ground' if lang == 'en' else 'Gedeelde grond'}</h3>")
        ground = section.common_ground
        out += ["<ul>", *(f"<li>{escape(s.of(lang))}</li>" for s in ground), "</ul>"]
    return out


def _svg(result: QuestionResult, lang: str, alt: str | None = None) -> str:
    """Horizontal bars, one per answer, labelled; the text alternative lists them all."""
    rows = result.rows
    height = ROW * len(rows) + 8
    label_width, bar_left = 150, 156
    room = SVG_WIDTH - bar_left - 48
    longest = max((r.share for r in rows), default=0.0) or 1.0
    alt = alt or words.alt_text(result, lang)
    parts = [
        f'<svg role="img" aria-label="{escape(alt)}" viewBox="0 0 {SVG_WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">',
    ]
    for i, row in enumerate(rows):
        y = 4 + i * ROW
        label = row.label.of(lang)
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        width = max(1.0, row.share / longest * room) if row.count else 0.0
        parts.append(
            f'<text x="{label_width}" y="{y + 19}" text-anchor="end" font-size="13" '
            f'fill="{LABEL_COLOUR}">{escape(short)}</text>'
            f'<rect x="{bar_left}" y="{y + 5}" width="{width:.1f}" height="{ROW - 10}" '
            f'fill="{BAR_COLOUR}"/>'
            f'<text x="{bar_left + width + 5:.1f}" y="{y + 19}" font-size="13" '
            f'fill="{LABEL_COLOUR}">{percent(row.share)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _results(report: Report, lang: str) -> list[str]:
    en = lang == "en"
    out = [f'<h2 id="results">{escape(words.heading("results", lang))}</h2>']
    if report.level != "full":
        return [*out, f"<p>{escape(report.summary[0].of(lang))}</p>"]
    if report.kind == "deliberation":
        return [*out, f"<p>{escape(words.deliberation_results(lang))}</p>"]
    out.append(f"<p>{escape(words.results_intro(report, lang))}</p>")
    header = ["Answer" if en else "Antwoord", "Number" if en else "Aantal", "%"]
    for result in report.questions:
        grid = report.grid_of(result.question_id)
        if grid is not None:  # its statements together, where the first stands
            out += _grid(report, grid, lang) if grid.statements[0] is result else []
            continue
        out.append(f"<h3>{result.position}. {escape(result.name.of(lang))}</h3>")
        if result.suppressed or not result.rows:
            line = words.suppressed_line(result.respondents, report.min_cell, lang)
            out.append(f'<p class="note">{escape(line)}</p>')
            continue
        out.append(f"<figure>{_svg(result, lang)}</figure>")
        out += _table(result.name.of(lang), header, words.answer_rows(result, lang))
        notes = words.result_notes(result, report, lang)
        out.append(f'<p class="note">{escape(". ".join(n.rstrip(".") for n in notes))}.</p>')
        out += _score(report, result.question_id, lang)
    for ranking in report.rankings:
        out += _ranking(report, ranking, lang)
    for item in report.numbers:
        out.append(f"<h3>{item.position}. {escape(item.name.of(lang))}</h3>")
        out.append(f"<p>{escape(words.number_line(item, report.min_cell, lang))}</p>")
    for text in report.texts:
        out.append(f"<h3>{text.position}. {escape(text.name.of(lang))}</h3>")
        out += [f"<p>{escape(line)}</p>" for line in words.text_lines(text, report.min_cell, lang)]
        out += [_quote(q, lang) for q in text.quotes]
    return out


def _score(report: Report, question_id: str, lang: str) -> list[str]:
    """A scale's rapportcijfer or NPS (with its three groups), as the digest gives it."""
    score = report.score(question_id)
    if score is None:
        return []
    out = [f"<p><strong>{escape(shapes.score_line(score, lang))}</strong></p>"]
    if score.rows:
        out += _table("NPS", shapes.nps_header(lang), shapes.nps_rows(score, lang))
    return out


def _ranking(report: Report, result: RankingResult, lang: str) -> list[str]:
    out = [f"<h3>{result.position}. {escape(result.name.of(lang))}</h3>"]
    if result.suppressed or not result.options:
        line = words.suppressed_line(result.respondents, report.min_cell, lang)
        return [*out, f'<p class="note">{escape(line)}</p>']
    out.append(f"<p>{escape(shapes.ranking_intro(result, lang))}</p>")
    chart = _svg(shapes.first_places(result), lang, shapes.ranking_alt(result, lang))
    out.append(f"<figure>{chart}</figure>")
    header, rows = shapes.ranking_header(lang), shapes.ranking_rows(result, lang)
    return out + _table(result.name.of(lang), header, rows)


def _grid(report: Report, grid: GridResult, lang: str) -> list[str]:
    """A grid's statements in one table (a row per statement, a column per answer)."""
    out = [f"<h3>{grid.position}. {escape(grid.name.of(lang))}</h3>"]
    out.append(f"<p>{escape(shapes.grid_intro(grid, report.min_cell, lang))}</p>")
    if not shapes.grid_shown(grid):
        return out
    out.append(f"<figure>{_grid_svg(grid, lang, report.min_cell)}</figure>")
    header, rows = shapes.grid_header(grid, lang), shapes.grid_rows(grid, report.min_cell, lang)
    return out + _table(grid.name.of(lang), header, rows)


GRID_FILLS = ("#005a8c", "#3d8fc4", "#9cc7e4", "#e0a458", "#b35c00", "#767676", "#5d3a9b")


def _grid_svg(grid: GridResult, lang: str, min_cell: int) -> str:
    """One stacked bar per statement shown (the answers in scale order), a legend below;
    the text alternative lists every share."""
    shown = [s for s in grid.statements if not s.suppressed and s.rows]
    keys = [key for key, _ in grid.options]
    fills = {key: GRID_FILLS[i % len(GRID_FILLS)] for i, key in enumerate(keys)}
    legend_rows = (len(keys) + 1) // 2
    height = ROW * (len(shown) + legend_rows) + 12
    left, room = 156, SVG_WIDTH - 160
    alt = shapes.grid_alt(grid, min_cell, lang)
    parts = [
        f'<svg role="img" aria-label="{escape(alt)}" viewBox="0 0 {SVG_WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">',
    ]
    for i, statement in enumerate(shown):
        y = 4 + i * ROW
        label = statement.name.of(lang)
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        parts.append(
            f'<text x="150" y="{y + 19}" text-anchor="end" font-size="13" '
            f'fill="{LABEL_COLOUR}">{escape(short)}</text>'
        )
        x = float(left)
        for row in statement.rows:
            width = row.share * room
            if width <= 0:
                continue
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 5}" width="{width:.1f}" height="{ROW - 10}" '
                f'fill="{fills.get(row.key, "#767676")}"/>'
            )
            x += width
    top = 8 + len(shown) * ROW
    for i, (key, option) in enumerate(grid.options):
        x, y = 4 + (i % 2) * (SVG_WIDTH // 2), top + (i // 2) * ROW
        parts.append(
            f'<rect x="{x}" y="{y + 8}" width="14" height="14" fill="{fills[key]}"/>'
            f'<text x="{x + 20}" y="{y + 20}" font-size="12" fill="{LABEL_COLOUR}">'
            f"{escape(option.of(lang))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _quote(quote: Quoted, lang: str) -> str:
    """A resident's words as written: in another language than the page's, in that
    language's ``lang`` and direction and marked with its name."""
    mark = labels.written_in(quote.language, lang)
    if mark is None or quote.language is None:
        return f"<blockquote><p>“{escape(quote.text)}”</p></blockquote>"
    written = escape(quote.language)
    return (
        f'<blockquote><p><span lang="{written}" dir="{direction(quote.language)}">'
        f"“{escape(quote.text)}”</span> {escape(mark)}</p></blockquote>"
    )


def _scorecard(report: Report, zone: tzinfo, lang: str) -> list[str]:
    en = lang == "en"
    out = [f'<h2 id="public-value">{escape(words.heading("scorecard", lang))}</h2>']
    if not report.scorecard:
        return [*out, f"<p>{escape(words.no_scorecard(report, lang))}</p>"]
    out.append(f"<p>{escape(words.SCORECARD_INTRO[en])}</p>")
    header = ["Part" if en else "Onderdeel", "Score (0–100)", "Answers" if en else "Antwoorden"]
    out += _table(words.heading("scorecard", lang), header, words.score_rows(report, lang))
    if report.trend:
        out.append(f"<h3>{'Over time' if en else 'Verloop'}</h3>")
        head, rows = words.trend_table(report, zone, lang)
        out += _table("Over time" if en else "Verloop", head, rows)
    return out


def _outcomes(report: Report, zone: tzinfo, lang: str) -> list[str]:
    en = lang == "en"
    out = [f'<h2 id="outcomes">{escape(words.heading("outcomes", lang))}</h2>']
    if not report.outcomes:
        out.append(f"<p>{escape(words.NO_OUTCOMES[en])}</p>")
    for entry in report.outcomes:
        out.append(
            f"<h3>{escape(words.when(entry.at, zone, lang))}: "
            f"{escape(entry.status_label.of(lang))}</h3>"
        )
        out += [f"<p>{escape(p)}</p>" for p in entry.message.of(lang).split("\n") if p.strip()]
    if report.effects is not None:
        out.append(f"<h3>{'Did it make a difference?' if en else 'Merk je verschil?'}</h3>")
        out += [f"<p>{escape(line)}</p>" for line in words.effect_lines(report, lang)]
        if report.effects.rows:
            header = ["Answer" if en else "Antwoord", "Number" if en else "Aantal", "%"]
            out += _table(
                "Do you notice this change?" if en else "Merk je iets van deze verandering?",
                header,
                words.effect_rows(report, lang),
            )
    return out
