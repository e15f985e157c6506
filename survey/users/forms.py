"""Forms of the Users pages; each carries the CSRF token.

The choices (roles, teams, organisations) are those the logged-in user may give, set by
``offer``: anything else posted is an invalid choice. Ids are compared as the ASCII strings
offered, never converted, so no other spelling of a number passes.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, ValidationError

from survey.models.people import MAX_EMAIL, checked_email

NO_TEAM = ""
ROLE_LABELS = {"manager": _l("Manager"), "consultant": _l("Consultant"), "admin": _l("Admin")}


class ScopeForm(FlaskForm):
    """A manager's team or a consultant's organisations, for a user of role ``role``."""

    team = SelectField(_l("Team"), default=NO_TEAM)
    organisations = SelectMultipleField(_l("Organisations"))
    fixed_role = ""

    def offer(
        self, teams: list[tuple[str, str]], organisations: list[tuple[str, str]], role: str = ""
    ) -> ScopeForm:
        self.team.choices = [(NO_TEAM, _("Choose a team")), *teams]
        self.organisations.choices = organisations
        self.fixed_role = role
        return self

    def wanted_role(self) -> str:
        return self.fixed_role

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        role = self.wanted_role()
        if role == "manager" and not self.team.errors and self.team.data == NO_TEAM:
            self.team.errors.append(_("Choose the manager's team."))
            valid = False
        if role == "consultant" and not self.organisations.errors and not self.organisations.data:
            self.organisations.errors.append(_("Choose at least one organisation."))
            valid = False
        return valid

    def team_id(self) -> int | None:
        """The chosen team, for a manager (one of the offered ids)."""
        return int(self.team.data) if self.wanted_role() == "manager" else None

    def organisation_ids(self) -> list[int]:
        """The chosen organisations, for a consultant (offered ids)."""
        if self.wanted_role() != "consultant":
            return []
        return sorted({int(value) for value in self.organisations.data})


class RoleForm(ScopeForm):
    """A new role, with the scope it needs."""

    role = SelectField(_l("Role"))

    def offer_roles(self, roles: list[str]) -> RoleForm:
        self.role.choices = [(role, ROLE_LABELS[role]) for role in roles]
        return self

    def wanted_role(self) -> str:
        return self.role.data if self.role.data in ROLE_LABELS else ""


class InviteForm(RoleForm):
    """Invite someone by e-mail, with a role and a scope."""

    email = StringField(_l("E-mail"), validators=[Length(max=MAX_EMAIL)])

    def validate_email(self, field) -> None:
        email, problem = checked_email(field.data or "")
        if problem:
            raise ValidationError(problem)
        field.data = email


class RosterInviteForm(FlaskForm):
    """Invite one manager of the roster (``person``), or all of them (``person`` empty)."""

    person = HiddenField(validators=[Length(max=20)])
