"""Login, logout and the checks every page makes: signed in, allowed role, CSRF token."""

from __future__ import annotations

import logging
import time
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web.audit import record
from web.context import web_of
from web.session import CSRF_FIELD, csrf_ok
from web.users import User

log = logging.getLogger(__name__)
MACHINE_PREFIXES = ("/api/", "/exports/")


class LoginRequired(Exception):
    """Raised by ``require_user``; HTML pages redirect to /login, exports and the API get 401."""


def require_user(request: Request, roles: frozenset[str] | None = None) -> User:
    session = request.scope["session"]
    username = session.get("user")
    user = web_of(request).users.get(username) if isinstance(username, str) else None
    if user is None:
        raise LoginRequired()
    request.scope["user"] = user
    if roles is not None and user.role not in roles:
        raise HTTPException(403, "Vai trò của bạn không được phép thực hiện thao tác này.")
    return user


async def checked_form(request: Request) -> FormData:
    """The submitted form, after its CSRF token was checked against the session's."""
    form = await request.form()
    if not csrf_ok(request.scope["session"], form.get(CSRF_FIELD)):
        raise HTTPException(403, "Phiên biểu mẫu không hợp lệ hoặc đã hết hạn (thiếu mã CSRF). "
                                 "Tải lại trang rồi gửi lại.")
    return form


def safe_next(target: str | None) -> str:
    """Only local paths: never redirect a fresh login to another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def login_page(request: Request) -> Response:
    web = web_of(request)
    if request.method == "GET":
        return web.render(request, "login.html", {"next": safe_next(request.query_params.get("next"))})
    form = await checked_form(request)
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = safe_next(str(form.get("next", "/")))
    user = web.users.authenticate(username, password)
    if user is None:
        log.info("failed login for %r", username[:80])
        return web.render(request, "login.html", {
            "next": target, "username": username,
            "error": "Sai tên đăng nhập hoặc mật khẩu."}, status_code=401)
    session = request.scope["session"]
    session.clear()
    session["user"] = user.username
    session["login_at"] = int(time.time())
    with web.sessions() as db:
        record(db, user, "login", {})
        db.commit()
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    request.scope["session"].clear()
    return RedirectResponse("/login", status_code=303)


def login_redirect(request: Request) -> Response:
    if request.url.path.startswith(MACHINE_PREFIXES):
        return Response("Cần đăng nhập.", status_code=401, media_type="text/plain; charset=utf-8",
                        headers={"WWW-Authenticate": 'Cookie realm="cchc"'})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
