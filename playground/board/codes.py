"""Board codes and instructor tokens.

A board's code is read aloud and typed on thirty laptops: CODE_LENGTH characters from an
alphabet without look-alikes (no 0/O, 1/I/L, 2/Z, 5/S, U/V, 8/B). Typed codes are read
forgivingly (`normalize_code`: case, spaces and dashes do not matter). The instructor's
token is a secret of TOKEN_BYTES random bytes; the database keeps only its SHA-256.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"  # no two characters a room could confuse
CODE_LENGTH = 6  # 23^6 ~ 148 million codes
TOKEN_BYTES = 16  # 128 bits, URL-safe base64 (22 characters)


def new_code() -> str:
    """A random board code: CODE_LENGTH characters of ALPHABET."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: object) -> str | None:
    """The code a person typed (`" abc-779 "` -> `"ABC779"`), or None when it cannot be
    one (wrong length, a character outside ALPHABET). Never raises."""
    if not isinstance(text, str):
        return None
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def new_token() -> str:
    """A fresh instructor token (URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """What the database keeps of a token: its SHA-256, hex."""
    return hashlib.sha256(str(token).encode("utf-8", "surrogatepass")).hexdigest()


def token_matches(token: object, digest: str) -> bool:
    """Whether `token` is the one whose digest is `digest` (constant-time compare)."""
    if not isinstance(token, str) or not token:
        return False
    return hmac.compare_digest(token_digest(token), digest)
