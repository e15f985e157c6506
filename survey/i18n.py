"""Languages and time zones: who reads a page in which language, and in which zone.

The app speaks the languages of ``LANGUAGES`` through Flask-Babel: every text a person reads
goes through ``gettext`` (``_`` in templates and Python, ``lazy_gettext`` for texts made at import
time, such as form labels), and the catalogues in ``survey/translations`` are compiled by
``flask build-assets``. The language of a request is, in this order:

1. the one this browser chose with the language switch (kept in the session);
2. on a staff page, the user's own choice in their profile; on a survey page, the language on
   the rep's roster row (set on ``g.roster_language`` when their invitation link is opened; a
   survey page loads no account);
3. the best match for the browser's ``Accept-Language``;
4. English, the source language.

Times are stored in UTC and shown in the reader's zone, named: a rep's team's zone (or its
organisation's), a staff user's own choice, else the zone of the organisation a manager belongs
to, else UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from flask import Flask, g, has_request_context, request, session
from flask_babel import Babel, get_locale, get_timezone, get_translations, gettext, ngettext
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from wtforms import SelectChoice

from analysis import _text as analysis_text

SOURCE_LANGUAGE = "en"
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français", "de": "Deutsch", "es": "Español"}
"""The languages the app and the questionnaires speak, each named in itself."""
SESSION_KEY = "language"


def init_app(app: Flask) -> None:
    """Install Flask-Babel with this module's choice of language and zone, and the filters."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", SOURCE_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path) + "/translations")
    Babel(app, locale_selector=chosen_language, timezone_selector=chosen_zone)
    app.jinja_env.install_gettext_callables(  # in place of Flask-Babel's: see ``catalogue``
        gettext=lambda text: catalogue().ugettext(text),
        ngettext=lambda singular, plural, n: catalogue().ungettext(singular, plural, n),
        pgettext=lambda context, text: catalogue().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: catalogue().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        _=template_gettext, gettext=template_gettext, ngettext=template_ngettext
    )
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} paragraphs on many lines
    app.jinja_env.filters.update(when=when, day=day, number=number, percent=percent)
    app.context_processor(
        lambda: {"languages": LANGUAGES, "language": language(), "csv_style": _csv_style}
    )
    analysis_text.install(gettext, ngettext, joined)


def catalogue() -> Translations | NullTranslations:
    """The catalogue of the request's language: ``flask_babel.get_translations()``, looked up
    once and kept on the request's Babel state for as long as its locale stays the same object.

    A page calls ``_`` a dozen times; Flask-Babel resolves its request state, domain and locale
    on each call. ``force_locale`` and ``refresh`` replace or drop the locale, so the kept
    catalogue is not used past them.
    """
    try:  # one look-up of the request's state (``g`` raises RuntimeError outside a context)
        state = g._flask_babel
        locale, translations = state.catalogue
        if locale is state.babel_locale:
            return translations
    except (AttributeError, RuntimeError):
        pass
    translations = get_translations()
    state = g.get("_flask_babel") if g else None
    locale = getattr(state, "babel_locale", None)
    if locale is not None:
        state.catalogue = (locale, translations)  # type: ignore[union-attr]
    return translations


@pass_eval_context
def template_gettext(eval_context: EvalContext, text: str, /, **variables: object) -> str:
    """A template's ``_`` and ``gettext``, as Jinja's new-style ``gettext`` (escaped where the
    template escapes, always a format string), in one call instead of three through the template's
    context: ``_`` is Jinja's alias of ``gettext``, which calls the translating function. Its
    own arguments are positional only: a template's ``{% trans text=... %}`` is a variable."""
    translated = catalogue().ugettext(text)
    return (Markup(translated) if eval_context.autoescape else translated) % variables


@pass_eval_context
def template_ngettext(
    eval_context: EvalContext, singular: str, plural: str, num: int, /, **variables: object
) -> str:
    """A template's ``ngettext``, as Jinja's new-style one (``num`` given to the format)."""
    variables.setdefault("num", num)
    translated = catalogue().ungettext(singular, plural, num)
    return (Markup(translated) if eval_context.autoescape else translated) % variables


def _csv_style():
    from survey.spreadsheet import requested_style  # it reads this module's language

    return requested_style()


def supported(code: object) -> str | None:
    """``code`` when it is one of ``LANGUAGES``, else None.

    >>> supported("fr"), supported("FR"), supported("it"), supported(None)
    ('fr', None, None, None)
    """
    return code if isinstance(code, str) and code in LANGUAGES else None


def chosen_language() -> str:
    """The language of this request (see the module's docstring for the order); the source
    language outside a request (a command, a background thread), unless forced."""
    if not has_request_context():
        return SOURCE_LANGUAGE
    chosen = supported(session.get(SESSION_KEY))
    if chosen:
        return chosen
    if request.blueprint != "rep" and current_user and current_user.is_authenticated:
        own = supported(getattr(current_user, "language", None))
        if own:
            return own
    roster = supported(g.get("roster_language"))
    if roster:
        return roster
    return request.accept_languages.best_match(LANGUAGES, default=SOURCE_LANGUAGE)


def choose_language(code: str) -> bool:
    """Keep ``code`` as this browser's language; False when it is not one we speak."""
    if not supported(code):
        return False
    session[SESSION_KEY] = code
    return True


def language() -> str:
    """The language of the current request, as a code of ``LANGUAGES``."""
    return str(get_locale() or SOURCE_LANGUAGE)


def chosen_zone() -> str:
    """The reader's zone: a rep's team's, else a staff user's own or their team's, else UTC.

    ``g.reader_zone`` holds a zone, or a function that looks one up (called once, when a time
    is first shown).
    """
    if not has_request_context():
        return "UTC"
    zone = g.get("reader_zone")
    if callable(zone):
        zone = g.reader_zone = zone()
    if zone:
        return zone
    if current_user and current_user.is_authenticated:
        return getattr(current_user, "reading_zone", None) or "UTC"
    return "UTC"


def valid_zone(name: object) -> bool:
    """Whether ``name`` is an IANA time zone this machine knows.

    >>> valid_zone("Europe/Madrid"), valid_zone("Mars/Olympus"), valid_zone("")
    (True, False, False)
    """
    return isinstance(name, str) and name in _zones()


def zone_choices() -> list[SelectChoice]:
    """Every IANA zone as a choice of a select field, UTC first."""
    return [SelectChoice(name, name) for name in ["UTC", *sorted(_zones() - {"UTC"})]]


def _zones() -> set[str]:
    if not hasattr(_zones, "cache"):
        _zones.cache = {name for name in available_timezones() if "/" in name or name == "UTC"}  # type: ignore[attr-defined]
    return _zones.cache  # type: ignore[attr-defined]


def when(moment: datetime | None, zone: str | None = None) -> str:
    """A stored UTC time as the reader reads it: their locale's date and time, and the zone named.

    ``zone`` overrides the reader's zone (an e-mail is read in the addressee's zone).
    """
    if moment is None:
        return ""
    tz = ZoneInfo(zone) if zone else get_timezone()
    local = _as_utc(moment).astimezone(tz)
    locale = language()
    name = getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)
    shown_date = format_date(local, "long", locale=locale)
    return f"{shown_date}, {format_time(local, 'short', locale=locale)} ({name})"


def day(moment: date | datetime | None, zone: str | None = None) -> str:
    """A date (or the date of a stored UTC time, in the reader's zone) in the reader's locale."""
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        tz = ZoneInfo(zone) if zone else get_timezone()
        moment = _as_utc(moment).astimezone(tz).date()
    return format_date(moment, "long", locale=language())


def number(value: float | int | None, digits: int = 0) -> str:
    """A number in the reader's locale, with ``digits`` decimals (1 234,5 in French)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=language())


def percent(share: float | None, digits: int = 0) -> str:
    """A share (0.25) as a percentage in the reader's locale (25 %, 25%)."""
    if share is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(share, format=pattern, locale=language())


def to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` (as a form gives it) as a stored, naive UTC time.

    >>> to_utc(datetime(2026, 12, 1, 0, 0), "Europe/Madrid")
    datetime.datetime(2026, 11, 30, 23, 0)
    """
    aware = local.replace(tzinfo=ZoneInfo(zone))
    return aware.astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime, zone: str) -> datetime:
    """A stored, naive UTC time as the wall clock in ``zone`` shows it (naive, for a form).

    >>> to_local(datetime(2026, 11, 30, 23, 0), "Europe/Madrid")
    datetime.datetime(2026, 12, 1, 0, 0)
    """
    return _as_utc(moment).astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def local_midnight(moment: datetime, zone: str) -> datetime:
    """The stored (naive UTC) time of the midnight in ``zone`` that starts ``moment``'s local day.

    >>> local_midnight(datetime(2026, 7, 1, 12, 30), "Europe/Stockholm")
    datetime.datetime(2026, 6, 30, 22, 0)
    """
    local = to_local(moment, zone)
    return to_utc(local.replace(hour=0, minute=0, second=0, microsecond=0), zone)


def joined(parts: list[str]) -> str:
    """``a, b and c`` in the reader's language (English keeps its house style, no comma before
    "and").

    >>> joined(["a", "b", "c"])
    'a, b and c'
    """
    code = language() if has_request_context() else SOURCE_LANGUAGE
    if code == SOURCE_LANGUAGE:
        return analysis_text.english_list(parts)
    return format_list(list(parts), locale=code)


def _as_utc(moment: datetime) -> datetime:
    """Stored times are naive UTC; make them aware."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
