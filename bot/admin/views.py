"""What administrators see in /beheer: the list of questionnaires, one questionnaire with its
buttons, the confirmations, and why a request was refused. Presentation only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from typing import cast

from telegram import InlineKeyboardButton

from bot.admin.buttons import CHANGES, FIRST, Detail, Export, ListPage, ShowDraft
from bot.core.keyboards import Keyboard, button
from flows import lifecycle
from flows.lifecycle import Refused
from flows.machine import Flow
from flows.texts import Html, Language, escape, formats, raw, t
from storage.admin import QuestionnaireState

PAGE_SIZE = 6
#: The list of questionnaire ids under /export: room for the rest of the message.
MAX_IDS_CHARS = 3000

Screen = tuple[Html, Keyboard | None]


def when(moment: datetime | None, zone: tzinfo, language: Language) -> str:
    """``1 dec 2026 09:00`` in the municipality's time zone; a dash for nothing."""
    local = lifecycle.aware(moment, zone)
    if local is None:
        return raw(language, "admin.detail.none")
    local = local.astimezone(zone)
    return f"{formats.day(local, zone)} {local:%H:%M}"


def refused_text(refusal: Refused, language: Language, zone: tzinfo) -> Html:
    """Why a request was refused, with the questionnaire, versions and dates it names."""
    params: dict[str, object] = {"id": "", "version": "", "live": "", "max": "", "date": ""}
    params.update(refusal.params)
    params["id"] = params.pop("questionnaire", params["id"])
    for moment in ("closes_at", "opens_at"):
        if moment in params:
            params["date"] = when(cast(datetime, params.pop(moment)), zone, language)
    return t(language, f"admin.refused.{refusal.code}", **params)


def title_of(state: QuestionnaireState, flow: Flow | None, language: Language) -> str:
    return flow.questionnaire.title.get(language) if flow else state.id


def status_text(state: QuestionnaireState, language: Language) -> str:
    if state.status == lifecycle.DRAFT and state.published:
        return raw(language, "admin.status.scheduled")
    return raw(language, f"admin.status.{state.status}")


def list_view(
    states: Sequence[QuestionnaireState],
    flows: Mapping[str, Flow],
    page: int,
    language: Language,
) -> Screen:
    """One page of every questionnaire with its status and responses, a button each."""
    if not states:
        return t(language, "admin.list.empty"), None
    pages = (len(states) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(max(page, 0), pages - 1)
    items = []
    rows: list[list[InlineKeyboardButton]] = []
    for state in states[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        title = title_of(state, flows.get(state.id), language)
        items.append(
            t(
                language,
                "admin.list.item",
                title=title,
                status=status_text(state, language),
                id=state.id,
                version=state.current_version,
                done=state.completed,
                busy=state.in_progress,
            )
        )
        rows.append([button(title, Detail(state.id))])
    navigation = []
    if page > 0:
        navigation.append(button(raw(language, "admin.button.previous"), ListPage.of(page - 1)))
    if page + 1 < pages:
        navigation.append(button(raw(language, "admin.button.next"), ListPage.of(page + 1)))
    if navigation:
        rows.append(navigation)
    numbering = t(language, "admin.list.pages", page=page + 1, count=pages) if pages > 1 else ""
    text = t(language, "admin.list", pages=numbering, items=Html("\n\n".join(items)))
    return text, Keyboard(rows)


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
) -> Screen:
    """One questionnaire: status, dates, responses; the actions its status allows, a draft
    waiting, the export, and back to the list (on the page it is on)."""
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
        status=status_text(state, language),
        opens=when(questionnaire.opens_at if questionnaire else None, zone, language),
        closes=when(questionnaire.closes_at if questionnaire else None, zone, language),
        opened=when(state.opened_at, zone, language),
        closed=when(state.closed_at, zone, language),
        done=state.completed,
        busy=state.in_progress,
        draft=draft,
    )
    qid = state.id
    buttons = [
        button(raw(language, f"admin.button.{action}"), FIRST[action](qid))
        for action in lifecycle.offered(state.status, published=state.published)
    ]
    rows = [buttons] if buttons else []
    more: list[InlineKeyboardButton] = []
    if state.draft_version is not None:
        more.append(
            button(raw(language, "admin.button.draft"), ShowDraft.of(qid, state.draft_version))
        )
    if state.published:
        more.append(button(raw(language, "admin.button.export"), Export(qid)))
    if more:
        rows.append(more)
    rows.append([button(raw(language, "admin.button.back"), ListPage.of(page))])
    return text, Keyboard(rows)


def confirm_view(action: str, questionnaire_id: str, title: str, language: Language) -> Screen:
    """Really close (or archive)? Yes carries it out; No goes back to the questionnaire."""
    text = t(language, f"admin.confirm.{action}", title=title)
    keyboard = Keyboard(
        [
            [
                button(
                    raw(language, f"admin.button.yes.{action}"), CHANGES[action](questionnaire_id)
                ),
                button(raw(language, "admin.button.no"), Detail(questionnaire_id)),
            ]
        ]
    )
    return text, keyboard


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
