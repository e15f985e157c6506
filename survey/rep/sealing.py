"""Drafts sealed under the link: only whoever holds the link can read the answers saved so far.

The server keeps no token, only its SHA-256 (``survey.tokens``). A draft's answers are encrypted
with AES-256-GCM under a key derived by HKDF-SHA256 from the link's token, so a database copy,
a backup or a consultant's view of the tables holds ciphertext that nothing on the server can
open. A team link is shared by a whole team, so its drafts also mix in a random secret kept in
the answering browser's session cookie: a colleague with the same link cannot read them either.

When a reminder or a retried mail gives an invitation a fresh token, the old key is gone with
the old token: the old draft cannot be opened, so it is deleted and the new link starts a new
draft. The draft's id is bound in as associated data, so a sealed draft cannot be moved under
another draft's id.
"""

from __future__ import annotations

import base64
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"mindset-survey draft v1"
KEY_BYTES = 32
NONCE_BYTES = 12
BROWSER_SECRET_BYTES = 32


def new_browser_secret() -> str:
    """A random secret for one browser's team-link draft, as text for the session cookie."""
    return base64.urlsafe_b64encode(secrets.token_bytes(BROWSER_SECRET_BYTES)).decode("ascii")


def draft_key(token: str, browser_secret: str | None = None) -> bytes:
    """The AES-256 key of a link's draft: HKDF-SHA256 of the token (salted by the browser's
    secret for a team link)."""
    salt = base64.urlsafe_b64decode(browser_secret) if browser_secret else None
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=INFO)
    return hkdf.derive(token.encode("utf-8", "surrogatepass"))


def _associated(draft_id: int) -> bytes:
    return f"draft:{draft_id}".encode("ascii")


def seal(key: bytes, draft_id: int, state: dict) -> bytes:
    """``state`` as a random nonce followed by its AES-GCM ciphertext and tag."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    plain = json.dumps(state, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return nonce + AESGCM(key).encrypt(nonce, plain, _associated(draft_id))


def unseal(key: bytes, draft_id: int, sealed: bytes) -> dict | None:
    """The state sealed by :func:`seal`, or ``None`` when this key cannot open it.

    >>> key = draft_key("a-link-token")
    >>> unseal(key, 7, seal(key, 7, {"reached": 2}))
    {'reached': 2}
    >>> unseal(draft_key("a-fresh-link-token"), 7, seal(key, 7, {"reached": 2})) is None
    True
    """
    if len(sealed) <= NONCE_BYTES:
        return None
    try:
        plain = AESGCM(key).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _associated(draft_id)
        )
    except InvalidTag:
        return None
    state = json.loads(plain)
    return state if isinstance(state, dict) else None
