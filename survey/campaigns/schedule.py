"""Scheduling waves: when they open and close, the rules a schedule keeps, opening and closing now.

A wave is *scheduled* until it opens, *open* while ``opens_at <= now < closes_at`` (the rep's
links work only then) and *closed* afterwards. The waves of one assessment never overlap, so a
response belongs to exactly one of them. Times are UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from survey.models import Wave

STATUS_LABELS = {"scheduled": "Scheduled", "open": "Open", "closed": "Closed"}


@dataclass(frozen=True)
class Schedule:
    """A wave's name and times as asked for; ``opens_at`` is ``None`` when it was left out."""

    name: str
    opens_at: datetime | None
    closes_at: datetime


def wave_status(wave: Wave, now: datetime) -> str:
    """``"scheduled"``, ``"open"`` or ``"closed"`` (``Wave.status``)."""
    return wave.status(now)


def when(wave: Wave) -> str:
    """The wave's times in words, such as ``2 March 2026 09:00 to 16 March 2026 18:00 UTC``."""
    return f"{wave.opens_at:%d %B %Y %H:%M} to {wave.closes_at:%d %B %Y %H:%M} UTC"


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
        problems["name"] = f"This assessment already has a wave called {schedule.name!r}."
    if opens_at is None:
        problems["opens_at"] = "Give the opening date and time."
        return problems
    if not started and opens_at < now.replace(second=0, microsecond=0):
        problems["opens_at"] = (
            "That opening time has passed. Choose a time to come, or schedule the wave and "
            "use Open now."
        )
    if schedule.closes_at <= opens_at:
        problems["closes_at"] = "The wave must close after it opens."
    elif schedule.closes_at <= now:
        problems["closes_at"] = "That closing time has passed; choose one to come."
    else:
        clash = overlapping(opens_at, schedule.closes_at, others, skip=editing)
        if clash is not None:
            problems["closes_at" if started else "opens_at"] = (
                f"These times overlap {clash.name} ({when(clash)}); the waves of one "
                "assessment cannot overlap."
            )
    return problems


def open_now_problem(wave: Wave, others: list[Wave], now: datetime) -> str | None:
    """Why ``wave`` cannot open at ``now``, or ``None`` when it can."""
    status = wave_status(wave, now)
    if status != "scheduled":
        return f"{wave.name} is {status} already."
    clash = overlapping(now, wave.closes_at, others, skip=wave)
    if clash is not None:
        return (
            f"Opening {wave.name} now would overlap {clash.name} ({when(clash)}). Close or "
            "move that wave first."
        )
    return None


def close_now_problem(wave: Wave, now: datetime) -> str | None:
    """Why ``wave`` cannot close at ``now``, or ``None`` when it can."""
    status = wave_status(wave, now)
    if status == "scheduled":
        return f"{wave.name} has not opened yet; change its times instead."
    if status == "closed":
        return f"{wave.name} is closed already."
    return None
