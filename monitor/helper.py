"""A second process that judges part of each large batch: the text analysis is pure Python, one
core per process, and it is most of a consumer's time. The helper works through a batch from the
front while the consumer's own process works from the back, so neither waits when the other is
slower (or still starting)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from monitor.agencies import AgencyDirectory
from monitor.assessment import Assessment, Fields, assess_fields
from monitor.relevance import RelevanceClassifier

log = logging.getLogger(__name__)
_CHUNK = 25  # articles per helper task: ~20 ms of work, small enough to share a batch evenly


class Helper:
    """One helper process, started in the background.

    It is spawned (a fresh interpreter), not forked: the consumer may run other threads (the
    embedded stream's flusher, the scheduler and rules threads of ``cchc run``), and a fork
    copies any lock one of them holds at that moment. The child only judges texts; it never
    touches the database or the stream.
    """

    def __init__(self, classifier: RelevanceClassifier, directory: AgencyDirectory) -> None:
        self._pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("spawn"),
            initializer=_start, initargs=(classifier, directory))
        self._pool.submit(_assess_chunk, [])  # starts the process now

    def assess(self, fields: Sequence[Fields], here: Callable[[Fields], Assessment],
               meanwhile: Callable[[], None]) -> list[Assessment] | None:
        """Every assessment in order, or None when the helper failed (it is then shut down);
        ``meanwhile`` runs here while the helper finishes its last chunks."""
        chunks = [list(fields[start : start + _CHUNK]) for start in range(0, len(fields), _CHUNK)]
        try:
            tasks: list[Future[list[Assessment]]] = [
                self._pool.submit(_assess_chunk, chunk) for chunk in chunks]
        except RuntimeError:  # the pool is broken or shut down
            log.warning("monitor helper process unavailable; judging in this process")
            self.close()
            return None
        done: list[list[Assessment] | None] = [None] * len(chunks)
        for number in reversed(range(len(chunks))):  # from the back, until the helper's part
            if not tasks[number].cancel():
                break
            done[number] = [here(one) for one in chunks[number]]
        meanwhile()
        try:
            for number, task in enumerate(tasks):
                if done[number] is None:
                    done[number] = task.result()
        except Exception:  # any failure of the helper: judge here instead
            log.warning("monitor helper process failed; judging in this process", exc_info=True)
            self.close()
            return None
        return [assessment for chunk in done if chunk is not None for assessment in chunk]

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def once(work: Callable[[], None]) -> Callable[[], None]:
    """``work`` that a second call (after a failed helper) does not repeat."""
    pending = [work]

    def run() -> None:
        while pending:
            pending.pop()()

    return run


_judge_parts: tuple[RelevanceClassifier, AgencyDirectory] | None = None


def _start(classifier: RelevanceClassifier, directory: AgencyDirectory) -> None:
    global _judge_parts
    _judge_parts = classifier, directory
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    classifier.classify("khởi động", "cải cách hành chính")  # compile and warm before work


def _exit_with(parent: int) -> None:
    """End the helper when the consumer is gone, even killed: nothing else would."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _assess_chunk(chunk: list[Fields]) -> list[Assessment]:
    assert _judge_parts is not None, "helper process not started"
    classifier, directory = _judge_parts
    return [assess_fields(classifier, directory, fields) for fields in chunk]
