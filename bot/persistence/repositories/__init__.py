"""Typed query methods, one repository per area; every ``select()`` lives here."""

from bot.persistence.repositories.audit import AuditRepository
from bot.persistence.repositories.chat import ChatRepository
from bot.persistence.repositories.indicators import IndicatorRepository
from bot.persistence.repositories.org import OrgRepository
from bot.persistence.repositories.oversight import OversightRepository
from bot.persistence.repositories.runs import RunRepository
from bot.persistence.repositories.work import WorkRepository

__all__ = [
    "AuditRepository",
    "ChatRepository",
    "IndicatorRepository",
    "OrgRepository",
    "OversightRepository",
    "RunRepository",
    "WorkRepository",
]
