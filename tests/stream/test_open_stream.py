"""Choosing a backend from a URL, and the errors an operator sees for a wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest

from stream import StreamConfigError, open_stream
from stream.embedded import EmbeddedStream

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # kafka-python internals


def test_embedded_url_opens_the_log_with_options(tmp_path: Path) -> None:
    with open_stream(
        f"embedded://{tmp_path}/s/stream.db?batch_size=10&retention_hours=1.5"
    ) as stream:
        assert isinstance(stream, EmbeddedStream)
        assert stream.options.batch_size == 10 and stream.options.retention_hours == 1.5
    assert (tmp_path / "s" / "stream.db").is_file()


@pytest.mark.parametrize(
    ("url", "outbox", "message"),
    [
        (
            "redis://localhost:6379",
            None,
            "embedded:///absolute/path/stream.db or kafka://host:port",
        ),
        ("/var/lib/cchc/stream.db", None, "unsupported stream URL"),
        ("embedded://relative/stream.db", None, "three slashes"),
        ("kafka://", "o.db", "must list brokers"),
        ("kafka://broker-1", "o.db", "must list brokers"),
        ("kafka://127.0.0.1:9092", None, "needs an outbox file"),
        ("embedded:///tmp/x.db?lingr_ms=5", None, "unknown option 'lingr_ms'"),
        ("embedded:///tmp/x.db?linger_ms=soon", None, "linger_ms='soon'"),
        ("kafka://127.0.0.1:9092?partitions=-1", "o.db", "must not be negative"),
    ],
)
def test_bad_urls_are_config_errors_saying_what_to_write(
    url: str, outbox: str | None, message: str, tmp_path: Path
) -> None:
    with pytest.raises(StreamConfigError) as caught:
        open_stream(url, outbox_path=tmp_path / outbox if outbox else None)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)
