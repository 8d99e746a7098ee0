"""The stream's exceptions, in one place, with messages an operator can act on."""

from __future__ import annotations


class StreamError(Exception):
    """The stream cannot do what was asked; the message says why and what to do."""


class StreamConfigError(StreamError, ValueError):
    """The stream URL or its options are wrong (raised before anything is opened)."""


class GroupTaken(StreamError):
    """Another live process already consumes this group of the embedded log."""


class StreamUnavailable(StreamError):
    """The log or broker cannot be reached right now; events go to the outbox meanwhile."""


class BadEvent(ValueError):
    """An event that cannot be read: not JSON, an unknown type or version, or a bad payload."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
