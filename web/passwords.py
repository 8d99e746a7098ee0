"""Password hashes: PBKDF2-SHA256 (hashlib), salt and iterations kept in the stored string.

Stored form: ``pbkdf2_sha256$<iterations>$<salt, base64>$<hash, base64>``.

An operator makes a hash for ``users.yaml`` with ``cchc users hash`` (it prompts for the
password), or directly::

    python -c "import getpass, web.passwords as p; print(p.hash_password(getpass.getpass()))"
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP 2023 figure for PBKDF2-HMAC-SHA256
MIN_ITERATIONS = 1_000


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    if not password:
        raise ValueError("mật khẩu không được để trống")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches ``stored``; False for a wrong password or a malformed hash."""
    try:
        algorithm, iterations_text, salt_text, digest_text = stored.split("$")
        iterations = int(iterations_text)
        salt, expected = _unb64(salt_text), _unb64(digest_text)
    except ValueError:
        return False
    if algorithm != ALGORITHM or iterations < MIN_ITERATIONS or not expected:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(digest, expected)


def is_valid_hash(stored: str) -> bool:
    parts = stored.split("$")
    return len(parts) == 4 and parts[0] == ALGORITHM and parts[1].isdigit()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (ValueError, base64.binascii.Error) as error:
        raise ValueError(str(error)) from error
