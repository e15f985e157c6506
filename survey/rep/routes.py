"""Routes of the rep's journey; the work is done in access, answers, store and result."""

from __future__ import annotations

import hashlib
import hmac
from functools import partial

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_limiter.util import get_remote_address
from limits import parse
from sqlalchemy import bindparam, select

from survey.access import LARGEST_ID
from survey.db import db
from survey.i18n import choose_language, language
from survey.instruments import all_questionnaires, questionnaire_for
from survey.limiter import hit
from survey.models import Team
from survey.models._columns import utcnow
from survey.models.organisation import team_paths, teams_of
from survey.params import parse_id
from survey.rep import bp
from survey.rep.answers import (
    COOPERATION_PREFIX,
    MalformedAnswer,
    PageInput,
    first_incomplete_page,
    read_cooperation,
    read_items,
    read_ladder_step,
)
from survey.rep.entries import Entry, team_zone
from survey.rep.guessing import limit_link_guessing, opened_entry
from survey.rep.ladder_steps import ACTIONS as LADDER_ACTIONS
from survey.rep.ladder_steps import (
    BACK,
    DEEPER,
    going_deeper,
    kinds_in_order,
    question_for,
    step_to_show,
    steps_of,
    stopped_at,
    with_step,
)
from survey.rep.pages import Page, plan_pages
from survey.rep.precision import index_precision
from survey.rep.result import personal_chart_spec, personal_result, personal_scores
from survey.rep.sealing import draft_key, new_browser_secret
from survey.rep.store import (
    Outcome,
    find_draft,
    read_draft,
    save_draft,
    submit_response,
    was_submitted,
)
from survey.security import allow_charts
from survey.share_back import share_url


class LinkNotOpen(Exception):
    """Unknown, used or expired token, or a closed wave: all answered with the same 404 page,
    except in the browser that sent answers through that very link (see ``_sent_here``)."""


PAGE_ACTIONS = ("back", "next", "submit")
SAVE = "save"  # the background save of a page (``static/js/autosave.js``)


def _action(allowed: tuple[str, ...]) -> str:
    """The button a posted page names, one of ``allowed``; 400 otherwise.

    The CSRF token was checked before the view, as for every POST (``CSRFProtect``), so a
    form object would only check it a second time.
    """
    action = request.form.get("action", "")
    if action not in allowed:
        abort(400, _("This form was sent without a valid action."))
    return action


@bp.errorhandler(LinkNotOpen)
def link_not_open(_error: LinkNotOpen):
    """The neutral 404 page; the browser that sent answers through this link is told so.

    Both answers have the status 404, and which one is shown depends only on this browser's own
    signed session cookie, never on the link's state: a guesser (whose session sent nothing)
    gets the same bytes for a used, an expired and an unknown link.
    """
    token = (request.view_args or {}).get("token")
    if isinstance(token, str) and _sent_here(token):
        page = render_template(
            "rep/already_submitted.html",
            reason="sent_on_link",
            result_waiting=_result_waiting(),
        )
        return page, 404
    return render_template("rep/link_not_open.html"), 404


# Personal links answered from this browser: session["sent"] lists a keyed hash of each (the
# token itself never goes into the cookie, nor the token_hash the database knows it by).
SENT_REMEMBERED = 10


def _sent_mark(token: str) -> str:
    key = str(current_app.secret_key).encode("utf-8")
    message = b"sent-on-link:" + token.encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def _sent_here(token: str) -> bool:
    sent = session.get("sent")
    return isinstance(sent, list) and _sent_mark(token) in sent


def _mark_sent(token: str) -> None:
    sent = session.get("sent")
    sent = [mark for mark in sent if isinstance(mark, str)] if isinstance(sent, list) else []
    session["sent"] = [*sent, _sent_mark(token)][-SENT_REMEMBERED:]


def _result_waiting() -> bool:
    """Whether the rep's own result is still in the session (the thank-you page not yet seen)."""
    return isinstance(session.get("result"), dict)


def _open(token: str):
    now = utcnow()
    entry = opened_entry(token, now)  # looked up once: the guessing limit asked already
    if entry is None:
        raise LinkNotOpen
    _read_in_place(entry)
    questionnaire = questionnaire_for(*entry.wave.instrument(entry.role)).in_language(language())
    pages = plan_pages(questionnaire, current_app.config["ITEMS_PER_PAGE"])
    draft = find_draft(db.session, entry, _cookie_draft_id(entry))
    return entry, questionnaire, pages, draft


def _read_in_place(entry: Entry) -> None:
    """The rep reads in their roster row's language (unless this browser chose one) and in
    their team's time zone, looked up only by a page that shows a time."""
    g.roster_language = entry.roster_language
    g.reader_zone = partial(team_zone, db.session, entry.team_id)
    refresh()  # the language and zone may have been looked up before they were known


def _switch_language(token: str, entry: Entry, questionnaire, current: Page, draft, state: dict):
    """Keep what the page holds (answered or not), then show the same page in the language
    chosen with the switch at the top (its buttons send the page's form)."""
    if not choose_language(request.form.get("language", "")):
        abort(400, _("This language is not available."))
    step = None
    if current.kind == "ladder":
        step = step_to_show(state, questionnaire.ladder, parse_id(request.values.get("step", "")))
        try:
            posted_step = read_ladder_step(request.form, questionnaire.ladder)
        except MalformedAnswer:
            posted_step = None
        if posted_step is not None and not posted_step.errors:
            _save(token, entry, draft, with_step(state, step, posted_step.step))
    else:
        team_ids = _other_team_ids(entry) if current.kind == "cooperation" else set()
        try:
            posted = _read_page(current, questionnaire, team_ids)
        except MalformedAnswer:
            posted = None
        if posted is not None:
            _save(token, entry, draft, _merge(state, posted, keep_invalid=False))
    return redirect(url_for("rep.page", token=token, number=current.number, step=step))


# A team link's draft in this browser: session["drafts"][link id] = {"id": draft id or None,
# "secret": the browser's part of the draft's key}. Links answered from this browser are listed
# in session["answered"].


def _team_slot(entry: Entry) -> dict:
    slot = session.get("drafts", {}).get(str(entry.team_link.id))
    return slot if isinstance(slot, dict) else {}


def _set_team_slot(entry: Entry, slot: dict | None) -> None:
    drafts = dict(session.get("drafts", {}))
    if slot is None:
        drafts.pop(str(entry.team_link.id), None)
    else:
        drafts[str(entry.team_link.id)] = slot
    session["drafts"] = drafts


def _cookie_draft_id(entry: Entry) -> int | None:
    if entry.team_link is None:
        return None
    draft_id = _team_slot(entry).get("id")
    return draft_id if isinstance(draft_id, int) else None


def _key(token: str, entry: Entry) -> bytes:
    """The key that seals this link's draft (for a team link, with this browser's secret)."""
    if entry.team_link is None:
        return draft_key(token)
    slot = _team_slot(entry)
    if not isinstance(slot.get("secret"), str):
        slot = {"id": None, "secret": new_browser_secret()}
        _set_team_slot(entry, slot)
    return draft_key(token, slot["secret"])


def _save(token: str, entry: Entry, draft, state: dict) -> None:
    key = _key(token, entry)
    saved = save_draft(db.session, entry, draft, state, key)
    if entry.team_link is not None:
        _set_team_slot(entry, {**_team_slot(entry), "id": saved.id})


def _answered_here(entry: Entry) -> bool:
    """Whether this browser has already answered through this team link."""
    return entry.team_link is not None and entry.team_link.id in session.get("answered", [])


def _mark_answered(entry: Entry) -> None:
    if entry.team_link is not None:
        _set_team_slot(entry, None)
        session["answered"] = [*session.get("answered", []), entry.team_link.id]


def _refusal(entry: Entry):
    """The page for a team link this browser has answered through, or one that is full."""
    if _answered_here(entry):
        page = render_template(
            "rep/already_submitted.html", reason="answered_here", result_waiting=_result_waiting()
        )
        return page, 409
    if entry.full:
        return render_template("rep/link_full.html"), 409
    return None


def _team_submit_allowed() -> bool:
    """Count a submission through a team link from this address; False past the limit."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    limit = parse(current_app.config["TEAM_LINK_SUBMITS_PER_ADDRESS"])
    return hit(limit, "team-link-submits", get_remote_address())


@bp.get("/r/<token>")
@limit_link_guessing
def intro(token: str):
    entry, questionnaire, pages, draft = _open(token)
    refused = _refusal(entry)
    if refused is not None:
        return refused
    state = read_draft(draft, _key(token, entry)) if draft else {}
    return render_template(
        "rep/intro.html",
        token=token,
        questionnaire=questionnaire,
        assessment=entry.assessment,
        team_link=entry.team_link is not None,
        pages=pages,
        statement_pages=sum(1 for p in pages if p.kind == "items"),
        resume_page=state.get("reached", 1) if state else None,
    )


@bp.route("/r/<token>/<int:number>", methods=["GET", "POST"])
@limit_link_guessing
def page(token: str, number: int):
    entry, questionnaire, pages, draft = _open(token)
    if not 1 <= number <= len(pages):
        abort(404)
    refused = _refusal(entry)
    if refused is not None:
        return refused
    if draft is None and was_submitted(db.session, entry, _cookie_draft_id(entry)):
        return render_template("rep/already_submitted.html"), 409
    state = read_draft(draft, _key(token, entry))
    reached = state.get("reached", 1)
    if number > reached:
        return redirect(url_for("rep.page", token=token, number=reached))
    current = pages[number - 1]
    if request.method == "POST" and "language" in request.form:
        return _switch_language(token, entry, questionnaire, current, draft, state)
    if current.kind == "ladder":
        return _ladder_page(token, entry, questionnaire, pages, current, draft, state)
    if request.method == "GET":
        teams = _other_teams(entry) if current.kind == "cooperation" else {}
        return _render_page(token, questionnaire, pages, current, state, PageInput(), teams)

    if request.form.get("action") == SAVE:
        return _save_in_background(token, entry, questionnaire, current, draft, state)
    action = _action(PAGE_ACTIONS)
    team_ids = _other_team_ids(entry) if current.kind == "cooperation" else set()
    try:
        posted = _read_page(current, questionnaire, team_ids)
    except MalformedAnswer as error:
        abort(400, str(error))
    state = _merge(state, posted, keep_invalid=False)

    if action == "back":
        _save(token, entry, draft, state)
        return redirect(url_for("rep.page", token=token, number=max(1, number - 1)))
    if posted.errors:
        teams = _other_teams(entry) if current.kind == "cooperation" else {}
        return _render_page(token, questionnaire, pages, current, state, posted, teams), 422
    if action == "next" or number < len(pages):
        return _onwards(token, entry, pages, number, draft, state)
    return _send(token, entry, questionnaire, pages, draft, state)


def _onwards(token: str, entry: Entry, pages, number: int, draft, state: dict):
    """Keep ``state`` and go to the page after ``number``."""
    state["reached"] = max(state.get("reached", 1), min(number + 1, len(pages)))
    _save(token, entry, draft, state)
    return redirect(url_for("rep.page", token=token, number=min(number + 1, len(pages))))


def _send(token: str, entry: Entry, questionnaire, pages, draft, state: dict):
    """Store the response once (or go back to what is missing), then thank the rep."""
    item_pages = [p.items for p in pages if p.kind == "items"]
    incomplete = first_incomplete_page(state, questionnaire, item_pages)
    if incomplete is not None:
        _save(token, entry, draft, state)
        return redirect(url_for("rep.page", token=token, number=incomplete, incomplete=1))
    if entry.team_link is not None and not _team_submit_allowed():
        return render_template("rep/too_many_submissions.html"), 429
    outcome = submit_response(db.session, entry, draft, state, questionnaire)
    if outcome is Outcome.FULL:
        return render_template("rep/link_full.html"), 409
    if outcome is Outcome.ALREADY_SUBMITTED:
        return render_template("rep/already_submitted.html"), 409
    _mark_answered(entry)
    if entry.invitation is not None:
        _mark_sent(token)
    session["result"] = {
        **personal_scores(questionnaire, state.get("answers", {})),
        "k": entry.assessment.min_group_size,
        "team": [entry.assessment.id, entry.team_id],  # for the team's share-back link
        "language": questionnaire.language,  # the thank-you page speaks it too
    }
    return redirect(url_for("rep.thanks"))


@bp.get("/thanks")
def thanks():
    """The rep's own result, once: it leaves the session as the page is made."""
    scores = session.pop("result", None)
    if scores is None:
        return render_template("rep/already_submitted.html")
    which = tuple(scores.get("questionnaire") or ()) if isinstance(scores, dict) else ()
    if isinstance(scores, dict):
        g.roster_language = scores.get("language")
        refresh()
    questionnaire = all_questionnaires().get(which)
    questionnaire = questionnaire.in_language(language()) if questionnaire else None
    result = (
        personal_result(questionnaire, scores, index_precision(db.session, questionnaire))
        if questionnaire
        else None
    )
    spec = personal_chart_spec(result) if result and result["index"] is not None else None
    if spec is not None:
        allow_charts()
    k = scores.get("k") if isinstance(scores, dict) else None
    return render_template(
        "rep/thanks.html", result=result, chart_spec=spec, k=k, results_url=_results_url(scores)
    )


def _results_url(scores) -> str | None:
    """The share-back link of the team the rep answered for (the same for all its reps)."""
    team = scores.get("team") if isinstance(scores, dict) else None
    if not (isinstance(team, list) and len(team) == 2 and all(type(i) is int for i in team)):
        return None
    return share_url(*team)


def _save_in_background(token, entry: Entry, questionnaire, current: Page, draft, state: dict):
    """``action=save``: keep what the page holds so far, exactly as Next would keep it (a
    malformed field refuses the whole post with 400; a block with errors is left out), without
    moving on: 204, no page."""
    _action((SAVE,))
    team_ids = _other_team_ids(entry) if current.kind == "cooperation" else set()
    try:
        posted = _read_page(current, questionnaire, team_ids)
    except MalformedAnswer as error:
        abort(400, str(error))
    _save(token, entry, draft, _merge(state, posted, keep_invalid=False))
    return "", 204


def _read_page(current: Page, questionnaire, team_ids: set[int]) -> PageInput:
    if current.kind == "items":
        return read_items(request.form, current.items, questionnaire.scale)
    return read_cooperation(request.form, questionnaire.cooperation, team_ids)


def _merge(state: dict, posted: PageInput, keep_invalid: bool) -> dict:
    """A new state with this page's answers; blocks with errors are not kept."""
    merged = {**state, "answers": {**state.get("answers", {}), **posted.answers}}
    if posted.cooperation is not None and (keep_invalid or not posted.errors):
        merged["cooperation"] = posted.cooperation
    return merged


# Built once: which of the posted team ids the respondent may name.
_NAMEABLE = select(Team.id).where(
    Team.id.in_(bindparam("posted", expanding=True)),
    Team.organisation_id == bindparam("organisation_id"),
    Team.archived_at.is_(None),
    Team.id != bindparam("own_team_id"),
)


def _other_team_ids(entry: Entry) -> set[int]:
    """Of the team ids posted on the cooperation page, those the respondent may name (active
    teams of the organisation but their own); no statement when none are posted."""
    posted = {
        team_id
        for name in request.form
        if name.startswith(COOPERATION_PREFIX)
        for team_id in map(parse_id, request.form.getlist(name))
        if team_id is not None and team_id <= LARGEST_ID  # beyond, no team: refused as unknown
    }
    if not posted:
        return set()
    parameters = {
        "posted": sorted(posted),
        "organisation_id": entry.assessment.organisation_id,
        "own_team_id": entry.team_id,
    }
    return set(db.session.scalars(_NAMEABLE, parameters))


def _other_teams(entry: Entry) -> dict[int, str]:
    """Every active team of the organisation but the respondent's own, by path."""
    teams = list(db.session.scalars(teams_of(entry.assessment.organisation_id)))
    paths = team_paths(teams)
    return dict(
        sorted(
            ((team_id, path) for team_id, path in paths.items() if team_id != entry.team_id),
            key=lambda pair: pair[1],
        )
    )


def _render_page(token, questionnaire, pages, current, state, posted: PageInput, teams):
    shown = _merge(state, posted, keep_invalid=True)
    return render_template(
        f"rep/page_{current.kind}.html",
        token=token,
        questionnaire=questionnaire,
        pages=pages,
        page=current,
        answers=shown.get("answers", {}),
        ladder=shown.get("ladder") or [],
        cooperation=shown.get("cooperation") or {},
        teams=teams,
        errors=posted.errors,
        incomplete=request.args.get("incomplete") == "1",
        language_form="answers",
        scale=_scale_choices(questionnaire.scale) if current.kind == "items" else (),
    )


def _scale_choices(scale) -> tuple[tuple[int, str], ...]:
    """The scale's points as (value, label): the key of each item's radio group."""
    return tuple((scale.min + offset, label) for offset, label in enumerate(scale.labels))


# --- The WHY ladder: one step per screen (see survey.rep.ladder_steps) -----------------------


def _ladder_page(token: str, entry: Entry, questionnaire, pages, current: Page, draft, state):
    """Show a step of the ladder, or take what it posted: "Ask me why again" moves to the next
    step, "That's where it ends" to the next page (or sends the answers), Back to the step
    before. A background save keeps the step's words without moving."""
    ladder = questionnaire.ladder
    asked = parse_id(request.values.get("step", ""))
    number = step_to_show(state, ladder, asked)
    if request.method == "GET":
        if asked is not None and asked != number:
            return redirect(url_for("rep.page", token=token, number=current.number, step=number))
        return _render_step(token, questionnaire, pages, current, state, draft, number, {})
    saving = request.form.get("action") == SAVE
    action = _action((SAVE,) if saving else LADDER_ACTIONS)
    try:
        posted = read_ladder_step(request.form, ladder)
    except MalformedAnswer as error:
        abort(400, str(error))
    if asked != number:
        abort(400, _("This step of the ladder cannot be answered yet."))
    if saving:
        if not posted.errors:
            _save(token, entry, draft, with_step(state, number, posted.step))
        return "", 204
    if action == BACK:
        kept = state if posted.errors else with_step(state, number, posted.step)
        _save(token, entry, draft, {**kept, "ladder_at": max(1, number - 1)})
        if number > 1:
            return redirect(
                url_for("rep.page", token=token, number=current.number, step=number - 1)
            )
        return redirect(url_for("rep.page", token=token, number=max(1, current.number - 1)))
    if action == DEEPER and number >= ladder.max_rungs:
        abort(400, _("This is the ladder's last step."))
    ended = stopped_at(state, number, posted.step)
    errors = dict(posted.errors)
    too_short = len(ended["ladder"]) < ladder.min_rungs
    if not errors and posted.step is None and (action == DEEPER or too_short):
        errors["words"] = _("Please write a few words first.")
    if errors:
        kept = with_step(state, number, posted.step)
        page = _render_step(token, questionnaire, pages, current, kept, draft, number, errors)
        return page, 422
    if action == DEEPER:
        _save(token, entry, draft, going_deeper(state, number, posted.step))
        return redirect(url_for("rep.page", token=token, number=current.number, step=number + 1))
    state = ended
    if current.number < len(pages):
        return _onwards(token, entry, pages, current.number, draft, state)
    return _send(token, entry, questionnaire, pages, draft, state)


def _render_step(token, questionnaire, pages, current, state, draft, number: int, errors):
    ladder = questionnaire.ladder
    steps = steps_of(state)
    return render_template(
        "rep/page_ladder.html",
        token=token,
        questionnaire=questionnaire,
        pages=pages,
        page=current,
        step_number=number,
        step=steps[number - 1] if number <= len(steps) else {},
        question=question_for(ladder, steps, number),
        kinds=kinds_in_order(ladder, draft.id if draft is not None else 0),
        errors=errors,
        incomplete=request.args.get("incomplete") == "1",
        language_form="answers",
    )
