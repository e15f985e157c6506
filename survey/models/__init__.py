"""Database models, one module per area; importing this package registers them all."""

from survey.models.account import AccountLink, RecoveryCode, SingleSignOn
from survey.models.assessment import Assessment, Wave
from survey.models.audit import AuditEvent
from survey.models.invitation import Draft, Invitation, TeamLink
from survey.models.job import Job, JobFilePart
from survey.models.mailing import MailBatch, MailDelivery
from survey.models.organisation import Organisation, Team
from survey.models.people import Person, User
from survey.models.plan import PlannedAction
from survey.models.release import Release, ReleasedErasure
from survey.models.response import CooperationLink, LadderRung, Response
from survey.models.roster import RosterUpload

__all__ = [
    "AccountLink",
    "Assessment",
    "AuditEvent",
    "CooperationLink",
    "Draft",
    "Invitation",
    "Job",
    "JobFilePart",
    "LadderRung",
    "MailBatch",
    "MailDelivery",
    "Organisation",
    "Person",
    "PlannedAction",
    "RecoveryCode",
    "Release",
    "ReleasedErasure",
    "Response",
    "RosterUpload",
    "SingleSignOn",
    "Team",
    "TeamLink",
    "User",
    "Wave",
]
