"""Everything a request handler needs, built once by ``create_app``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse

from web import labels
from web.catalog import Catalog
from web.config import WebConfig
from web.matrix import MatrixCache
from web.session import csrf_token
from web.users import User, UserDirectory
from web.verdicts import VerdictStore


def make_templates() -> Environment:
    env = Environment(loader=PackageLoader("web", "templates"),
                      autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters.update(
        vndate=labels.vn_date, vndatetime=labels.vn_datetime, status_words=labels.status_words,
        status_class=labels.status_class, counted_words=labels.counted_words,
        period_words=labels.quarter_words, http_url=labels.http_url,
    )
    env.globals.update(KIND_NAMES=labels.KIND_NAMES, STATUS_ORDER=labels.STATUS_ORDER,

                       ATTESTABLE=labels.ATTESTABLE)
    return env


@dataclass
class WebContext:
    config: WebConfig
    users: UserDirectory
    sessions: sessionmaker[Session]
    catalog: Catalog
    store: VerdictStore
    templates: Environment
    matrices: MatrixCache = field(default_factory=MatrixCache)

    @property
    def outbox_path(self) -> Path:
        return self.config.home / "web-outbox.db"

    def render(self, request: Request, name: str, context: dict[str, Any],
               status_code: int = 200) -> HTMLResponse:
        user: User | None = request.scope.get("user")
        page = {"request": request, "user": user,
                "csrf": csrf_token(request.scope["session"]) if "session" in request.scope else "",
                **context}
        return HTMLResponse(self.templates.get_template(name).render(page),
                            status_code=status_code)


def web_of(request: Request) -> WebContext:
    return request.app.state.web
