"""Secrets kept in the database (two-factor secrets, single sign-on client secrets), encrypted.

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under a key derived from the app's
``SECRET_KEY`` with HKDF-SHA256 (RFC 5869); a copy of the database alone does not reveal them.
Changing ``SECRET_KEY`` makes them unreadable: users then turn two-factor on again and
consultants enter the client secret again.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PURPOSE = b"mindset-survey sealed secrets v1"


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, text: str) -> str:
    """``text`` encrypted under a key derived from ``secret_key``.

    >>> unseal("k" * 32, seal("k" * 32, "JBSWY3DPEHPK3PXP"))
    'JBSWY3DPEHPK3PXP'
    """
    return _fernet(secret_key).encrypt(text.encode()).decode()


def unseal(secret_key: str, sealed: str) -> str | None:
    """What :func:`seal` encrypted, or ``None`` when it was sealed under another key or altered.

    >>> unseal("k" * 32, seal("other" * 8, "x")) is None
    True
    """
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None
