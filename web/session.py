"""Signed-cookie sessions that expire, and the per-session CSRF token.

The cookie holds a small JSON object signed with itsdangerous (timestamped): it is HttpOnly,
SameSite=Lax, Secure when served over https (or as configured), and is refused once older than
``max_age`` seconds. It is written only when the session changes (login, logout, first CSRF
token), so the expiry counts from login and is not extended by browsing.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from typing import Any

from itsdangerous import BadSignature, TimestampSigner
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "cchc_session"
CSRF_FIELD = "csrf_token"


class Session(dict):
    """The session dict; ``modified`` tells the middleware to write the cookie."""

    modified = False

    def __setitem__(self, key: str, value: Any) -> None:
        self.modified = True
        super().__setitem__(key, value)

    def clear(self) -> None:
        self.modified = True
        super().clear()


class SessionMiddleware:
    def __init__(self, app: ASGIApp, secret_key: str, max_age: int,
                 secure: bool | None = None) -> None:
        self.app = app
        self.signer = TimestampSigner(secret_key, salt="cchc-web-session")
        self.max_age = max_age
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        session = Session(self.load(connection.cookies.get(COOKIE)))
        scope["session"] = session
        secure = self.secure if self.secure is not None else connection.url.scheme == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.modified:
                headers = MutableHeaders(scope=message)
                headers.append("Set-Cookie", self.cookie(session, secure))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def load(self, cookie: str | None) -> dict[str, Any]:
        if not cookie:
            return {}
        try:
            raw = self.signer.unsign(cookie.encode("ascii"), max_age=self.max_age)
            data = json.loads(base64.urlsafe_b64decode(raw))
        except (BadSignature, ValueError, UnicodeError):
            return {}
        return data if isinstance(data, dict) else {}

    def dump(self, data: dict[str, Any]) -> str:
        raw = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode())
        return self.signer.sign(raw).decode("ascii")

    def cookie(self, session: Session, secure: bool) -> str:
        flags = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")
        if not session:
            return f"{COOKIE}=; {flags}; Max-Age=0"
        return f"{COOKIE}={self.dump(dict(session))}; {flags}; Max-Age={self.max_age}"


def csrf_token(session: Session) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_ok(session: Session, submitted: object) -> bool:
    expected = session.get("csrf")
    return bool(expected) and isinstance(submitted, str) and hmac.compare_digest(
        expected.encode(), submitted.encode())
