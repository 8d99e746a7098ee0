"""Backend options read from the stream URL's query string (``?partitions=6&linger_ms=5``).

Each backend declares a frozen dataclass of int/float options with production defaults; the URL
may override any of them, and a misspelt or malformed one is a ``StreamConfigError``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from stream.errors import StreamConfigError

T = TypeVar("T")


def from_query(cls: type[T], query: dict[str, list[str]], url: str) -> T:
    """Build ``cls`` from parsed query parameters, converting each to its declared type."""
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for name, raw in query.items():
        if name not in fields:
            raise StreamConfigError(
                f"unknown option {name!r} in stream URL {url!r}; known: {', '.join(sorted(fields))}"
            )
        default = fields[name].default
        try:
            values[name] = type(default)(raw[-1])
        except ValueError:
            raise StreamConfigError(
                f"option {name}={raw[-1]!r} in stream URL {url!r} must be a {type(default).__name__}"
            ) from None
        if values[name] < 0:
            raise StreamConfigError(f"option {name} in stream URL {url!r} must not be negative")
    return cls(**values)
