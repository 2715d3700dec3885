"""Performance indicators (IKU/IKK) and their yearly and quarterly targets.

Polarity, lower-is-better formula and aggregation hold the string values of
``bot.domain.capaian``'s enums (``higher``/``lower``, ``2t_minus_r``/``t_over_r``,
``cumulative``/``last``/``average``); they are plain strings here so this
module does not depend on the capaian code.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.persistence.models.base import Base
from bot.persistence.models.org import Unit


class Indicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text())
    sasaran: Mapped[str] = mapped_column(Text(), default="")
    """The strategic objective (sasaran strategis) the indicator measures."""
    satuan: Mapped[str] = mapped_column(String(40))
    polarity: Mapped[str] = mapped_column(String(16), default="higher")
    lower_formula: Mapped[str] = mapped_column(String(16), default="2t_minus_r")
    capaian_formula: Mapped[str | None] = mapped_column(String(200))
    """An override of the usual capaian formula; ``None`` means derived from polarity."""
    aggregation: Mapped[str] = mapped_column(String(16), default="cumulative")
    precision: Mapped[int] = mapped_column(Integer(), default=2)
    allow_negative: Mapped[bool] = mapped_column(Boolean(), default=False)
    max_value: Mapped[Decimal | None]
    jump_factor: Mapped[Decimal | None]
    """A change from the previous quarter beyond this factor asks for confirmation;
    ``None`` means the organisation's default."""
    target_factor: Mapped[Decimal | None]
    """Issue 16: a value beyond this factor of its target (above or below) asks for
    confirmation; ``None`` means the organisation's default (10)."""
    active: Mapped[bool] = mapped_column(Boolean(), default=True)

    unit: Mapped[Unit] = relationship()
    targets: Mapped[list[Target]] = relationship(
        back_populates="indicator", order_by="Target.period", cascade="all, delete-orphan"
    )


class Target(Base):
    """A target for one period: ``2026-TAHUNAN`` (PK) or ``2026-TW1`` (Rencana Aksi)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer(), index=True)
    period: Mapped[str] = mapped_column(String(16))
    value: Mapped[Decimal]

    indicator: Mapped[Indicator] = relationship(back_populates="targets")
