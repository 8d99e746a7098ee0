"""Serve the bundled sample sites on loopback for ``cchc demo`` and for crawler tests.

The sites under ``sites/`` are plain static files. Three things make them behave like real sites:
``{base}`` inside text files is replaced by the server's own URL at serve time (so feeds and
canonical links are absolute); every file gets an ETag and Last-Modified and conditional GETs are
answered with 304; and ``sites/_routes.yaml`` turns some paths into failures (HTTP 503, a slow
answer) so that "we could not read the site" can be shown next to "the agency published nothing".
Files and folders whose name starts with ``_`` or ``.`` are never served.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import unquote, urlsplit

import yaml

log = logging.getLogger(__name__)

SITES_DIR = Path(__file__).resolve().parent / "sites"
ROUTES_FILE = "_routes.yaml"
BASE_PLACEHOLDER = b"{base}"

_TEXT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".txt": "text/plain",
    ".css": "text/css",
    ".json": "application/json",
    ".xml": "application/xml",
}
_BINARY_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".ico": "image/x-icon"}


class RoutesError(ValueError):
    """The routes file of the sample sites is malformed."""


@dataclass(frozen=True)
class Route:
    """Special behaviour for one path; a path ending in "/" also covers everything below it."""

    path: str
    status: int | None = None  # answer with this error status instead of the file
    delay_seconds: float = 0.0  # wait this long before answering
    retry_after: int | None = None
    body: str = ""

    def matches(self, path: str) -> bool:
        return path == self.path or (self.path.endswith("/") and path.startswith(self.path))


def load_routes(root: Path) -> list[Route]:
    """Read ``_routes.yaml`` from the sites folder; no file means no special routes."""
    file = root / ROUTES_FILE
    if not file.is_file():
        return []
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    entries = data.get("routes", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise RoutesError(f"{file}: expected a mapping with a 'routes' list")
    routes = []
    for index, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not str(entry.get("path", "")).startswith("/"):
            raise RoutesError(f"{file}: route {index} needs a 'path' starting with '/'")
        try:
            routes.append(Route(**entry))
        except TypeError as exc:
            raise RoutesError(f"{file}: route {index} ({entry['path']}): {exc}") from exc
    return routes


def content_type(path: Path) -> str:
    """Content-Type with charset for text; RSS files (name contains "rss") as RSS."""
    suffix = path.suffix.lower()
    if suffix == ".xml" and "rss" in path.name.lower():
        return "application/rss+xml; charset=utf-8"
    if suffix in _TEXT_TYPES:
        return f"{_TEXT_TYPES[suffix]}; charset=utf-8"
    return _BINARY_TYPES.get(suffix, "application/octet-stream")


class _SitesHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path, routes: list[Route]) -> None:
        super().__init__(address, _Handler)
        self.root = root
        self.routes = routes
        self.stopping = threading.Event()
        host, port = self.server_address[:2]
        self.base_url = f"http://{host}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: _SitesHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "CCHCDemoSites/1.0"

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("demo sites: " + format, *args)

    def _answer(self, *, with_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        route = next((r for r in self.server.routes if r.matches(path)), None)
        if route and route.delay_seconds and self.server.stopping.wait(route.delay_seconds):
            return  # shutting down: drop the connection
        if route and route.status:
            self._send_error(route)
            return
        file = self._resolve(path)
        if file is None:
            self._send(
                HTTPStatus.NOT_FOUND,
                "text/plain; charset=utf-8",
                "Không tìm thấy trang.\n".encode(),
                with_body=with_body,
            )
            return
        self._send_file(file, with_body=with_body)

    def _resolve(self, path: str) -> Path | None:
        """Map a URL path to a file inside the root, refusing hidden names and traversal."""
        parts = [p for p in path.split("/") if p]
        if any(p.startswith((".", "_")) or "\\" in p for p in parts):
            return None
        root = self.server.root
        candidate = root.joinpath(*parts).resolve()
        if not candidate.is_relative_to(root):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _send_file(self, file: Path, *, with_body: bool) -> None:
        body = file.read_bytes()
        kind = content_type(file)
        if "charset=utf-8" in kind:
            body = body.replace(BASE_PLACEHOLDER, self.server.base_url.encode())
        mtime = int(file.stat().st_mtime)
        headers = {
            "ETag": '"' + hashlib.sha1(body).hexdigest()[:20] + '"',
            "Last-Modified": formatdate(mtime, usegmt=True),
        }
        if self._not_modified(headers["ETag"], mtime):
            self._send(HTTPStatus.NOT_MODIFIED, None, b"", with_body=False, headers=headers)
            return
        self._send(HTTPStatus.OK, kind, body, with_body=with_body, headers=headers)

    def _not_modified(self, etag: str, mtime: int) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
            return etag in tags or "*" in tags
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            return mtime <= int(parsedate_to_datetime(since).timestamp())
        except (TypeError, ValueError):
            return False

    def _send_error(self, route: Route) -> None:
        text = route.body or "Dịch vụ tạm thời gián đoạn, vui lòng thử lại sau.\n"
        headers = {"Retry-After": str(route.retry_after)} if route.retry_after else {}
        self._send(
            route.status or 500,
            "text/plain; charset=utf-8",
            text.encode(),
            with_body=self.command != "HEAD",
            headers=headers,
        )

    def _send(
        self,
        status: int,
        kind: str | None,
        body: bytes,
        *,
        with_body: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != HTTPStatus.NOT_MODIFIED:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)


class DemoServer:
    """A running sample-sites server; use as a context manager or call :meth:`stop`."""

    def __init__(self, root: Path, host: str, port: int, routes: list[Route]) -> None:
        self._httpd = _SitesHTTPServer((host, port), root, routes)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.1,), name="cchc-demo-sites", daemon=True
        )
        self._thread.start()
        log.info("demo sites from %s served at %s", root, self.base_url)

    @property
    def base_url(self) -> str:
        """``http://host:port`` without a trailing slash; replaces ``{base}`` in the registry."""
        return self._httpd.base_url

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def stop(self) -> None:
        """Stop serving; slow answers still waiting are cut short."""
        self._httpd.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_sites(
    root: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    delay_seconds: float | None = None,
) -> DemoServer:
    """Start serving ``root`` (default: the bundled sites) in a background thread.

    ``port=0`` picks a free port (read it from ``.base_url``). ``delay_seconds`` replaces the delay
    of every slow route in ``_routes.yaml`` (tests use a short one; the file says 30 s).
    """
    root = (root or SITES_DIR).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"sample sites folder not found: {root}")
    routes = load_routes(root)
    if delay_seconds is not None:
        routes = [
            Route(
                r.path, r.status, delay_seconds if r.delay_seconds else 0.0, r.retry_after, r.body
            )
            for r in routes
        ]
    return DemoServer(root, host, port, routes)
