"""What an administrator sees of an upload: every problem of an invalid file, or the preview
of a valid one (title, theme, questions by type, branches, dates) with its buttons.
Presentation only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from bot.admin.buttons import Cancel, Publish, TryDraft
from bot.admin.views import when
from bot.core.keyboards import Keyboard, button
from flows import b1
from flows.lifecycle import availability
from flows.limits import MESSAGE_CHARS, MESSAGE_MARGIN
from flows.loader import Problem, warnings
from flows.schema import END, AllOf, AnyOf, AnyWhen, Condition, NotOf, Questionnaire, Rule
from flows.texts import Html, Language, escape, raw, t

MAX_PROBLEM_CHARS = 600  # of one problem's message
MAX_FIELD_CHARS = 200  # of the field it names


def problems_messages(file: str, problems: Sequence[Problem], language: Language) -> list[Html]:
    """Every problem with its line and field, in as many messages as it takes (each within
    Telegram's limit, with room to spare); the first says that nothing was stored."""
    lines = [_problem_line(problem, language) for problem in problems]
    messages: list[Html] = []
    chunk: list[str] = []

    def flush() -> None:
        key = "admin.upload.invalid" if not messages else "admin.upload.invalid.more"
        messages.append(t(language, key, file=file, problems=Html("\n".join(chunk))))

    for line in lines:
        key = "admin.upload.invalid" if not messages else "admin.upload.invalid.more"
        head = len(t(language, key, file=file, problems=""))
        if (
            chunk
            and head + sum(len(x) + 1 for x in chunk) + len(line) > MESSAGE_CHARS - MESSAGE_MARGIN
        ):
            flush()
            chunk = []
        chunk.append(line)
    flush()
    return messages


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _problem_line(problem: Problem, language: Language) -> Html:
    """One problem in the administrator's language, with its line and field."""
    message, field = (
        _short(problem.said(language), MAX_PROBLEM_CHARS),
        _short(problem.field, MAX_FIELD_CHARS),
    )
    if problem.line and field:
        key, params = "admin.upload.problem", {"line": problem.line, "field": field}
    elif field:
        key, params = "admin.upload.problem.field", {"field": field}
    elif problem.line:
        key, params = "admin.upload.problem.line", {"line": problem.line}
    else:
        key, params = "admin.upload.problem.plain", {}
    return t(language, key, message=message, **params)


def _warning_line(problem: Problem, language: Language) -> Html:
    """A warning under the dates: one line, like the closed/not-yet warnings."""
    message = _short(problem.message.text(language), MAX_PROBLEM_CHARS)
    return Html("\n⚠️ " + escape(message[:1].upper() + message[1:]))


def _condition(when: AnyWhen) -> str:
    """A condition as the file says it, short: ``all``/``any`` joined, ``not`` in front."""
    match when:
        case AllOf():
            return "(" + " & ".join(_condition(c) for c in when.all) + ")"
        case AnyOf():
            return "(" + " | ".join(_condition(c) for c in when.any) + ")"
        case NotOf():
            return f"not {_condition(when.negated)}"
    return _single(when)


def _single(condition: Condition) -> str:
    q = condition.question
    if condition.equals is not None:
        return f"{q} = {condition.equals}"
    if condition.one_of is not None:
        return f"{q} in ({', '.join(str(v) for v in condition.one_of)})"
    if condition.at_least is not None and condition.at_most is not None:
        return f"{condition.at_least:g} ≤ {q} ≤ {condition.at_most:g}"
    if condition.at_least is not None:
        return f"{q} ≥ {condition.at_least:g}"
    return f"{q} ≤ {condition.at_most:g}"


#: The B1 check's part of a preview: its lines stop here, with "… and N more".
MAX_B1_CHARS = 1200
MAX_B1_PART_CHARS = 400  # of one part's line


def _b1(parts: Sequence[b1.Part], language: Language) -> Html:
    """The parts whose Dutch could be simpler, one line each, as many as fit in
    :data:`MAX_B1_CHARS`; nothing when every part reads easily."""
    warned = [part for part in parts if part.warns]
    if not warned:
        return Html("")
    lines: list[str] = [t(language, "admin.preview.b1", count=len(warned))]
    for index, part in enumerate(warned):
        findings = Html(_short_html(b1.findings(part, language), MAX_B1_PART_CHARS))
        line = t(language, "admin.preview.b1.part", name=part.name, findings=findings)
        more = t(language, "admin.more", count=len(warned) - index)
        if sum(len(x) + 1 for x in lines) + len(line) + len(more) > MAX_B1_CHARS:
            lines.append(more)
            break
        lines.append(line)
    return Html("\n".join(lines))


def _short_html(text: Html, limit: int) -> str:
    """``text`` (tags-free HTML with escaped entities) cut at ``limit`` characters without
    splitting an entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp > cut.rfind(";"):
        cut = cut[:amp]
    return cut + "…"


MAX_BRANCH_CHARS = 500  # one question's rules; longer ones are summed up in a count


def _targets(rules: Sequence[Rule], language: Language) -> list[str]:
    return [raw(language, "admin.preview.branch.end") if r.goto == END else r.goto for r in rules]


def _branches(questionnaire: Questionnaire, language: Language, budget: int) -> Html:
    """One line per question that branches, as many as fit in ``budget`` characters."""
    lines: list[Html] = []
    for question in questionnaire.questions:
        rules = question.rules()
        if not any(rule.when for rule in rules):
            continue
        parts = []
        for rule in rules:
            goto = raw(language, "admin.preview.branch.end") if rule.goto == END else rule.goto
            if rule.when is None:
                parts.append(t(language, "admin.preview.branch.otherwise", goto=goto))
            else:
                condition = _condition(rule.when)
                parts.append(
                    t(language, "admin.preview.branch.rule", goto=goto, condition=condition)
                )
        line = t(
            language, "admin.preview.branch", question=question.id, rules=Html("; ".join(parts))
        )
        if len(line) > MAX_BRANCH_CHARS:  # many long conditions: where they lead
            targets = list(dict.fromkeys(str(part) for part in _targets(rules, language)))
            line = t(
                language,
                "admin.preview.branch.many",
                question=question.id,
                count=len(rules),
                targets=", ".join(targets),
            )
            if len(line) > MAX_BRANCH_CHARS:
                line = t(
                    language, "admin.preview.branch.count", question=question.id, count=len(rules)
                )
        lines.append(line)
    if not lines:
        return Html(escape(raw(language, "admin.preview.branches.none")))
    shown: list[str] = [str(len(lines))]
    for index, line in enumerate(lines):
        more = t(language, "admin.more", count=len(lines) - index)
        if sum(len(x) + 1 for x in shown) + len(line) + len(more) + 1 > budget:
            shown.append(more)
            break
        shown.append(line)
    return Html("\n".join(shown))


def preview_text(
    questionnaire: Questionnaire,
    *,
    live_version: int | None,
    replaced: bool,
    now: datetime,
    zone: tzinfo,
    language: Language,
    b1_parts: Sequence[b1.Part] | None = None,
) -> Html:
    """Title, theme, questions and their types, branches, open and close dates, warnings
    and what the B1 check found in the Dutch (``b1_parts``, computed when not given:
    :mod:`flows.b1`)."""
    if b1_parts is None:
        b1_parts = b1.report(questionnaire)
    qid, version = questionnaire.id, questionnaire.version
    if live_version is None:
        what = t(language, "admin.preview.new", id=qid, version=version)
    else:
        what = t(language, "admin.preview.update", id=qid, version=version, live=live_version)
    if replaced:
        what = Html(f"{what} {t(language, 'admin.preview.replaced')}")
    counts: dict[str, int] = {}
    for question in questionnaire.questions:
        counts[question.type] = counts.get(question.type, 0) + 1
    types = ", ".join(f"{n}× {raw(language, f'admin.type.{kind}')}" for kind, n in counts.items())
    state = availability(questionnaire, now, zone)
    warning = {
        "closed": "admin.preview.warning.closed",
        "not_yet": "admin.preview.warning.not_yet",
    }
    params: dict[str, object] = dict(
        title=questionnaire.title.get(language),
        what=what,
        theme=questionnaire.theme.get(language),
        count=len(questionnaire.questions),
        types=types,
        opens=(
            when(questionnaire.opens_at, zone, language)
            if questionnaire.opens_at
            else raw(language, "admin.preview.opens.now")
        ),
        closes=(
            when(questionnaire.closes_at, zone, language)
            if questionnaire.closes_at
            else raw(language, "admin.preview.closes.never")
        ),
        warning=Html(
            "".join(
                [
                    t(language, warning[state]) if state in warning else "",
                    *(_warning_line(w, language) for w in warnings(questionnaire, "")),
                    _b1(b1_parts, language),
                ]
            )
        ),
    )
    # Every part but the branches is short; the branches get what is left of one message.
    budget = (
        MESSAGE_CHARS - MESSAGE_MARGIN - len(t(language, "admin.preview", branches="", **params))
    )
    return t(
        language, "admin.preview", branches=_branches(questionnaire, language, budget), **params
    )


def preview_keyboard(
    questionnaire_id: str, version: int, checksum: str, language: Language
) -> Keyboard:
    """Zelf testen, Publiceren, Annuleren: bound to the file previewed (the start of its
    checksum), so that a button of an older preview never acts on a newer file sent with
    the same version number."""
    key = (questionnaire_id, version, checksum)
    return Keyboard(
        [
            [
                button(raw(language, "admin.button.test"), TryDraft.of(*key)),
                button(raw(language, "admin.button.publish"), Publish.of(*key)),
            ],
            [button(raw(language, "admin.button.cancel"), Cancel.of(*key))],
        ]
    )
