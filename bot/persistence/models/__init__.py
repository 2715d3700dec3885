"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from bot.persistence.models.audit import AuditEvent, OutboxEvent, ReminderLog
from bot.persistence.models.base import Base, UtcDateTime, utc_now
from bot.persistence.models.chat import AdminUpload, ChatState
from bot.persistence.models.enums import (
    Acting,
    DecisionOutcome,
    MeasurementState,
    ReminderState,
    RunState,
    TaskState,
    UnitKind,
)
from bot.persistence.models.indicators import Indicator, Target
from bot.persistence.models.org import (
    Invite,
    InviteAttempt,
    Organisation,
    Person,
    RoleAssignment,
    Unit,
    organisation_admins,
)
from bot.persistence.models.oversight import BoardMessage, GroupChat
from bot.persistence.models.reference import reference_version
from bot.persistence.models.scheduling import apscheduler_jobs, organisation_sops
from bot.persistence.models.sop import Run, RunBranch, SopDefinitionVersion
from bot.persistence.models.work import Decision, Measurement, Task, TaskEvidence

metadata = Base.metadata

__all__ = [
    "Acting",
    "AdminUpload",
    "AuditEvent",
    "Base",
    "BoardMessage",
    "ChatState",
    "Decision",
    "DecisionOutcome",
    "GroupChat",
    "Indicator",
    "Invite",
    "InviteAttempt",
    "Measurement",
    "MeasurementState",
    "Organisation",
    "OutboxEvent",
    "Person",
    "ReminderLog",
    "ReminderState",
    "RoleAssignment",
    "Run",
    "RunBranch",
    "RunState",
    "SopDefinitionVersion",
    "Target",
    "Task",
    "TaskEvidence",
    "TaskState",
    "Unit",
    "UnitKind",
    "UtcDateTime",
    "apscheduler_jobs",
    "metadata",
    "organisation_admins",
    "organisation_sops",
    "reference_version",
    "utc_now",
]
