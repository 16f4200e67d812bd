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


class Contact(Base):
    """How to reach a resident: their private chat id, kept apart from the answers."""

    __tablename__ = "contacts"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)


class QuestionnaireRecord(Base):
    """A questionnaire and its lifecycle; its versions are in ``questionnaire_versions``."""

    __tablename__ = "questionnaires"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    current_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int | None] = mapped_column(
        ForeignKey("residents.id", ondelete="SET NULL"), index=True
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


class Answer(Base):
    """One accepted answer. ``value`` is null when the resident skipped the question."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("session_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


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
