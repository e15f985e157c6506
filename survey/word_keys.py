"""The key a release stores a step of a rep's words under: a keyed hash, not the response.

Apart from :mod:`survey.ladder_words` (which pools words with the analysis libraries) so that
the consultants' review of words needs none of them (README, *Workers*).
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

KEY_LENGTH = 24  # hex characters of the keyed hash: 96 bits


def word_key(response_id: int, position: int) -> str:
    """The key a release stores one step of words under (not the response's id)."""
    secret = str(current_app.secret_key).encode("utf-8")
    message = f"ladder-words:{response_id}:{position}".encode("ascii")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:KEY_LENGTH]
