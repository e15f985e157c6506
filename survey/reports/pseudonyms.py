"""What stands for a respondent in an export: a fresh row id, and in confidential mode a pseudonym.

Row ids are random for every download, so they match neither the database nor another export.
The pseudonym pairs one person's responses across the waves of an assessment (the purpose of
confidential mode) without showing the stored key: it is HMAC-SHA256 (RFC 2104) of the
respondent key, keyed by a key derived with HMAC-SHA256 from the app's SECRET_KEY and the
assessment's id. It is stable for one assessment, differs between assessments, and cannot be
turned back into the key without the SECRET_KEY.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PSEUDONYM_HEX_DIGITS = 16  # 64 bits: no collision in practice among an assessment's people
ROW_ID_BYTES = 8


def pseudonym_key(secret_key: str | bytes, assessment_id: int) -> bytes:
    """The HMAC key for one assessment's pseudonyms, derived from the app's secret key."""
    if not secret_key:
        raise ValueError("secret_key must not be empty")
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    label = f"mindset-survey export pseudonym, assessment {assessment_id}".encode()
    return hmac.new(secret, label, hashlib.sha256).digest()


def export_pseudonym(key: bytes, respondent_key: str) -> str:
    """The pseudonym shown in exports for one stored respondent key."""
    digest = hmac.new(key, respondent_key.encode(), hashlib.sha256).hexdigest()
    return digest[:PSEUDONYM_HEX_DIGITS]


def new_row_id() -> str:
    """A random id for one response in one export."""
    return secrets.token_hex(ROW_ID_BYTES)
