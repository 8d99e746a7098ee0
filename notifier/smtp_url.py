"""SMTP settings from one URL (``CCHC_SMTP_URL``), and opening a connection from them.

- ``smtp://host:port``                  plain (e.g. a local relay or Mailpit), optional auth
- ``smtp+starttls://user:pass@host:587`` upgrade with STARTTLS, then AUTH
- ``smtps://user:pass@host:465``        implicit TLS, then AUTH

Query options: ``?timeout=30`` (seconds), ``?verify=false`` (self-signed test servers only),
``?cafile=/path/ca.pem`` (trust this CA besides the system ones).
User and password are percent-decoded, so ``p%40ss`` means ``p@ss``.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class SmtpUrlError(ValueError):
    """A CCHC_SMTP_URL that cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class SmtpConfig:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    verify: bool = True
    cafile: str | None = None

    @property
    def safe_url(self) -> str:
        """The URL without the password, for logs and reports."""
        user = f"{self.username}@" if self.username else ""
        return f"{self.scheme}://{user}{self.host}:{self.port}"

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self.cafile)
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context


def parse_smtp_url(url: str) -> SmtpConfig:
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise SmtpUrlError(
            f"CCHC_SMTP_URL {_redact(url)!r}: giao thức {scheme!r} không hỗ trợ; dùng smtp://, "
            "smtp+starttls:// hoặc smtps://."
        )
    if not parts.hostname:
        raise SmtpUrlError(f"CCHC_SMTP_URL {_redact(url)!r}: thiếu tên máy chủ (smtp://host:port).")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise SmtpUrlError(f"CCHC_SMTP_URL {_redact(url)!r}: cổng không hợp lệ ({exc}).") from None
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    try:
        timeout = float(query.get("timeout", 30))
    except ValueError:
        raise SmtpUrlError(
            f"CCHC_SMTP_URL: timeout={query['timeout']!r} không phải số giây."
        ) from None
    return SmtpConfig(
        scheme=scheme,
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
        verify=query.get("verify", "true").lower() not in ("0", "false", "no"),
        cafile=query.get("cafile"),
    )


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def connect(config: SmtpConfig) -> smtplib.SMTP:
    """An open, authenticated connection; the caller closes it (``quit``)."""
    if config.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=config.ssl_context()
        )
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        client.ehlo()
        if config.scheme == "smtp+starttls":
            client.starttls(context=config.ssl_context())
            client.ehlo()
        if config.username:
            _login(client, config.username, config.password or "")
    except BaseException:
        client.close()
        raise
    return client


def _login(client: smtplib.SMTP, username: str, password: str) -> None:
    """smtplib only sends ASCII credentials; AUTH PLAIN carries UTF-8 (RFC 4616) otherwise."""
    if (username + password).isascii():
        client.login(username, password)
        return
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)
