"""The dashboard application: ``create_app(settings)`` builds it, ``serve(app, host, port)`` runs it."""

from __future__ import annotations

import logging
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.database import open_database
from web import changes, claims, exports, pages, report, signoff
from web.auth import LoginRequired, login_page, login_redirect, logout
from web.catalog import Catalog, load_plan_files
from web.config import WebConfig
from web.context import WebContext, make_templates, web_of
from web.session import SessionMiddleware
from web.users import load_users
from web.verdicts import VerdictStore

log = logging.getLogger(__name__)
STATIC = __file__.rsplit("/", 1)[0] + "/static"
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; "
       "object-src 'none'")
ERROR_TITLES = {
    400: "Yêu cầu không hợp lệ", 401: "Cần đăng nhập", 403: "Không có quyền truy cập",
    404: "Không tìm thấy trang", 405: "Phương thức không được hỗ trợ", 413: "Dữ liệu quá lớn",
    500: "Lỗi hệ thống",
}


def create_app(settings: Any) -> Starlette:
    """The dashboard for ``settings`` (a ``cchc.settings.Settings`` or any object with
    ``database_url``, ``stream_url``, ``home``, ``plans_dir``; optional ``users_file``,
    ``secret_key``, ``session_max_age``, ``secure_cookies``)."""
    config = WebConfig.from_settings(settings)
    sessions = open_database(config.database_url)

    web = WebContext(config=config, users=load_users(config.users_file), sessions=sessions,
                     catalog=Catalog(load_plan_files(config.plans_dir)), store=VerdictStore(),
                     templates=make_templates())
    app = Starlette(routes=_routes(), middleware=[
        Middleware(SecurityHeaders),
        Middleware(SessionMiddleware, secret_key=config.secret_key,
                   max_age=config.session_max_age, secure=config.secure_cookies),
    ], exception_handlers={HTTPException: _http_error, LoginRequired: _login_required,
                           Exception: _server_error})
    app.state.web = web
    return app


def serve(app: Starlette, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run ``app`` with uvicorn until interrupted (behind a TLS proxy in production)."""
    import uvicorn

    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")


def _routes() -> list[Route | Mount]:
    return [
        Route("/healthz", _healthz),
        Route("/login", login_page, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", pages.matrix_page),
        Route("/drill/{plan}/{agency}/{rule}/{period}", pages.drilldown_page),
        Route("/agency/{plan}/{agency}", pages.agency_page),
        Route("/health", pages.health_page),
        Route("/snapshot/{article_id:int}", pages.snapshot_page),
        Route("/snapshot/{article_id:int}/raw", pages.snapshot_raw),
        Route("/attest", changes.attest, methods=["POST"]),
        Route("/override", changes.override, methods=["POST"]),
        Route("/exempt", changes.exempt, methods=["POST"]),
        Route("/claims", claims.claims_page, methods=["GET", "POST"]),
        Route("/claims/{claim_id:int}/accept", claims.accept, methods=["POST"]),
        Route("/claims/{claim_id:int}/reject", claims.reject, methods=["POST"]),
        Route("/signoff", signoff.sign, methods=["POST"]),
        Route("/audit", pages.audit_page),
        Route("/exports", exports.exports_page),
        Route("/exports/{name}", exports.download),
        Route("/report/{plan}/{quarter}", report.report_page),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]


async def _healthz(_request: Request) -> Response:
    return PlainTextResponse("ok")


class SecurityHeaders:
    """CSP and friends on every response; handlers may set a stricter CSP of their own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers", []))
                extra = [(b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"SAMEORIGIN")]
                if b"content-security-policy" not in headers:
                    extra.append((b"content-security-policy", CSP.encode()))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


async def _login_required(request: Request, _exc: Exception) -> Response:
    return login_redirect(request)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _error_page(request, exc.status_code, exc.detail)


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("dashboard error on %s", request.url.path, exc_info=exc)
    return _error_page(request, 500, "Đã có lỗi khi xử lý yêu cầu; lỗi đã được ghi lại. "
                                     "Thử lại sau hoặc báo quản trị hệ thống.")


def _error_page(request: Request, status: int, detail: str | None) -> Response:
    title = ERROR_TITLES.get(status, "Lỗi")
    message = detail if detail and not detail.isascii() else _default_detail(status)
    if request.url.path.startswith(("/exports/", "/api/")):
        return PlainTextResponse(f"{title}: {message}", status_code=status)
    return web_of(request).render(request, "error.html",
                                  {"status": status, "title": title, "message": message},
                                  status_code=status)


def _default_detail(status: int) -> str:
    return {
        404: "Trang hoặc dữ liệu bạn tìm không tồn tại. Kiểm tra lại đường dẫn.",
        405: "Trang này không nhận phương thức đó.",
        403: "Bạn không có quyền xem hoặc thay đổi nội dung này.",
        400: "Dữ liệu gửi lên không hợp lệ.",
    }.get(status, "Đã có lỗi khi xử lý yêu cầu.")
