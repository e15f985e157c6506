"""Scheduling waves: when they open and close, the rules a schedule keeps, opening and closing now.

A wave is *scheduled* until it opens, *open* while ``opens_at <= now < closes_at`` (the rep's
links work only then) and *closed* afterwards. The waves of one assessment never overlap, so a
response belongs to exactly one of them. Times are stored in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from survey import i18n
from survey.models import Wave

STATUS_LABELS = {"scheduled": _l("Scheduled"), "open": _l("Open"), "closed": _l("Closed")}


@dataclass(frozen=True)
class Schedule:
    """A wave's name and times as asked for; ``opens_at`` is ``None`` when it was left out."""

    name: str
    opens_at: datetime | None
    closes_at: datetime


def wave_status(wave: Wave, now: datetime) -> str:
    """``"scheduled"``, ``"open"`` or ``"closed"`` (``Wave.status``)."""
    return wave.status(now)


DEFAULT_WAVE_DAYS = 21


def midnight_defaults(
    now: datetime, zone: str, after: datetime | None = None, days: int = DEFAULT_WAVE_DAYS
) -> dict:
    """A new wave's times as its form first shows them, as wall-clock times in ``zone``: from
    the first midnight after ``now`` and after ``after`` (the last wave's close), for ``days``
    days, midnight to midnight.

    >>> times = midnight_defaults(datetime(2026, 12, 1, 9, 30), "Europe/Stockholm")
    >>> times["opens_at"], times["closes_at"]
    (datetime.datetime(2026, 12, 2, 0, 0), datetime.datetime(2026, 12, 23, 0, 0))
    >>> midnight_defaults(datetime(2026, 12, 1), "UTC", after=datetime(2027, 1, 5))["opens_at"]
    datetime.datetime(2027, 1, 5, 0, 0)
    """
    opens = i18n.to_local(i18n.local_midnight(now, zone), zone) + timedelta(days=1)
    if after is not None:
        last = i18n.to_local(after, zone)
        first_free = last.replace(hour=0, minute=0, second=0, microsecond=0)
        if first_free < last:
            first_free += timedelta(days=1)
        opens = max(opens, first_free)
    return {"opens_at": opens, "closes_at": opens + timedelta(days=days)}


def when(wave: Wave) -> str:
    """The wave's times in words, in the reader's language and zone (named)."""
    return _(
        "%(opens)s to %(closes)s",
        opens=i18n.when(wave.opens_at),
        closes=i18n.when(wave.closes_at),
    )


def overlapping(
    opens_at: datetime, closes_at: datetime, others: list[Wave], skip: Wave | None = None
) -> Wave | None:
    """The first of ``others`` but ``skip`` whose time overlaps ``[opens_at, closes_at)``."""
    for other in sorted(others, key=lambda wave: wave.opens_at):
        if other is not skip and opens_at < other.closes_at and other.opens_at < closes_at:
            return other
    return None


def schedule_problems(
    schedule: Schedule, others: list[Wave], now: datetime, editing: Wave | None = None
) -> dict[str, str]:
    """What is wrong with ``schedule``, by form field; empty when it can be saved.

    Parameters
    ----------
    schedule
        The name and times asked for.
    others
        The assessment's waves (``editing`` among them or not).
    now
        The current time, UTC.
    editing
        The wave being changed, or ``None`` for a new one. Once it has opened, its opening time
        stays what it was, whatever ``schedule`` says.
    """
    problems: dict[str, str] = {}
    started = editing is not None and editing.opens_at <= now
    opens_at = editing.opens_at if started else schedule.opens_at
    names = {wave.name.casefold() for wave in others if wave is not editing}
    if schedule.name.casefold() in names:
        problems["name"] = _(
            "This assessment already has a wave called %(name)s.", name=repr(schedule.name)
        )
    if opens_at is None:
        problems["opens_at"] = _("Give the opening date and time.")
        return problems
    if not started and opens_at < now.replace(second=0, microsecond=0):
        problems["opens_at"] = _(
            "That opening time has passed. Choose a time to come, or schedule the wave and "
            "use Open now."
        )
    if schedule.closes_at <= opens_at:
        problems["closes_at"] = _("The wave must close after it opens.")
    elif schedule.closes_at <= now:
        problems["closes_at"] = _("That closing time has passed; choose one to come.")
    else:
        clash = overlapping(opens_at, schedule.closes_at, others, skip=editing)
        if clash is not None:
            problems["closes_at" if started else "opens_at"] = _(
                "These times overlap %(wave)s (%(when)s); the waves of one assessment cannot "
                "overlap.",
                wave=clash.name,
                when=when(clash),
            )
    return problems


def open_now_problem(wave: Wave, others: list[Wave], now: datetime) -> str | None:
    """Why ``wave`` cannot open at ``now``, or ``None`` when it can."""
    status = wave_status(wave, now)
    if status != "scheduled":
        if status == "open":
            return _("%(wave)s is open already.", wave=wave.name)
        return _("%(wave)s is closed already.", wave=wave.name)
    clash = overlapping(now, wave.closes_at, others, skip=wave)
    if clash is not None:
        return _(
            "Opening %(wave)s now would overlap %(other)s (%(when)s). Close or move that wave "
            "first.",
            wave=wave.name,
            other=clash.name,
            when=when(clash),
        )
    return None


def close_now_problem(wave: Wave, now: datetime) -> str | None:
    """Why ``wave`` cannot close at ``now``, or ``None`` when it can."""
    status = wave_status(wave, now)
    if status == "scheduled":
        return _("%(wave)s has not opened yet; change its times instead.", wave=wave.name)
    if status == "closed":
        return _("%(wave)s is closed already.", wave=wave.name)
    return None


MAX_REMINDERS = 4
REMINDER_DAY_LIMIT = 90


def reminder_days(text: str | None) -> list[int]:
    """The days after opening typed on the wave form (``"3, 7"``), sorted; ``ValueError`` with
    words for the consultant when they are not a few distinct whole numbers from 1 to 90.

    >>> reminder_days(" 7,3 ")
    [3, 7]
    >>> reminder_days("")
    []
    >>> reminder_days("3, three")
    Traceback (most recent call last):
    ...
    ValueError: Write whole numbers of days separated by commas, such as 3, 7.
    """
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",")]
    parts = [part for part in parts if part]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError(_("Write whole numbers of days separated by commas, such as 3, 7."))
    days = sorted({int(part) for part in parts})
    if len(days) != len(parts):
        raise ValueError(_("Each day may appear once."))
    if len(days) > MAX_REMINDERS:
        raise ValueError(_("At most %(count)s reminders per wave.", count=MAX_REMINDERS))
    if days and not 1 <= days[0] <= days[-1] <= REMINDER_DAY_LIMIT:
        raise ValueError(_("Reminder days run from 1 to %(most)s.", most=REMINDER_DAY_LIMIT))
    return days


def reminders_problem(days: list[int], opens_at: datetime, closes_at: datetime) -> str | None:
    """Why reminders on ``days`` cannot go out before the wave closes, else ``None``."""
    late = [day for day in days if opens_at + timedelta(days=day) >= closes_at]
    if late:
        return ngettext(
            "Day %(days)s comes after the wave has closed.",
            "Days %(days)s come after the wave has closed.",
            len(late),
            days=", ".join(str(day) for day in late),
        )
    return None
