"""Who works where: organisations, their units, people, roles and invites."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.persistence.models.base import Base, utc_now
from bot.persistence.models.enums import Acting, UnitKind, enum_column

organisation_admins = Table(
    "organisation_admins",
    Base.metadata,
    Column(
        "organisation_id",
        ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)
"""People allowed to administer an organisation in the bot (invites, imports)."""


class Organisation(Base):
    """An OPD (dinas, badan, kecamatan) and the calendar it works by."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(60), default="Asia/Makassar")
    work_start: Mapped[time] = mapped_column(Time(), default=time(7, 30))
    work_end: Mapped[time] = mapped_column(Time(), default=time(16, 0))
    include_cuti_bersama: Mapped[bool] = mapped_column(Boolean(), default=True)
    extra_non_working_days: Mapped[dict[str, str]] = mapped_column(JSON(), default=dict)
    """``{"2026-05-18": "Hari Jadi Kabupaten"}``: local days off besides national holidays."""
    reminder_policy: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)
    """``bot.domain.reminders.ReminderPolicy`` fields this organisation sets; empty = defaults."""
    rating_bands: Mapped[list[Any]] = mapped_column(JSON(), default=list)
    """``[{"label": "Sangat Tinggi", "min_exclusive": "90"}, ...]`` as
    ``bot.domain.rating.load_rating_scale`` reads it; empty means the default scale."""
    oversight_policy: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)
    """``bot.domain.oversight.OversightPolicy`` fields this organisation sets (timeliness
    days, edit window, plausibility factor, capaian threshold); empty = defaults."""
    default_duration: Mapped[str] = mapped_column(
        String(40), default="1 Hari", server_default="1 Hari"
    )
    """``organisasi.durasi_bawaan``: the Waktu of a step whose document gives none."""
    letterhead: Mapped[dict[str, Any]] = mapped_column(JSON(), default=dict)
    """The kop surat (``organisasi.kop``): pemerintah, nama, alamat, telepon, tempat, and
    the logo image as base64."""
    is_sample: Mapped[bool] = mapped_column(Boolean(), default=False)
    """Demo data (``examples/sample_org``), never a real organisation."""
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    units: Mapped[list[Unit]] = relationship(back_populates="organisation")
    admins: Mapped[list[Person]] = relationship(secondary=organisation_admins)


class Unit(Base):
    """A bidang, sub-bagian, seksi...; ``parent`` gives the hierarchy."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(enum_column(UnitKind))

    organisation: Mapped[Organisation] = relationship(back_populates="units")
    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")


class Person(Base):
    """A civil servant; reached through Telegram once they have joined."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("organisation_id", "nip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    nip: Mapped[str | None] = mapped_column(String(30))
    rank: Mapped[str | None] = mapped_column(String(100))
    """Pangkat/golongan ("Pembina Tk. I (IV/b)"), printed under the name in signatures."""
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger(), unique=True)
    active: Mapped[bool] = mapped_column(Boolean(), default=True)
    reachable: Mapped[bool] = mapped_column(Boolean(), default=True)
    """False after Telegram said the bot is blocked or the user is deactivated."""

    organisation: Mapped[Organisation] = relationship()
    assignments: Mapped[list[RoleAssignment]] = relationship(back_populates="person")


class RoleAssignment(Base):
    """Person x role x unit for a period; a Plt/Plh holds it only within the range."""

    __tablename__ = "role_assignments"
    __table_args__ = (Index(None, "unit_id", "role_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role_key: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    acting: Mapped[Acting] = mapped_column(enum_column(Acting), default=Acting.DEFINITIVE)
    valid_from: Mapped[date | None] = mapped_column(Date())
    valid_to: Mapped[date | None] = mapped_column(Date())
    """Inclusive last day; ``None`` means open-ended."""
    title: Mapped[str | None] = mapped_column(String(200))
    """The post's full title (``jabatan``): "Kepala Bidang Politik Dalam Negeri"."""

    person: Mapped[Person] = relationship(back_populates="assignments")
    unit: Mapped[Unit] = relationship()

    def valid_on(self, day: date) -> bool:
        return within(self.valid_from, self.valid_to, day)


def within(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    """``day`` in an assignment's range (both ends inclusive, ``None`` open)."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


class Invite(Base):
    """A one-time code that links a Telegram account to a person and a role."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    role_key: Mapped[str] = mapped_column(String(40))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    used_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text())
    person_name: Mapped[str | None] = mapped_column(String(200))
    """The name the admin gave an invite without a person: the new person's name (never the
    Telegram profile's)."""

    unit: Mapped[Unit] = relationship()
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])


class InviteAttempt(Base):
    """A refused invite code tried by a Telegram account: what throttles guessing.

    Kept in the database, so a restart forgets nothing and several workers count together.
    """

    __tablename__ = "invite_attempts"
    __table_args__ = (Index(None, "telegram_user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger())
    at: Mapped[datetime] = mapped_column(index=True)
