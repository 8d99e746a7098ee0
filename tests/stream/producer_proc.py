"""A producer process for the embedded concurrency test: publishes COUNT events, then flushes.

Usage: python -m tests.stream.producer_proc STREAM_URL COUNT
"""

from __future__ import annotations

import sys

from stream import open_stream
from stream.events import SOURCE_HEALTH
from tests.stream.helpers import health


def main(url: str, count: int) -> None:
    with open_stream(url) as stream:
        for seq in range(count):
            stream.publish(SOURCE_HEALTH, f"agency-{seq % 3}", health(f"agency-{seq % 3}", seq))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
