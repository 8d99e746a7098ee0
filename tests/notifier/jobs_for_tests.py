"""Module-level job functions for the scheduler tests (the job store keeps textual refs)."""

from __future__ import annotations

import threading

CALLS: list[str] = []
_LOCK = threading.Lock()


def _record(name: str, **kwargs: object) -> None:
    with _LOCK:
        CALLS.append(name)


def crawl(**kwargs: object) -> None:
    _record("crawl", **kwargs)


def evaluate(**kwargs: object) -> None:
    _record("evaluate", **kwargs)


def agency_digests(**kwargs: object) -> None:
    _record("agency_digests", **kwargs)


def overview(**kwargs: object) -> None:
    _record("overview", **kwargs)


def reminders(**kwargs: object) -> None:
    _record("reminders", **kwargs)
