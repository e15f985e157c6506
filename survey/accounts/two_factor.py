"""Two-factor authentication (TOTP, RFC 6238): secrets, their QR code, checking codes and the
recovery codes kept for a lost phone.

Codes are what authenticator apps expect: 6 digits, a 30-second step, HMAC-SHA-1 (pyotp). One
step either side of now is accepted (a phone's clock a little off), but never a step at or before
the last one accepted, so that a code seen over someone's shoulder cannot be used again. The
secret is stored sealed (``survey.accounts.sealed``). Recovery codes (80 random bits each) are
stored only as HMAC-SHA256 under a key derived from ``SECRET_KEY`` with HKDF-SHA256: a copy of
the database alone cannot test guesses against them.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from survey.accounts.sealed import seal, unseal
from survey.models import RecoveryCode, User
from survey.models._columns import utcnow

ISSUER = "Mindset Survey"
VALID_WINDOW = 1  # steps accepted either side of now
RECOVERY_CODE_COUNT = 10
REQUIRED_ROLES = ("admin", "consultant")  # when TWO_FACTOR_REQUIRED_FOR_STAFF; never managers
MAX_CODE_LENGTH = 64  # longer input is no code, refused before any work
RECOVERY_PURPOSE = b"mindset-survey recovery codes v1"


def new_secret() -> str:
    """A random base32 secret of 160 bits, as RFC 4226 recommends."""
    return pyotp.random_base32()


def grouped(secret: str) -> str:
    """``secret`` in groups of four, for typing it into an app by hand.

    >>> grouped("JBSWY3DPEHPK3PXP")
    'JBSW Y3DP EHPK 3PXP'
    """
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """``uri`` as a QR code: an SVG in a ``data:`` URI, made here (no outside service)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def digits(code: str) -> str:
    """A typed code without the spaces and dashes people add; other characters stay (and fail).

    >>> digits(" 123 456 ")
    '123456'
    """
    return "".join(code.split()).replace("-", "").lower()


def code_step(
    secret: str, code: str, *, after: int | None = None, now: float | None = None
) -> int | None:
    """The time step whose code ``code`` is, within ``VALID_WINDOW`` steps of ``now`` and later
    than the step ``after``; ``None`` when it is none of them."""
    code = digits(code[:MAX_CODE_LENGTH])
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(time.time() if now is None else now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if (after is None or step > after) and pyotp.utils.strings_equal(
            totp.generate_otp(step), code
        ):
            return step
    return None


def use_code(session: Session, secret_key: str, user: User, code: str) -> bool:
    """Whether ``code`` is a fresh code of ``user``'s app; it then becomes the last step used.

    The step is taken with one conditional UPDATE, so that two requests with the same code
    cannot both pass. Adds to ``session`` without committing.
    """
    secret = unseal(secret_key, user.totp_secret) if user.totp_secret else None
    step = code_step(secret, code, after=user.totp_last_step) if secret else None
    if step is None:
        return False
    taken = session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


def new_recovery_code() -> str:
    """Twenty random hex digits (80 bits) as ``xxxxx-xxxxx-xxxxx-xxxxx``."""
    code = secrets.token_hex(10)
    return "-".join(code[start : start + 5] for start in range(0, len(code), 5))


@functools.lru_cache(maxsize=4)
def _recovery_key(secret_key: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=RECOVERY_PURPOSE)
    return hkdf.derive(secret_key.encode())


def recovery_hash(secret_key: str, code: str) -> str:
    """The HMAC-SHA256 a recovery code is kept as, whatever its case, spaces and dashes."""
    typed = digits(code[:MAX_CODE_LENGTH]).encode()
    return hmac.new(_recovery_key(secret_key), typed, hashlib.sha256).hexdigest()


def replace_recovery_codes(session: Session, secret_key: str, user: User) -> list[str]:
    """``RECOVERY_CODE_COUNT`` new recovery codes for ``user``, replacing the earlier ones; only
    their hashes are added to ``session`` (no commit): show the codes once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(
        RecoveryCode(user_id=user.id, code_hash=recovery_hash(secret_key, code)) for code in codes
    )
    return codes


def recovery_codes_left(session: Session, user: User) -> int:
    return session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def use_recovery_code(session: Session, secret_key: str, user: User, code: str) -> bool:
    """Whether ``code`` is one of ``user``'s unused recovery codes; it is then used up (one
    conditional UPDATE, so that it works once even for two requests at once); no commit."""
    used = session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == recovery_hash(secret_key, code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def use_second_factor(session: Session, secret_key: str, user: User, code: str) -> str | None:
    """``"code"`` or ``"recovery code"``, whichever ``code`` is (then used up), else ``None``."""
    if use_code(session, secret_key, user, code):
        return "code"
    if use_recovery_code(session, secret_key, user, code):
        return "recovery code"
    return None


def turn_on(session: Session, secret_key: str, user: User, secret: str, step: int) -> list[str]:
    """Keep ``secret`` (sealed) for ``user``, whose app just gave the code of ``step``; the new
    recovery codes, to show once. No commit."""
    user.totp_secret = seal(secret_key, secret)
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    return replace_recovery_codes(session, secret_key, user)


def turn_off(session: Session, user: User) -> None:
    """Forget ``user``'s secret and recovery codes; no commit."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def required_for(user: User, required_for_staff: bool) -> bool:
    """Whether ``user`` must have two-factor on: admins and consultants, when the app says so."""
    return required_for_staff and user.role in REQUIRED_ROLES
