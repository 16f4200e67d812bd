"""What administrators see: previews, /beheer, refusals. Presentation only.

Button data (at most 64 bytes; questionnaire ids have at most 40 characters, versions at
most 6 digits, see ``flows.lifecycle.MAX_VERSION``):

=========================  ==============================================================
``adm:l:<page>``           /beheer, one page of the list
``adm:q:<id>``             one questionnaire with its buttons
``adm:open:<id>``          open it
``adm:close?:<id>``        ask to confirm closing; ``adm:close:<id>`` closes
``adm:archive?:<id>``      ask to confirm archiving; ``adm:archive:<id>`` archives
``adm:export:<id>``        send the CSV and Excel files
``adm:draft:<id>:<v>``     show the preview of a draft again
``adm:test:<id>:<v>:<m>``  take the questionnaire as a test
``adm:pub:<id>:<v>:<m>``   publish the draft
``adm:del:<id>:<v>:<m>``   cancel: throw the draft away
=========================  ==============================================================

``<m>``: the first 6 characters of the checksum of the file the preview showed (at most
10 + 40 + 1 + 6 + 1 + 6 = 64 bytes).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from flows import lifecycle
from flows.lifecycle import Refused, availability
from flows.loader import Problem
from flows.machine import Flow
from flows.schema import END, Condition, Questionnaire, Rule
from flows.texts import Html, Language, escape, formats, raw, t
from storage.admin import QuestionnaireState

PREFIX = "adm"
PAGE_SIZE = 6
MAX_TEXT = 4000  # of Telegram's 4096, with room to spare

Keyboard = InlineKeyboardMarkup


def _button(language: Language, key: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(raw(language, key), callback_data=f"{PREFIX}:{data}")


def when(moment: datetime | None, zone: tzinfo, language: Language) -> str:
    """``1 dec 2026 09:00`` in the municipality's time zone; a dash for nothing."""
    if moment is None:
        return raw(language, "admin.detail.none")
    local = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    local = local.astimezone(zone)
    return f"{formats.day(local, zone)} {local:%H:%M}"


# --- uploads ----------------------------------------------------------------------------------


def problems_messages(file: str, problems: Sequence[Problem], language: Language) -> list[Html]:
    """Every problem with its line and field, in as many messages as it takes (each within
    Telegram's 4096 characters); the first says that nothing was stored."""
    lines = [_problem_line(problem, language) for problem in problems]
    messages: list[Html] = []
    chunk: list[str] = []

    def flush() -> None:
        key = "admin.upload.invalid" if not messages else "admin.upload.invalid.more"
        messages.append(t(language, key, file=file, problems=Html("\n".join(chunk))))

    for line in lines:
        key = "admin.upload.invalid" if not messages else "admin.upload.invalid.more"
        head = len(t(language, key, file=file, problems=""))
        if chunk and head + sum(len(x) + 1 for x in chunk) + len(line) > MAX_TEXT:
            flush()
            chunk = []
        chunk.append(line)
    flush()
    return messages


MAX_PROBLEM_CHARS = 600  # of one problem's message; a field is shortened to 200


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _problem_line(problem: Problem, language: Language) -> Html:
    message, field = _short(problem.message, MAX_PROBLEM_CHARS), _short(problem.field, 200)
    if problem.line and field:
        key, params = "admin.upload.problem", {"line": problem.line, "field": field}
    elif field:
        key, params = "admin.upload.problem.field", {"field": field}
    elif problem.line:
        key, params = "admin.upload.problem.line", {"line": problem.line}
    else:
        key, params = "admin.upload.problem.plain", {}
    return t(language, key, message=message, **params)


def refused_text(refusal: Refused, language: Language, zone: tzinfo) -> Html:
    params: dict[str, object] = {"id": "", "version": "", "live": "", "max": "", "date": ""}
    params.update(refusal.params)
    params["id"] = params.pop("questionnaire", params["id"])
    for moment in ("closes_at", "opens_at"):
        if moment in params:
            params["date"] = when(cast(datetime, params.pop(moment)), zone, language)
    return t(language, f"admin.refused.{refusal.code}", **params)


def _condition(condition: Condition) -> str:
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
) -> Html:
    """Title, theme, questions and their types, branches, open and close dates."""
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
        warning=t(language, warning[state]) if state in warning else "",
    )
    # Every part but the branches is short; the branches get what is left of one message.
    budget = MAX_TEXT - len(t(language, "admin.preview", branches="", **params))
    return t(
        language, "admin.preview", branches=_branches(questionnaire, language, budget), **params
    )


MARK = re.compile(r"[0-9a-f]{6}")  # the start of a checksum: see preview_keyboard


def preview_keyboard(
    questionnaire_id: str, version: int, checksum: str, language: Language
) -> Keyboard:
    """Zelf testen, Publiceren, Annuleren: bound to the file previewed (the start of its
    checksum), so that a button of an older preview never acts on a newer file sent with
    the same version number."""
    key = f"{questionnaire_id}:{version}:{checksum[:6]}"
    return InlineKeyboardMarkup(
        [
            [
                _button(language, "admin.button.test", f"test:{key}"),
                _button(language, "admin.button.publish", f"pub:{key}"),
            ],
            [_button(language, "admin.button.cancel", f"del:{key}")],
        ]
    )


# --- /beheer --------------------------------------------------------------------------------


def _flow_of(state: QuestionnaireState, flows: dict[str, Flow]) -> Flow | None:
    return flows.get(state.id)


def title_of(state: QuestionnaireState, flow: Flow | None, language: Language) -> str:
    return flow.questionnaire.title.get(language) if flow else state.id


def status_text(state: QuestionnaireState, flow: Flow | None, language: Language) -> str:
    if state.status == lifecycle.DRAFT and state.published:
        return raw(language, "admin.status.scheduled")
    return raw(language, f"admin.status.{state.status}")


def list_view(
    states: Sequence[QuestionnaireState],
    flows: dict[str, Flow],
    page: int,
    language: Language,
) -> tuple[Html, Keyboard | None]:
    if not states:
        return t(language, "admin.list.empty"), None
    pages = (len(states) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    shown = states[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    items = []
    rows: list[list[InlineKeyboardButton]] = []
    for state in shown:
        flow = _flow_of(state, flows)
        title = title_of(state, flow, language)
        items.append(
            t(
                language,
                "admin.list.item",
                title=title,
                status=status_text(state, flow, language),
                id=state.id,
                version=state.current_version,
                done=state.completed,
                busy=state.in_progress,
            )
        )
        rows.append([InlineKeyboardButton(title, callback_data=f"{PREFIX}:q:{state.id}")])
    navigation = []
    if page > 0:
        navigation.append(_button(language, "admin.button.previous", f"l:{page - 1}"))
    if page + 1 < pages:
        navigation.append(_button(language, "admin.button.next", f"l:{page + 1}"))
    if navigation:
        rows.append(navigation)
    numbering = t(language, "admin.list.pages", page=page + 1, count=pages) if pages > 1 else ""
    text = t(language, "admin.list", pages=numbering, items=Html("\n\n".join(items)))
    return text, InlineKeyboardMarkup(rows)


def page_of(states: Sequence[QuestionnaireState], questionnaire_id: str) -> int:
    for index, state in enumerate(states):
        if state.id == questionnaire_id:
            return index // PAGE_SIZE
    return 0


def actions(state: QuestionnaireState) -> tuple[str, ...]:
    """What /beheer offers for a questionnaire: a scheduled one (published, status draft)
    opens by itself on its opens_at, so it is not opened by hand."""
    if not state.published:
        return ()
    return {
        lifecycle.DRAFT: ("close", "archive"),
        lifecycle.OPEN: ("close",),
        lifecycle.CLOSED: ("open", "archive"),
    }.get(state.status, ())


def detail_view(
    state: QuestionnaireState,
    flow: Flow | None,
    *,
    page: int,
    zone: tzinfo,
    language: Language,
) -> tuple[Html, Keyboard]:
    questionnaire = flow.questionnaire if flow else None
    draft = (
        t(language, "admin.detail.draft", version=state.draft_version)
        if state.draft_version is not None
        else ""
    )
    text = t(
        language,
        "admin.detail",
        title=title_of(state, flow, language),
        id=state.id,
        version=state.current_version,
        status=status_text(state, flow, language),
        opens=when(questionnaire.opens_at if questionnaire else None, zone, language),
        closes=when(questionnaire.closes_at if questionnaire else None, zone, language),
        opened=when(state.opened_at, zone, language),
        closed=when(state.closed_at, zone, language),
        done=state.completed,
        busy=state.in_progress,
        draft=draft,
    )
    qid = state.id
    # Closing and archiving ask to confirm first (``close?``); opening does not.
    first = {"open": "open", "close": "close?", "archive": "archive?"}
    buttons = [
        _button(language, f"admin.button.{action}", f"{first[action]}:{qid}")
        for action in actions(state)
    ]
    rows = [buttons] if buttons else []
    more: list[InlineKeyboardButton] = []
    if state.draft_version is not None:
        more.append(_button(language, "admin.button.draft", f"draft:{qid}:{state.draft_version}"))
    if state.published:
        more.append(_button(language, "admin.button.export", f"export:{qid}"))
    if more:
        rows.append(more)
    rows.append([_button(language, "admin.button.back", f"l:{page}")])
    return text, InlineKeyboardMarkup(rows)


def confirm_view(
    action: str, questionnaire_id: str, title: str, language: Language
) -> tuple[Html, Keyboard]:
    text = t(language, f"admin.confirm.{action}", title=title)
    keyboard = InlineKeyboardMarkup(
        [
            [
                _button(language, f"admin.button.yes.{action}", f"{action}:{questionnaire_id}"),
                _button(language, "admin.button.no", f"q:{questionnaire_id}"),
            ]
        ]
    )
    return text, keyboard


MAX_IDS_CHARS = 3000


def ids_text(flows: Sequence[Flow], language: Language) -> Html:
    """``id – title`` per questionnaire, as many as fit in a message with room to spare."""
    lines: list[str] = []
    questionnaires = [f.questionnaire for f in flows]
    for index, q in enumerate(questionnaires):
        line = f"<code>{escape(q.id)}</code> – {escape(q.title.get(language))}"
        more = t(language, "admin.more", count=len(questionnaires) - index)
        if sum(len(x) + 1 for x in lines) + len(line) + len(more) > MAX_IDS_CHARS:
            lines.append(more)
            break
        lines.append(line)
    return Html("\n".join(lines))
