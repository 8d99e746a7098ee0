"""Failure → (outcome, status, detail) for ``source.health`` events."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx_error
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawlers.downloadermiddlewares.scope import OffsiteRequest

_TIMEOUTS = (DownloadTimeoutError, tx_error.TimeoutError, tx_error.TCPTimedOutError)
_DNS = (CannotResolveHostError, tx_error.DNSLookupError)
_CONNECTION = (
    DownloadConnectionRefusedError, DownloadFailedError, ResponseDataLossError,
    tx_error.ConnectError, tx_error.ConnectionLost, tx_error.ConnectionDone,
    ResponseFailed, ResponseNeverReceived,
)  # fmt: skip


def classify(failure: Failure) -> tuple[str, int | None, str]:
    exc = failure.value
    message = failure.getErrorMessage()[:300]
    if isinstance(exc, HttpError):
        return "http_error", exc.response.status, f"HTTP {exc.response.status}"
    if isinstance(exc, OffsiteRequest):
        return "offsite", None, message
    if isinstance(exc, IgnoreRequest):
        return _ignored(message)
    if isinstance(exc, (DownloadCancelledError, CancelledError)):
        return "too_large", None, message or "tải về bị huỷ vì vượt DOWNLOAD_MAXSIZE"
    if isinstance(exc, _TIMEOUTS):
        return "timeout", None, message
    if isinstance(exc, _DNS):
        return "dns_error", None, message
    if isinstance(exc, _CONNECTION):
        return "connection_error", None, message
    return "connection_error", None, f"{type(exc).__name__}: {message}"


def _ignored(message: str) -> tuple[str, int | None, str]:
    lowered = message.lower()
    if "robots.txt" in lowered:
        return "robots_denied", None, message
    if "redirection" in lowered:
        return "redirect_loop", None, message
    if "download_maxsize" in lowered or "maxsize" in lowered:
        return "too_large", None, message
    return "connection_error", None, message
