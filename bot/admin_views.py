"""What administrators see: previews, /beheer, refusals. Presentation only.

Button data (at most 64 bytes; questionnaire ids have at most 40 characters, versions at
most 6 digits, see ``storage.admin.MAX_VERSION``):

=========================  ==============================================================
``adm:l:<page>``           /beheer, one page of the list
``adm:q:<id>``             one questionnaire with its buttons
``adm:open:<id>``          open it
``adm:close?:<id>``        ask to confirm closing; ``adm:close:<id>`` closes
``adm:archive?:<id>``      ask to confirm archiving; ``adm:archive:<id>`` archives
``adm:export:<id>``        send the CSV and Excel files
``adm:draft:<id>:<v>``     show the preview of a draft again
``adm:test:<id>:<v>``      take the questionnaire as a test
``adm:pub:<id>:<v>``       publish the draft
``adm:del:<id>:<v>``       cancel: throw the draft away
=========================  ==============================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from flows import digest
from flows.engine import availability
from flows.loader import Problem
from flows.machine import Flow
from flows.schema import END, Condition, Questionnaire
from flows.texts import Html, Language, escape, raw, t
from storage import admin as store
from storage.admin import QuestionnaireState, Refused

PREFIX = "adm"
PAGE_SIZE = 6
MAX_TEXT = 4000  # of Telegram's 4096, with room to spare
MAX_BRANCHES = 12

Keyboard = InlineKeyboardMarkup


def _button(language: Language, key: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(raw(language, key), callback_data=f"{PREFIX}:{data}")


def when(moment: datetime | None, zone: tzinfo, language: Language) -> str:
    """``1 dec 2026 09:00`` in the municipality's time zone; a dash for nothing."""
    if moment is None:
        return raw(language, "admin.detail.none")
    local = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    local = local.astimezone(zone)
    return f"{digest.day(local, zone)} {local:%H:%M}"


# --- uploads ----------------------------------------------------------------------------------


def problems_text(file: str, problems: Sequence[Problem], language: Language) -> Html:
    """Every problem with its line and field, as many as fit in one message."""
    lines: list[str] = []
    budget = MAX_TEXT - len(t(language, "admin.upload.invalid", file=file, problems=""))
    for index, problem in enumerate(problems):
        if problem.line and problem.field:
            key, params = "admin.upload.problem", {"line": problem.line, "field": problem.field}
        elif problem.field:
            key, params = "admin.upload.problem.field", {"field": problem.field}
        elif problem.line:
            key, params = "admin.upload.problem.line", {"line": problem.line}
        else:
            key, params = "admin.upload.problem.plain", {}
        line = t(language, key, message=problem.message, **params)
        more = t(language, "admin.upload.more", count=len(problems) - index)
        if sum(len(x) + 1 for x in lines) + len(line) + len(more) + 2 > budget:
            lines.append(more)
            break
        lines.append(line)
    return t(language, "admin.upload.invalid", file=file, problems=Html("\n".join(lines)))


def refused_text(refusal: Refused, language: Language, zone: tzinfo) -> Html:
    params: dict[str, object] = {"id": "", "version": "", "live": "", "max": "", "date": ""}
    params.update(refusal.params)
    params["id"] = params.pop("questionnaire", params["id"])
    if "closes_at" in params:
        params["date"] = when(cast(datetime, params.pop("closes_at")), zone, language)
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


def _branches(questionnaire: Questionnaire, language: Language) -> str:
    lines: list[str] = []
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
        lines.append(
            t(language, "admin.preview.branch", question=question.id, rules=Html("; ".join(parts)))
        )
    if not lines:
        return raw(language, "admin.preview.branches.none")
    shown = lines[:MAX_BRANCHES]
    if len(lines) > MAX_BRANCHES:
        shown.append(t(language, "admin.upload.more", count=len(lines) - MAX_BRANCHES))
    return f"{len(lines)}\n" + "\n".join(shown)


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
    types = ", ".join(f"{n} {raw(language, f'admin.type.{kind}')}" for kind, n in counts.items())
    state = availability(questionnaire, now, zone)
    warning = {
        "closed": "admin.preview.warning.closed",
        "not_yet": "admin.preview.warning.not_yet",
    }
    text = t(
        language,
        "admin.preview",
        title=questionnaire.title.get(language),
        what=what,
        theme=questionnaire.theme.get(language),
        count=len(questionnaire.questions),
        types=types,
        branches=Html(_branches(questionnaire, language)),
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
    return text


def preview_keyboard(questionnaire_id: str, version: int, language: Language) -> Keyboard:
    key = f"{questionnaire_id}:{version}"
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
    if state.status == store.DRAFT and state.published:
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
    actions: list[InlineKeyboardButton] = []
    if state.published:
        if state.status in (store.DRAFT, store.CLOSED):
            actions.append(_button(language, "admin.button.open", f"open:{qid}"))
        if state.status in (store.DRAFT, store.OPEN):
            actions.append(_button(language, "admin.button.close", f"close?:{qid}"))
        if state.status in (store.DRAFT, store.CLOSED):
            actions.append(_button(language, "admin.button.archive", f"archive?:{qid}"))
    rows = [actions] if actions else []
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


def ids_text(flows: Sequence[Flow], language: Language) -> Html:
    lines = [
        f"<code>{escape(q.id)}</code> – {escape(q.title.get(language))}"
        for q in (f.questionnaire for f in flows)
    ]
    return Html("\n".join(lines))
