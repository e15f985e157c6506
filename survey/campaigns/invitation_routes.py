"""Invitation pages of one wave: personal links for the roster, reminders, team links, mailings.

Links exist only in the response that makes them: a CSV download, the mails, or the team-link
page. Mails go out after the invitations are committed (``survey.campaigns.mailing``).

In anonymous mode nothing here shows who has answered: reminders go by e-mail only (a CSV of
reminder links would list the people who have not answered), a reminder or a retry that finds
nobody waiting is not refused (that would tell), and the counts of answers, and of the mails of
reminders and retries, are shown coarsened to steps of the assessment's minimum group size
(``analysis.privacy.coarse_count``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import (
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import case, func, select
from wtforms import SelectChoice

from analysis.privacy import coarse_count
from survey.access import assessment_or_404, batch_or_404, organisation_or_404, wave_or_404
from survey.audit import record
from survey.campaigns import bp
from survey.campaigns.forms import (
    EMAIL_ONLY,
    EVERYONE,
    RecipientsForm,
    TeamLinkForm,
)
from survey.campaigns.issuing import (
    Issued,
    count_of,
    invite_roster,
    links_csv,
    path_of_teams,
    reissue,
    teams_under,
    unanswered,
    uninvited_people,
)
from survey.campaigns.mailing import (
    coarse_progress,
    hand_over,
    progress,
    retry_candidates,
    start_batch,
    submit_mailing,
)
from survey.campaigns.schedule import wave_status, when
from survey.db import db
from survey.errors import error_page
from survey.forms import ConfirmForm
from survey.invitations import link_url, team_link
from survey.jobs.queue import dispatch_all
from survey.mail import SmtpSettings
from survey.models import Invitation, MailBatch, Person, Wave
from survey.models._columns import utcnow
from survey.pagination import page_number, paginate
from survey.spreadsheet import requested_style

BATCHES_PER_PAGE = 10
NO_STORE = {"Cache-Control": "no-store"}
BATCH_POLL_SECONDS = 2


def _wave(organisation_id: int, assessment_id: int, wave_id: int):
    organisation = organisation_or_404(db.session, current_user, organisation_id)
    assessment = assessment_or_404(db.session, current_user, assessment_id, organisation)
    return organisation, assessment, wave_or_404(db.session, current_user, assessment, wave_id)


@bp.get("/<int:assessment_id>/waves/<int:wave_id>/invitations")
def invitations(organisation_id: int, assessment_id: int, wave_id: int):
    return _invitations_page(*_wave(organisation_id, assessment_id, wave_id))


@bp.post("/<int:assessment_id>/waves/<int:wave_id>/invitations")
def invite(organisation_id: int, assessment_id: int, wave_id: int):
    organisation, assessment, wave = _wave(organisation_id, assessment_id, wave_id)
    form = _recipients_form("invite", organisation.id)
    refused = _closed_or_invalid(organisation, assessment, wave, "invite_form", form)
    if refused is not None:
        return refused
    people = list(db.session.scalars(uninvited_people(wave, _chosen_teams(organisation, form))))
    if not people:
        form.team.errors.append(
            _(
                "Everyone on the roster there has an invitation to this wave already; send a "
                "reminder instead, or import the roster first if it is empty."
            )
        )
        return _invitations_page(organisation, assessment, wave, invite_form=form, status=422)
    # By e-mail, the tokens made here are never seen: each mail's job gives its invitation a
    # fresh one just before sending it.
    issued = invite_roster(db.session, wave, people, utcnow(), _days())
    invitations = [item.invitation for item in issued]
    return _deliver(organisation, wave, form, "invitation", invitations, lambda: issued)


@bp.post("/<int:assessment_id>/waves/<int:wave_id>/reminders")
def remind(organisation_id: int, assessment_id: int, wave_id: int):
    organisation, assessment, wave = _wave(organisation_id, assessment_id, wave_id)
    form = _recipients_form("remind", organisation.id, anonymous=_anonymous(assessment))
    refused = _closed_or_invalid(organisation, assessment, wave, "remind_form", form)
    if refused is not None:
        return refused
    waiting = list(db.session.scalars(unanswered(wave, _chosen_teams(organisation, form))))
    if not waiting and not _anonymous(assessment):
        form.team.errors.append(_("Nobody invited there is waiting for a reminder."))
        return _invitations_page(organisation, assessment, wave, remind_form=form, status=422)
    # Fresh links now for the CSV; by e-mail, the job gives each one as its mail goes out.
    links = partial(reissue, db.session, waiting, wave, utcnow(), _days())
    return _deliver(organisation, wave, form, "reminder", waiting, links)


@bp.post("/<int:assessment_id>/waves/<int:wave_id>/team-links")
def make_team_link(organisation_id: int, assessment_id: int, wave_id: int):
    organisation, assessment, wave = _wave(organisation_id, assessment_id, wave_id)
    form = _team_link_form(organisation.id)
    refused = _closed_or_invalid(organisation, assessment, wave, "link_form", form)
    if refused is not None:
        return refused
    link = team_link(
        db.session,
        wave,
        form.team.data,
        form.role.data,
        utcnow(),
        _days(),
        capacity=form.capacity.data,
    )
    record(
        db.session,
        "team_link.create",
        organisation_id=organisation.id,
        target=f"wave {wave.id}",
        team=form.team.data,
        role=form.role.data,
        capacity=link.capacity,
    )
    db.session.commit()
    page = render_template(
        "campaigns/team_link.html",
        organisation=organisation,
        assessment=assessment,
        wave=wave,
        url=link_url(current_app.config["PUBLIC_URL"], link.token),
        team_path=path_of_teams(db.session, organisation.id)[form.team.data],
        role=form.role.data,
        capacity=link.capacity,
        default_capacity=form.capacity.data is None,
    )
    return page, 201, NO_STORE


@bp.get("/<int:assessment_id>/waves/<int:wave_id>/mailings/<int:batch_id>")
def mailing(organisation_id: int, assessment_id: int, wave_id: int, batch_id: int):
    organisation, assessment, wave = _wave(organisation_id, assessment_id, wave_id)
    batch = batch_or_404(db.session, wave, batch_id)
    now = utcnow()
    retry_count = len(retry_candidates(db.session, batch))
    return render_template(
        "campaigns/mailing.html",
        organisation=organisation,
        assessment=assessment,
        wave=wave,
        batch=batch,
        progress=_shown(assessment, batch, progress(db.session, batch)),
        retry=_shown_count(assessment, batch, retry_count),
        retry_possible=retry_count > 0 or _coarsened(assessment, batch),
        wave_closed=wave_status(wave, now) == "closed",
        form=ConfirmForm(),
        poll_seconds=BATCH_POLL_SECONDS,
    )


@bp.get("/<int:assessment_id>/waves/<int:wave_id>/mailings/<int:batch_id>.json")
def mailing_json(organisation_id: int, assessment_id: int, wave_id: int, batch_id: int):
    _organisation, assessment, wave = _wave(organisation_id, assessment_id, wave_id)
    batch = batch_or_404(db.session, wave, batch_id)
    state = _shown(assessment, batch, progress(db.session, batch))
    return jsonify(
        total=state.total,
        sent=state.sent,
        failed=state.failed,
        pending=state.pending,
        finished=state.finished,
        state=state.state,
        done=state.done,
        reasons=[{"reason": reason, "count": count} for reason, count in state.reasons],
    )


@bp.post("/<int:assessment_id>/waves/<int:wave_id>/mailings/<int:batch_id>/retry")
def retry(organisation_id: int, assessment_id: int, wave_id: int, batch_id: int):
    organisation, assessment, wave = _wave(organisation_id, assessment_id, wave_id)
    batch = batch_or_404(db.session, wave, batch_id)
    now = utcnow()
    if wave_status(wave, now) == "closed":
        return _closed(wave)
    if not ConfirmForm().validate_on_submit():
        return error_page(400, _("This form has expired; reload the page and try again."))
    if progress(db.session, batch).state in ("queued", "sending"):
        return error_page(409, _("This mailing is still being sent; wait until it ends."))
    failed = retry_candidates(db.session, batch)
    if not failed and not _coarsened(assessment, batch):
        return error_page(409, _("There is nothing left to retry in this mailing."))
    hand_over(db.session, batch)
    new_batch = start_batch(db.session, wave, "retry", failed)
    record(
        db.session,
        "invitations.retry",
        organisation_id=organisation.id,
        target=f"wave {wave.id}",
        count=_audited_count(assessment, batch.kind, len(failed)),
        mailing=new_batch.id,
        retried=batch.id,
    )
    _send(new_batch)
    return redirect(_mailing_url(new_batch), 303)


def _deliver(
    organisation,
    wave: Wave,
    form: RecipientsForm,
    kind: str,
    invitations: list[Invitation],
    links: Callable[[], list[Issued]],
):
    """Commit the invitations with their audit event, then answer with the CSV of their
    ``links`` (made only then) or start the mailing, whose job makes each link itself."""
    action = {"invitation": "invitations.create", "reminder": "invitations.remind"}[kind]
    team = "everyone" if form.team.data == EVERYONE else form.team.data
    count = _audited_count(wave.assessment, kind, len(invitations))
    if form.delivery.data == "csv":
        issued = links()
        record(
            db.session,
            action,
            organisation_id=organisation.id,
            target=f"wave {wave.id}",
            count=count,
            team=team,
            delivery="csv",
        )
        db.session.commit()
        paths = path_of_teams(db.session, organisation.id)
        body = links_csv(issued, paths, current_app.config["PUBLIC_URL"], requested_style())
        filename = f"links-{kind}s-wave{wave.id}-{utcnow():%Y%m%d-%H%M}.csv"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE}
        return Response(body, mimetype="text/csv", headers=headers)
    batch = start_batch(db.session, wave, kind, invitations)
    record(
        db.session,
        action,
        organisation_id=organisation.id,
        target=f"wave {wave.id}",
        count=count,
        team=team,
        delivery="email",
        mailing=batch.id,
    )
    _send(batch)
    return redirect(_mailing_url(batch), 303)


def _send(batch: MailBatch) -> None:
    """Commit the batch with the jobs that send it, and start them."""
    dispatch_all([job.id for job in submit_mailing(db.session, batch, current_user.id)])


def _invitations_page(organisation, assessment, wave, status: int = 200, **forms):
    now = utcnow()
    anonymous = _anonymous(assessment)
    team_ids = teams_under(db.session, organisation.id, None)
    invited, answered = db.session.execute(
        select(func.count(), func.count(case((Invitation.used, 1)))).where(
            Invitation.wave_id == wave.id
        )
    ).one()
    batches = paginate(
        db.session,
        select(MailBatch).where(MailBatch.wave_id == wave.id).order_by(MailBatch.id.desc()),
        page_number(request.args.get("page")),
        BATCHES_PER_PAGE,
    )
    page = render_template(
        "campaigns/invitations.html",
        organisation=organisation,
        assessment=assessment,
        wave=wave,
        status=wave_status(wave, now),
        when=when(wave),
        invited=invited,
        answered=coarse_count(answered, assessment.min_group_size),
        anonymous=anonymous,
        roster=db.session.scalar(
            select(func.count()).where(
                Person.organisation_id == organisation.id, Person.team_id.in_(team_ids)
            )
        ),
        uninvited=count_of(db.session, uninvited_people(wave, team_ids)),
        waiting=None if anonymous else count_of(db.session, unanswered(wave, team_ids)),
        has_teams=bool(team_ids),
        batches=batches,
        progress={
            batch.id: _shown(assessment, batch, progress(db.session, batch))
            for batch in batches.items
        },
        mail_problem=_mail_problem(),
        invite_form=forms.get("invite_form") or _recipients_form("invite", organisation.id),
        remind_form=forms.get("remind_form")
        or _recipients_form("remind", organisation.id, anonymous=anonymous),
        link_form=forms.get("link_form") or _team_link_form(organisation.id),
    )
    return page, status


def _closed_or_invalid(organisation, assessment, wave: Wave, name: str, form):
    """The answer to a form of the invitations page that cannot be acted on, else ``None``.

    A closed wave gets 409; a form with mistakes, the page again with it as ``name`` (422).
    """
    if wave_status(wave, utcnow()) == "closed":
        return _closed(wave)
    if not form.validate_on_submit():
        return _invitations_page(organisation, assessment, wave, status=422, **{name: form})
    return None


def _chosen_teams(organisation, form: RecipientsForm) -> set[int]:
    """The teams a recipients form chose: one with every active team below it, or all."""
    team_id = None if form.team.data == EVERYONE else form.team.data
    return teams_under(db.session, organisation.id, team_id)


def _recipients_form(prefix: str, organisation_id: int, anonymous: bool = False) -> RecipientsForm:
    """The form for invitations or reminders; reminders in anonymous mode go by e-mail only."""
    form = RecipientsForm(prefix=prefix)
    form.team.choices = [
        SelectChoice(EVERYONE, _("Everyone on the roster")),
        *_teams(organisation_id),
    ]
    if anonymous:
        form.delivery.choices = [SelectChoice(value, label) for value, label in EMAIL_ONLY.items()]
    return form


def _anonymous(assessment) -> bool:
    return assessment.mode == "anonymous"


def _coarsened(assessment, batch: MailBatch) -> bool:
    """Whether a batch's counts are shown coarsened: reminders and retries go only to people
    who have not answered, so in anonymous mode their exact counts would tell who has."""
    return _anonymous(assessment) and batch.kind in ("reminder", "retry")


def _shown(assessment, batch: MailBatch, state):
    if _coarsened(assessment, batch):
        return coarse_progress(state, assessment.min_group_size)
    return state


def _shown_count(assessment, batch: MailBatch, count: int) -> int | None:
    if _coarsened(assessment, batch):
        return coarse_count(count, assessment.min_group_size)
    return count


def _audited_count(assessment, kind: str, count: int) -> int | None:
    """The count an audit event records: coarsened for anonymous reminders and retries."""
    if _anonymous(assessment) and kind in ("reminder", "retry"):
        return coarse_count(count, assessment.min_group_size)
    return count


def _team_link_form(organisation_id: int) -> TeamLinkForm:
    form = TeamLinkForm(prefix="link")
    form.team.choices = _teams(organisation_id)
    return form


def _teams(organisation_id: int) -> list[SelectChoice]:
    """The organisation's active teams as choices, by path."""
    paths = sorted(path_of_teams(db.session, organisation_id).items(), key=lambda i: i[1].lower())
    return [SelectChoice(team_id, path) for team_id, path in paths]


def _mail_problem() -> str | None:
    """Why the mail settings cannot work, or ``None``."""
    try:
        SmtpSettings.from_config(current_app.config)
    except ValueError as error:
        return str(error)
    return None


def _closed(wave: Wave):
    return error_page(
        409,
        _(
            "%(wave)s has closed: it accepts no answers, so no links are made for it.",
            wave=wave.name,
        ),
    )


def _days() -> int:
    return current_app.config["INVITATION_DAYS"]


def _mailing_url(batch: MailBatch) -> str:
    assessment = batch.wave.assessment
    return url_for(
        "campaigns.mailing",
        organisation_id=assessment.organisation_id,
        assessment_id=assessment.id,
        wave_id=batch.wave_id,
        batch_id=batch.id,
    )
