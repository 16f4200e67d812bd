# Over 500 lines on purpose: the whole schema in one place, so that a reader (and Alembic) sees
# every table, key and constraint together.
"""The database schema. Alembic migrations in ``storage/migrations`` create it.

Privacy by design: residents are known by a pseudonym (a keyed hash of their Telegram id);
the chat id needed to message them lives in ``contacts``, apart from their answers, and
no table holds names or usernames.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


#: A web door resident's pseudonym starts with this (a Telegram one is 64 hex digits).
WEB_PREFIX = "web-"
#: The doors a resident can come in through, as ``residents.channel``, exports and reports
#: name them.
TELEGRAM, WEB = "telegram", "web"


def channel_of(pseudonym: str) -> str:
    """The door a pseudonym came in through (read from its prefix, :data:`WEB_PREFIX`)."""
    return WEB if pseudonym.startswith(WEB_PREFIX) else TELEGRAM


def _channel(context: Any) -> str:
    """A new resident's door, from the pseudonym it is inserted with."""
    return channel_of(str(context.get_current_parameters()["pseudonym"]))


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend. SQLite keeps no zone: it would store an aware
    value's wall-clock time as is and hand back naive values, so convert both ways."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
    }


class Resident(Base):
    """Someone who answered the consent question. No name, no Telegram id."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    consent: Mapped[str] = mapped_column(String(10))  # "given" or "refused"
    consent_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The door they came through (TELEGRAM, WEB): what digests and exports count per door.
    channel: Mapped[str] = mapped_column(String(16), default=_channel, server_default=TELEGRAM)


class Contact(Base):
    """How to reach a resident on their door (``channel``): their private chat id, kept
    apart from the answers. Only a door that can reach someone unasked has contacts."""

    __tablename__ = "contacts"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(16), default=TELEGRAM, server_default=TELEGRAM)
    # Set when Telegram answered 403 (the resident blocked the bot): never retried.
    unreachable_at: Mapped[datetime | None] = mapped_column(default=None)


class Subscription(Base):
    """What a resident opted in to: ``outcomes`` of a questionnaire (topic: its id), or
    ``invitations`` to new questionnaires on a theme (topic: the theme slug)."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint("kind IN ('outcomes', 'invitations')", name="kind"),
        UniqueConstraint("resident_id", "kind", "topic"),
        Index("ix_subscriptions_kind_topic", "kind", "topic"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    topic: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuestionnaireRecord(Base):
    """A questionnaire and its lifecycle; its versions are in ``questionnaire_versions``."""

    __tablename__ = "questionnaires"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # The published version new sessions start on.
    current_version: Mapped[int] = mapped_column(Integer)
    # draft, open, closed, archived
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When it last opened / closed (retention counts from ``closed_at``).
    opened_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Outcome status shown to residents: ontvangen, in_behandeling, besluit, uitgevoerd.
    outcome_status: Mapped[str] = mapped_column(String(16), default="ontvangen")


class QuestionnaireVersion(Base):
    """One published version, with its YAML source, so old sessions keep working."""

    __tablename__ = "questionnaire_versions"

    questionnaire_id: Mapped[str] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # NULL while the version is an uploaded draft being previewed or tested.
    published_at: Mapped[datetime | None] = mapped_column(default=None)
    # Telegram user id of the administrator who uploaded it; NULL when seeded or via the CLI.
    uploaded_by: Mapped[int | None] = mapped_column(BigInteger, default=None)


class Session(Base):
    """One response: a resident's way through one questionnaire version."""

    __tablename__ = "sessions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["questionnaire_id", "questionnaire_version"],
            ["questionnaire_versions.questionnaire_id", "questionnaire_versions.version"],
            name="fk_sessions_questionnaire_versions",
        ),
        # At most one questionnaire in progress per resident.
        Index(
            "uq_sessions_one_active",
            "resident_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_sessions_questionnaire_status", "questionnaire_id", "status"),
        Index("ix_sessions_status_updated", "status", "updated_at"),
        # A resident's responses to a questionnaire (also: every session of a resident), as
        # storage.repo.superseded asks for each unfinished response.
        Index("ix_sessions_resident_questionnaire", "resident_id", "questionnaire_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL")
    )
    questionnaire_id: Mapped[str] = mapped_column(String(40))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    # active, paused (after /stop), completed, expired, replaced (by a revision)
    status: Mapped[str] = mapped_column(String(10), default="active")
    current: Mapped[str] = mapped_column(String(64))
    path: Mapped[list[str]] = mapped_column(JSON, default=list)
    draft: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_test: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    # Opened with an invitation code of the questionnaire's random sample (storage.codes);
    # which code is not kept, so a response cannot be traced back to a letter's address.
    sample: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class Answer(Base):
    """One accepted answer. ``value`` is null when the resident skipped the question."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("session_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Free text only (NULL otherwise): pending, approved or rejected. Only approved text
    # is quoted in digests; every text counts in the numbers.
    moderation: Mapped[str | None] = mapped_column(String(10), default=None, index=True)
    # personal_data, offensive, off_topic, spam (when rejected)
    moderation_reason: Mapped[str | None] = mapped_column(String(16), default=None)
    moderated_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    moderated_at: Mapped[datetime | None] = mapped_column(default=None)
    # Given on a branch the resident later left by going back and answering otherwise (an
    # unfinished response; a finished one loses such answers): kept to show again if they
    # return to that branch, never counted in digests (flows.engine.Outcome.branch).
    off_branch: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    # Free text only: the language the resident wrote in (their language when they answered),
    # so digests and reports can quote it as written and say which language it is. NULL for
    # other answers and for texts given before it was kept (then the resident's language).
    language: Mapped[str | None] = mapped_column(String(16), default=None)


class SampleCode(Base):
    """One invitation code of a questionnaire's random sample (a letter to an address).

    Only the code's keyed hash is kept (``flows.codes.code_digest``), never the code; and
    not which response it opened: ``used`` says only that it was used, once.
    """

    __tablename__ = "sample_codes"
    __table_args__ = (Index("ix_sample_codes_questionnaire_used", "questionnaire_id", "used"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire_id: Mapped[str] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # After this moment the code no longer opens the questionnaire (NULL: while it is open).
    expires_at: Mapped[datetime | None] = mapped_column(default=None)


class Digest(Base):
    """A digest sent to the civil servants' group, with the figures it showed.

    ``questionnaire_id`` is NULL for the scheduled digest of all questionnaires. ``figures``
    holds, per questionnaire id, the numbers the next digest compares against (scale means,
    dimension scores, response counts): ``{"<questionnaire id>": {...}}``. No resident data.
    """

    __tablename__ = "digests"
    __table_args__ = (
        CheckConstraint("kind IN ('scheduled', 'on_demand', 'final')", name="kind"),
        Index("ix_digests_kind_sent", "kind", "sent_at"),
        Index("ix_digests_questionnaire_sent", "questionnaire_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    questionnaire_id: Mapped[str | None] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(10))  # scheduled, on_demand, final
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Outcome(Base):
    """What the municipality did with a questionnaire's results, told to participants."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A questionnaire's id or a deliberation's (ids are never shared between the two).
    questionnaire_id: Mapped[str] = mapped_column(String(40), index=True)
    # ontvangen, in_behandeling, besluit, uitgevoerd
    status: Mapped[str] = mapped_column(String(16))
    message_nl: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WaitingOutcome(Base):
    """An outcome a resident who cannot be reached unasked (the web door) opted in to: shown
    on their chat page the next time they open it, then deleted (the outbox's message is
    Telegram's equivalent). Nothing but the two links: the text is the outcome's own."""

    __tablename__ = "waiting_outcomes"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    outcome_id: Mapped[int] = mapped_column(
        ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EffectCheck(Base):
    """A one-question follow-up some weeks after an outcome became "uitgevoerd"."""

    __tablename__ = "effect_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A questionnaire's id or a deliberation's.
    questionnaire_id: Mapped[str] = mapped_column(String(40), index=True)
    outcome_id: Mapped[int | None] = mapped_column(
        ForeignKey("outcomes.id", ondelete="SET NULL"), default=None
    )
    due_at: Mapped[datetime]
    # The broadcast that carried it, once it went out.
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="SET NULL"), default=None
    )
    created_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EffectAnswer(Base):
    """A resident's answer to an effect check ("Merk je iets van deze verandering?")."""

    __tablename__ = "effect_answers"
    __table_args__ = (UniqueConstraint("effect_check_id", "resident_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    effect_check_id: Mapped[int] = mapped_column(
        ForeignKey("effect_checks.id", ondelete="CASCADE"), index=True
    )
    # SET NULL when the resident erases themselves: the answer still counts.
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), default=None
    )
    value: Mapped[str] = mapped_column(String(16))  # ja, een_beetje, nee, weet_niet
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class Broadcast(Base):
    """One message to many residents: an invitation, an outcome or an effect check."""

    __tablename__ = "broadcasts"
    __table_args__ = (
        CheckConstraint("kind IN ('invitation', 'outcome', 'effect_check')", name="kind"),
        CheckConstraint("status IN ('sending', 'done', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    # A questionnaire's id or a deliberation's.
    questionnaire_id: Mapped[str | None] = mapped_column(String(40), default=None)
    # What to send, per language: {"nl": {"text": ..., "buttons": [...]}, "en": {...}}
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="sending")
    total: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # The administrator's progress message, edited as the broadcast goes.
    report_chat_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    report_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)


class OutboxMessage(Base):
    """One resident's copy of a broadcast. Claimed before it is sent, marked after."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending', 'claimed', 'sending', 'sent', 'unreachable', 'failed')",
            name="status",
        ),
        UniqueConstraint("broadcast_id", "resident_id"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(80), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(String(200), default=None)


class AuditEntry(Base):
    """Who did what as an administrator, and when. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # Telegram user id of the administrator; NULL for the command line or the system.
    actor: Mapped[int | None] = mapped_column(BigInteger, default=None)
    via: Mapped[str] = mapped_column(String(10))  # telegram, cli, system
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(80), default=None)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # False when an unauthorised user tried it (the attempt is logged, not carried out).
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)


class SendBudget(Base):
    """The bot's shared budget of Telegram calls (storage.budget): per key (the whole bot,
    broadcasts, one group or chat, a pause after a 429) the theoretical time, in seconds on
    the database's clock, at which the next call may go."""

    __tablename__ = "send_budget"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    tat: Mapped[float] = mapped_column(Double)


class ProcessedUpdate(Base):
    """Telegram update ids already handled: a redelivered update records nothing twice."""

    __tablename__ = "processed_updates"
    __table_args__ = (Index("ix_processed_updates_at", "at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Lease(Base):
    """A job that must run on one worker at a time (digests, outbox, retention...)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime]


class PublishedReport(Base):
    """A questionnaire whose results page is public: an administrator said so (/publiceer)."""

    __tablename__ = "published_reports"

    questionnaire_id: Mapped[str] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), primary_key=True
    )
    # Who published it is in the audit log (report.publish), kept as long as the log is.
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferencePopulation(Base):
    """One upload of the municipality's inhabitants per wijk and age band (CBS "Kerncijfers
    wijken en buurten" or a simple CSV), valid from ``valid_from``: a digest uses the
    newest one valid at the end of its period, so a new year's figures replace the old from
    their date and a digest of an earlier period keeps the figures it had."""

    __tablename__ = "reference_populations"
    __table_args__ = (Index("ix_reference_populations_valid_from", "valid_from"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    valid_from: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(200))  # the file's name, for the record
    total: Mapped[int] = mapped_column(BigInteger)  # inhabitants, all cells together
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Telegram user id of the administrator; NULL for the command line.
    uploaded_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # NULL while an upload in chat waits for the administrator's confirmation after the
    # preview: not used by any digest until then.
    confirmed_at: Mapped[datetime | None] = mapped_column(default=None)


class PopulationCell(Base):
    """Inhabitants of one wijk in one age band, as uploaded (code and name as in the file;
    mapped onto a questionnaire's wijken when a digest is made)."""

    __tablename__ = "population_cells"
    __table_args__ = (CheckConstraint("inhabitants >= 0", name="inhabitants"),)

    population_id: Mapped[int] = mapped_column(
        ForeignKey("reference_populations.id", ondelete="CASCADE"), primary_key=True
    )
    wijk_name: Mapped[str] = mapped_column(String(120), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(10), primary_key=True)
    wijk_code: Mapped[str | None] = mapped_column(String(16), default=None)
    inhabitants: Mapped[int] = mapped_column(BigInteger)


class ResidentProfile(Base):
    """ "About you, once": a resident's age band (CBS's bands, never a birth date) and wijk
    (an area id of the questionnaires) or 4-digit postcode, given once and reused by every
    questionnaire. ``declined`` when they chose not to keep one."""

    __tablename__ = "resident_profiles"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    age_band: Mapped[str | None] = mapped_column(String(10), default=None)
    wijk: Mapped[str | None] = mapped_column(String(64), default=None)
    postcode: Mapped[str | None] = mapped_column(String(4), default=None)
    declined: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Deliberations ("gesprek met stellingen", flows.deliberation) -----------------------------


class DeliberationRecord(Base):
    """A deliberation and its lifecycle, with the YAML source of its current version."""

    __tablename__ = "deliberations"
    __table_args__ = (CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    # What the municipality did with it, as for questionnaires (/terugkoppeling).
    outcome_status: Mapped[str] = mapped_column(String(16), default="ontvangen")


class DeliberationDraft(Base):
    """A deliberation file an administrator uploaded and has not yet published or thrown
    away: at most one per id (a newer upload replaces it). ``deliberation_id`` is not a
    foreign key: the first version of a deliberation is a draft before it exists."""

    __tablename__ = "deliberation_drafts"

    deliberation_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PublishedDeliberation(Base):
    """A deliberation whose results page is public: an administrator said so (/publiceer),
    as :class:`PublishedReport` is for a questionnaire."""

    __tablename__ = "published_deliberations"

    deliberation_id: Mapped[str] = mapped_column(
        ForeignKey("deliberations.id", ondelete="CASCADE"), primary_key=True
    )
    # Who published it is in the audit log (report.publish), kept as long as the log is.
    published_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliberationStatement(Base):
    """A statement residents vote on: a seed from the file, or one a resident added.

    ``number`` is the statement's number within its deliberation (Polis's comment id).
    A resident's statement is ``pending`` until a moderator approves (``live``) or rejects
    it; only live statements are shown and quoted. ``author_id`` links it to its author
    (for /mijngegevens and /vergeetmij); it is NULL for seeds and once anonymised.
    """

    __tablename__ = "deliberation_statements"
    __table_args__ = (
        UniqueConstraint("deliberation_id", "number"),
        CheckConstraint("origin IN ('seed', 'resident')", name="origin"),
        CheckConstraint("status IN ('live', 'pending', 'rejected')", name="status"),
        Index("ix_deliberation_statements_status", "status", "deliberation_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deliberation_id: Mapped[str] = mapped_column(
        ForeignKey("deliberations.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    origin: Mapped[str] = mapped_column(String(10))
    seed_id: Mapped[str | None] = mapped_column(String(20), default=None)
    text_nl: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str | None] = mapped_column(Text, default=None)
    # A resident's statement: the resident's language when they added it, so digests and
    # reports can say which language it is written in. NULL for seeds and older statements.
    language: Mapped[str | None] = mapped_column(String(16), default=None)
    dimension: Mapped[str | None] = mapped_column(String(16), default=None)
    status: Mapped[str] = mapped_column(String(10), default="live")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), default=None, index=True
    )
    # Set when a moderator made the statement anonymous: it then outlives its author.
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    moderation_reason: Mapped[str | None] = mapped_column(String(16), default=None)
    moderated_by: Mapped[int | None] = mapped_column(BigInteger, default=None)
    moderated_at: Mapped[datetime | None] = mapped_column(default=None)


class DeliberationParticipant(Base):
    """A resident in a deliberation: their pseudonymous number there (for exports), where
    they are (``current_statement_id``: the statement shown to them), and whether the
    deliberation is their conversation now (``active``) or paused (/stop)."""

    __tablename__ = "deliberation_participants"
    __table_args__ = (
        UniqueConstraint("deliberation_id", "number"),
        Index("ix_deliberation_participants_resident_active", "resident_id", "active"),
    )

    deliberation_id: Mapped[str] = mapped_column(
        ForeignKey("deliberations.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # "vote" (a statement is shown) or "adding" (the next text is a new statement).
    mode: Mapped[str] = mapped_column(String(8), default="vote")
    current_statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("deliberation_statements.id", ondelete="SET NULL"), default=None
    )
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliberationVote(Base):
    """One resident's vote on one statement (agree 1, disagree -1, pass 0); a changed vote
    replaces the earlier one."""

    __tablename__ = "deliberation_votes"
    __table_args__ = (
        CheckConstraint("vote IN (-1, 0, 1)", name="vote"),
        Index("ix_deliberation_votes_deliberation", "deliberation_id", "statement_id"),
    )

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("deliberation_statements.id", ondelete="CASCADE"), primary_key=True
    )
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    deliberation_id: Mapped[str] = mapped_column(
        ForeignKey("deliberations.id", ondelete="CASCADE")
    )
    vote: Mapped[int] = mapped_column(Integer)
    voted_at: Mapped[datetime] = mapped_column(default=utcnow)
