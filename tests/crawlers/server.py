"""A real HTTP server on 127.0.0.1 for crawl tests: a route table, validators, a request log."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    validators: bool = True  # answer ETag / Last-Modified and honour conditional requests


@dataclass
class Site:
    routes: dict[str, Page] = field(default_factory=dict)
    log: list[tuple[str, int, bool]] = field(default_factory=list)  # (path, status, conditional)
    base: str = ""

    def add(self, path: str, body: str | bytes, **options: object) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Page(data, **options)  # type: ignore[arg-type]

    def requests(self, prefix: str = "/") -> list[tuple[str, int, bool]]:
        return [entry for entry in self.log if entry[0].startswith(prefix)]


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            page = site.routes.get(self.path)
            conditional = bool(
                self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
            )
            if page is None:
                self._send(404, b"not found", "text/plain", {})
                site.log.append((self.path, 404, conditional))
                return
            if page.delay_s:  # logged on arrival: the client may give up before the answer
                site.log.append((self.path, page.status, conditional))
                time.sleep(page.delay_s)
                self._send(page.status, page.body, page.content_type, dict(page.headers))
                return
            headers = dict(page.headers)
            if page.validators and page.status == 200:
                etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
                headers.setdefault("ETag", etag)
                headers.setdefault("Last-Modified", "Mon, 01 Jul 2024 08:00:00 GMT")
                if self.headers.get("If-None-Match") == etag:
                    site.log.append((self.path, 304, conditional))
                    self._send(304, b"", None, {"ETag": etag})
                    return
            site.log.append((self.path, page.status, conditional))
            self._send(page.status, page.body, page.content_type, headers)

        def _send(
            self, status: int, body: bytes, content_type: str | None, headers: dict[str, str]
        ) -> None:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (timeout tests) is expected, not an error."""


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    """Serve ``site`` on a free loopback port; ``site.base`` is its URL while the block runs."""
    server = _QuietServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
