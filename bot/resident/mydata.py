"""The /mijngegevens document: everything held about one resident as JSON, and a few
plain lines that count what it holds. Presentation only: the data comes from
:func:`storage.privacy.resident_data`."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from flows.engine import answer_label
from flows.schema import END, Questionnaire, TextQuestion
from flows.texts import CATALOG, Html, Language, formats, raw, t
from storage import repo
from storage.privacy import ResidentData, StoredResponse


def _when(moment: datetime | None, zone: tzinfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def _answers(
    response: StoredResponse, questionnaire: Questionnaire | None, language: Language, zone: tzinfo
) -> list[dict[str, Any]]:
    """Answers along the resident's path (then any others), with question text and label."""
    index = {q.id: q for q in questionnaire.questions} if questionnaire else {}
    order = {qid: i for i, qid in enumerate(response.path)}
    ordered = sorted(
        response.answers, key=lambda a: (order.get(a.question_id, len(order)), a.answered_at)
    )
    out: list[dict[str, Any]] = []
    for answer in ordered:
        question = index.get(answer.question_id)
        entry: dict[str, Any] = {
            "question_id": answer.question_id,
            "question": question.text.get(language) if question else None,
            "type": question.type if question else None,
            "answer": (
                answer_label(question, answer.value, language)
                if question
                else (None if answer.value is None else str(answer.value))
            ),
            "value": answer.value,
            "answered_at": _when(answer.answered_at, zone),
        }
        if answer.moderation is not None:
            entry["moderation"] = answer.moderation
            if answer.moderation_reason:
                entry["moderation_reason"] = answer.moderation_reason
            if answer.moderated_at is not None:
                entry["moderated_at"] = _when(answer.moderated_at, zone)
        if answer.language is not None:
            entry["written_in"] = answer.language  # how digests and reports mark a quote
        out.append(entry)
    return out


def export_document(
    data: ResidentData,
    questionnaires: dict[tuple[str, int], Questionnaire | None],
    language: Language,
    *,
    zone: tzinfo,
    now: datetime,
    about: str,
) -> dict[str, Any]:
    """Everything held about one resident, as a JSON-ready document (their own chat id
    included: it is theirs). Times in the municipality's time zone, to the second."""
    responses = []
    for response in data.responses:
        questionnaire = questionnaires.get((response.questionnaire_id, response.version))
        responses.append(
            {
                "questionnaire": response.questionnaire_id,
                "title": questionnaire.title.get(language) if questionnaire else None,
                "version": response.version,
                "status": response.status,
                # Where the response stands, and options ticked but not yet sent.
                "current_question": None if response.current == END else response.current,
                "selection_not_sent": list(response.draft),
                "test": response.is_test,
                # Opened with an invitation code from a letter (which code is not kept).
                "with_invitation_code": response.sample,
                "started_at": _when(response.started_at, zone),
                "last_activity_at": _when(response.updated_at, zone),
                "completed_at": _when(response.completed_at, zone),
                "answers": _answers(response, questionnaire, language, zone),
            }
        )
    return {
        "about": about,
        "created_at": _when(now, zone),
        "resident": {
            "pseudonym": data.pseudonym,
            "language": data.language,
            "consent": data.consent,
            "consent_at": _when(data.consent_at, zone),
            "first_seen_at": _when(data.created_at, zone),
        },
        "contact": (
            {"chat_id": data.chat_id, "unreachable_since": _when(data.unreachable_at, zone)}
            if data.chat_id is not None
            else None
        ),
        "subscriptions": [
            {"kind": s.kind, "topic": s.topic, "since": _when(s.created_at, zone)}
            for s in data.subscriptions
        ],
        "responses": responses,
        "effect_check_answers": [
            {
                "questionnaire": e.questionnaire_id,
                "answer": e.value,
                "answered_at": _when(e.answered_at, zone),
            }
            for e in data.effect_answers
        ],
        "messages": [
            {
                "kind": m.kind,
                "questionnaire": m.questionnaire_id,
                "status": m.status,
                "attempts": m.attempts,
                "sent_at": _when(m.sent_at, zone),
                "error": m.error,
            }
            for m in data.messages
        ],
        "about_you": (
            {
                "age_band": data.profile.age_band,
                "wijk": data.profile.wijk,
                "postcode": data.profile.postcode,
                "declined": data.profile.declined,
                "updated_at": _when(data.profile.updated_at, zone),
            }
            if data.profile is not None
            else None
        ),
        "refused_admin_commands": [
            {"action": a.action, "at": _when(a.at, zone)} for a in data.refused_attempts
        ],
        "deliberation_votes": [
            {
                "deliberation": v.deliberation_id,
                "statement": v.statement,
                "vote": {1: "agree", -1: "disagree", 0: "pass"}.get(v.vote, v.vote),
                "voted_at": _when(v.voted_at, zone),
            }
            for v in data.votes
        ],
        "deliberation_statements": [
            {
                "deliberation": s.deliberation_id,
                "statement": s.statement,
                "text": s.text,
                "status": s.status,
                "anonymous": s.anonymised,
                "added_at": _when(s.created_at, zone),
                **({"written_in": s.language} if s.language else {}),
            }
            for s in data.statements
        ],
    }


def summary_text(
    data: ResidentData,
    questionnaires: dict[tuple[str, int], Questionnaire | None],
    language: Language,
    zone: tzinfo,
) -> Html:
    """A few B1 lines: what the JSON file holds, counted."""
    answers = [a for r in data.responses for a in r.answers if a.value is not None]
    texts = 0
    for response in data.responses:
        questionnaire = questionnaires.get((response.questionnaire_id, response.version))
        kinds = {q.id: q for q in questionnaire.questions} if questionnaire else {}
        texts += sum(
            1
            for a in response.answers
            if a.value is not None and isinstance(kinds.get(a.question_id), TextQuestion)
        )
    completed = sum(1 for r in data.responses if r.status == repo.COMPLETED)
    name_key = f"mydata.language.{data.language}"
    language_name = raw(language, name_key) if name_key in CATALOG else data.language
    lines = [
        t(language, "mydata.code", code=data.pseudonym[:12]),
        t(
            language,
            "mydata.language" if data.consent == "given" else "mydata.consent.refused",
            language=language_name,
            date=formats.date(data.consent_at, language, zone),
        ),
        t(language, "mydata.contact.yes" if data.chat_id is not None else "mydata.contact.no"),
        t(language, "mydata.responses", count=len(data.responses), completed=completed),
        t(language, "mydata.answers", count=len(answers), texts=texts),
        (
            t(language, "mydata.subscriptions", count=len(data.subscriptions))
            if data.subscriptions
            else t(language, "mydata.subscriptions.none")
        ),
    ]
    if data.effect_answers:
        lines.append(t(language, "mydata.effects", count=len(data.effect_answers)))
    if data.profile is not None and not data.profile.empty:
        unknown = raw(language, "profile.unknown")
        age = f"profile.age.{data.profile.age_band}"
        wijk = data.profile.wijk or data.profile.postcode
        lines.append(
            t(
                language,
                "mydata.profile",
                age=raw(language, age) if age in CATALOG else unknown,
                wijk=wijk or unknown,
            )
        )
    if data.votes or data.statements:
        lines.append(t(language, "mydata.stellingen.votes", count=len(data.votes)))
        lines.append(t(language, "mydata.stellingen.statements", count=len(data.statements)))
    return t(language, "mydata.summary", lines=Html("\n".join(lines)))
