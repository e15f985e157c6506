"""Database models, one module per area; importing this package registers them all."""

from survey.models.assessment import Assessment, Wave
from survey.models.audit import AuditEvent
from survey.models.invitation import Draft, Invitation, TeamLink
from survey.models.mailing import MailBatch, MailDelivery
from survey.models.organisation import Organisation, Team
from survey.models.people import Person, User
from survey.models.plan import PlannedAction
from survey.models.release import Release, ReleasedErasure
from survey.models.response import CooperationLink, LadderRung, Response
from survey.models.roster import RosterUpload

__all__ = [
    "Assessment",
    "AuditEvent",
    "CooperationLink",
    "Draft",
    "Invitation",
    "LadderRung",
    "MailBatch",
    "MailDelivery",
    "Organisation",
    "Person",
    "PlannedAction",
    "Release",
    "ReleasedErasure",
    "Response",
    "RosterUpload",
    "Team",
    "TeamLink",
    "User",
    "Wave",
]
