"""The event stream. ``open_stream(url)`` is the one place a backend is chosen from a string.

Accepted URLs:

- ``embedded:///abs/path/stream.db`` — the SQLite log (default; one machine);
- ``kafka://host:port[,host:port]`` — Apache Kafka (production); needs ``outbox_path``.

Either may carry backend options as a query string, e.g. ``kafka://k1:9092?partitions=6``
(see ``EmbeddedOptions`` and ``KafkaOptions``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from stream.abc import Consumer, Record, Stream, TopicStats
from stream.errors import BadEvent, StreamConfigError, StreamError, StreamUnavailable

__all__ = [
    "BadEvent",
    "Consumer",
    "Record",
    "Stream",
    "StreamConfigError",
    "StreamError",
    "StreamUnavailable",
    "TopicStats",
    "open_stream",
]

_FORMS = "embedded:///absolute/path/stream.db or kafka://host:port[,host:port]"


def open_stream(url: str, *, outbox_path: str | Path | None = None) -> Stream:
    """Open the stream named by ``url``; events that cannot be delivered wait in ``outbox_path``."""
    parts = urlsplit(url)
    try:
        query = parse_qs(parts.query, strict_parsing=bool(parts.query))
    except ValueError:
        raise StreamConfigError(f"stream URL {url!r} has a malformed query string") from None
    if parts.scheme == "embedded":
        return _open_embedded(url, parts.netloc, parts.path, query, outbox_path)
    if parts.scheme == "kafka":
        return _open_kafka(url, parts.netloc, query, outbox_path)
    raise StreamConfigError(f"unsupported stream URL {url!r}: set CCHC_STREAM_URL to {_FORMS}")


def _open_embedded(
    url: str, host: str, path: str, query: dict[str, list[str]], outbox_path: str | Path | None
) -> Stream:
    from stream.embedded import EmbeddedOptions, EmbeddedStream
    from stream.options import from_query
    from stream.outbox import Outbox

    if host or not path or path.endswith("/"):
        raise StreamConfigError(
            f"stream URL {url!r} must name a database file by absolute path: "
            "embedded:///absolute/path/stream.db (three slashes)"
        )
    options = from_query(EmbeddedOptions, query, url)
    outbox = Outbox(outbox_path, busy_timeout_ms=options.busy_timeout_ms) if outbox_path else None
    return EmbeddedStream(Path(path), options, outbox)


def _open_kafka(
    url: str, netloc: str, query: dict[str, list[str]], outbox_path: str | Path | None
) -> Stream:
    from stream.kafka import KafkaOptions, KafkaStream
    from stream.options import from_query
    from stream.outbox import Outbox

    servers = [server.strip() for server in netloc.split(",") if server.strip()]
    if not servers or any(":" not in server for server in servers):
        raise StreamConfigError(f"stream URL {url!r} must list brokers as {_FORMS}")
    if outbox_path is None:
        raise StreamConfigError(
            f"stream URL {url!r}: a Kafka stream needs an outbox file (outbox_path) to keep events "
            "while the brokers are unreachable; give each producing process its own file"
        )
    options = from_query(KafkaOptions, query, url)
    return KafkaStream(servers, options, Outbox(outbox_path))
