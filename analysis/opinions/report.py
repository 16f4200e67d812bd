"""What ``samenspraak stellingen analyse`` prints: the analysis of a Polis export in plain
Dutch, or as one JSON object.

Texts of statements come from a file and are data: invisible and control characters are
removed (:func:`analysis.scrub.legible`) and each is shortened to one line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.opinions.model import Counts, OpinionAnalysis
from analysis.opinions.polis_format import PolisExport
from analysis.scrub import legible
from flows.texts.formats import number, shorten

#: How many statements each list shows in the Dutch text (the JSON has them all).
SHOWN = 5
QUOTE = 110


def letter(group: int) -> str:
    """Group 0 is A, 1 is B, ... (as Polis names them)."""
    return chr(ord("A") + group)


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


def _quote(texts: Mapping[int, str], statement: int) -> str:
    text = " ".join(legible(texts.get(statement, "")).split())
    return shorten(text, QUOTE) if text else "(geen tekst)"


def _agree_per_group(counts: tuple[Counts, ...]) -> str:
    return ", ".join(f"{letter(g)} {_share(c.agree, c.seen)} eens" for g, c in enumerate(counts))


def comparison(export: PolisExport, analysis: OpinionAnalysis) -> dict[str, Any] | None:
    """How our groups compare with Polis's own ``group-id`` (participants both clustered):
    their number, Polis's number of groups and the adjusted Rand index."""
    if not export.groups:
        return None
    from sklearn.metrics import adjusted_rand_score

    both = [p for p in analysis.participants if p in export.groups]
    index = (
        float(
            adjusted_rand_score(
                [export.groups[p] for p in both], [analysis.groups[p] for p in both]
            )
        )
        if both
        else 0.0
    )
    return {
        "participants": len(both),
        "groups": len(set(export.groups.values())),
        "adjusted_rand_index": round(index, 4),
    }


def as_json(export: PolisExport, analysis: OpinionAnalysis) -> dict[str, Any]:
    """One object: ``participants`` (number clustered), ``groups`` (participant id as in
    votes.csv -> group number), ``consensus`` (comment ids, best first), ``divisive``
    (comment ids), ``representative`` (group number -> comment ids), and more."""
    return {
        "participants": len(analysis.participants),
        "voters": analysis.voters,
        "votes": analysis.votes,
        "statements": list(analysis.statements),
        "moderated_out": list(export.moderated_out()),
        "group_sizes": list(analysis.group_sizes),
        "groups": dict(analysis.groups),
        "consensus": list(analysis.consensus),
        "consensus_scores": {
            str(s): round(score, 6) for s, score in analysis.consensus_scores.items()
        },
        "divisive": list(analysis.divisive),
        "representative": {
            str(group): [r.statement for r in chosen]
            for group, chosen in analysis.representative.items()
        },
        "representative_details": {
            str(group): [
                {
                    "comment": r.statement,
                    "direction": r.direction,
                    "share": round(r.successes / r.trials, 4) if r.trials else None,
                    "repness": round(r.repness, 4),
                    "repness_z": round(r.repness_z, 4),
                    "probability_z": round(r.probability_z, 4),
                    "significant": r.significant,
                }
                for r in chosen
            ]
            for group, chosen in analysis.representative.items()
        },
        "coordinates": {
            p: [round(x, 6), round(y, 6)] for p, (x, y) in analysis.coordinates.items()
        },
        "polis": comparison(export, analysis),
    }


def as_text(export: PolisExport, analysis: OpinionAnalysis) -> str:
    """The analysis in plain Dutch, for a civil servant or researcher."""
    texts = {c.comment_id: c.body for c in export.comments}
    topic = " ".join(legible(export.summary.get("topic", "")).split())
    lines: list[str] = []
    if topic:
        lines.append(f"Gesprek: {shorten(topic, QUOTE)}")
    removed = len(export.moderated_out())
    lines.append(
        f"Stellingen: {number(len(analysis.statements))} meegeteld"
        + (f", {number(removed)} weggehaald door moderatie" if removed else "")
        + f". Stemmen: {number(analysis.votes)}."
    )
    lines.append(
        f"Deelnemers: {number(analysis.voters)} hebben gestemd; "
        f"{number(len(analysis.participants))} met genoeg stemmen zijn ingedeeld in groepen."
    )
    if not analysis.group_sizes:
        lines.append("Nog te weinig stemmen om groepen te vinden.")
        return "\n".join(lines) + "\n"
    sizes = ", ".join(
        f"groep {letter(g)} {number(size)}" for g, size in enumerate(analysis.group_sizes)
    )
    lines.append(f"Meningsgroepen: {analysis.group_count} ({sizes} deelnemers).")
    polis = comparison(export, analysis)
    if polis is not None:
        lines.append(
            f"Vergeleken met de groepen van Polis zelf ({polis['groups']} groepen): "
            f"overeenkomst (adjusted Rand index) {number(polis['adjusted_rand_index'], 2)} "
            f"over {number(polis['participants'])} deelnemers."
        )
    lines += ["", "Waar alle groepen het mee eens zijn:"]
    if analysis.consensus:
        for statement in analysis.consensus[:SHOWN]:
            lines.append(
                f"  #{statement} ({_agree_per_group(analysis.counts[statement])}): "
                f"{_quote(texts, statement)}"
            )
    else:
        lines.append("  Geen stelling waar in elke groep meer dan de helft het mee eens is.")
    lines += ["", "Waar de groepen het over oneens zijn:"]
    if analysis.divisive:
        for statement in analysis.divisive[:SHOWN]:
            lines.append(
                f"  #{statement} ({_agree_per_group(analysis.counts[statement])}): "
                f"{_quote(texts, statement)}"
            )
    else:
        lines.append("  Geen stelling waar de ene groep duidelijk voor is en een andere tegen.")
    for group, chosen in analysis.representative.items():
        lines += ["", f"Kenmerkend voor groep {letter(group)}:"]
        if not chosen:
            lines.append("  Geen stelling.")
        for r in chosen[:SHOWN]:
            word = "eens" if r.direction == "agree" else "oneens"
            others = [c for g, c in enumerate(analysis.counts[r.statement]) if g != group]
            others_yes = sum(c.agree if r.direction == "agree" else c.disagree for c in others)
            others_seen = sum(c.seen for c in others)
            lines.append(
                f"  #{r.statement} ({_share(r.successes, r.trials)} van groep {letter(group)} "
                f"{word}, {_share(others_yes, others_seen)} van de anderen): "
                f"{_quote(texts, r.statement)}"
            )
    return "\n".join(lines) + "\n"
