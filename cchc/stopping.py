"""Graceful stop for long-running commands on Ctrl-C (SIGINT) and `docker stop` (SIGTERM).

A flag set by the signal handler, checked between batches, instead of a KeyboardInterrupt: a
library's event loop (kafka-python's) may swallow the exception mid-poll and keep running.
"""

from __future__ import annotations

import signal
import threading


def stop_on_signals() -> threading.Event:
    """An event set by SIGINT or SIGTERM; the current batch finishes and is committed first."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return stop
