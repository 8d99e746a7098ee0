"""A second process that judges articles while this one writes: the text analysis is pure Python,
one core per process, and it is most of a consumer's time.

Articles go to the helper in chunks, in the order the consumer will need them, as soon as a batch
is read (:meth:`Helper.submit`), so the helper judges the next part of a batch while the consumer
writes the part before it. When the consumer needs a chunk the helper has not started, it judges
that chunk itself (:meth:`Chunk.take`): it takes a part's chunks from the back while the helper
works from the front, so neither waits when the other is slower (or still starting).
"""

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
CHUNK = 25  # articles per helper task: ~20 ms of work, small enough to share a part evenly


class Chunk:
    """Articles judged together: by the helper, or here if this process gets to them first."""

    def __init__(self, fields: list[Fields], task: Future[list[Assessment]]) -> None:
        self.fields = fields
        self.task = task
        self.assessments: list[Assessment] | None = None

    def take(self, here: Callable[[Fields], Assessment]) -> bool:
        """Judge the chunk here if the helper has not started it; False when it has."""
        if self.assessments is None and self.task.cancel():
            self.assessments = [here(one) for one in self.fields]
        return self.assessments is not None

    def wait(self) -> list[Assessment]:
        """The chunk's assessments; raises when the helper failed."""
        if self.assessments is None:
            self.assessments = self.task.result()
        return self.assessments

    def drop(self) -> None:
        """Not needed after all (its events were already applied): the helper skips it."""
        self.task.cancel()


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
        self._started = self._pool.submit(_assess_chunk, [])  # starts the process now

    @property
    def ready(self) -> bool:
        """Started and judging: until then its work is done here, rather than waited for."""
        return self._started.done()

    def submit(self, fields: Sequence[Fields]) -> list[Chunk] | None:
        """Chunks of ``fields`` queued for the helper in order, or None when it is unavailable
        (it is then shut down)."""
        chunks: list[Chunk] = []
        try:
            for start in range(0, len(fields), CHUNK):
                part = list(fields[start : start + CHUNK])
                chunks.append(Chunk(part, self._pool.submit(_assess_chunk, part)))
        except RuntimeError:  # the pool is broken or shut down
            log.warning("monitor helper process unavailable; judging in this process")
            for chunk in chunks:
                chunk.drop()
            self.close()
            return None
        return chunks

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_judge_parts: tuple[RelevanceClassifier, AgencyDirectory] | None = None


def _start(classifier: RelevanceClassifier, directory: AgencyDirectory) -> None:
    global _judge_parts
    _judge_parts = classifier, directory
    parent = os.getppid()
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    # everything the judgement compiles on first use, compiled before the first chunk
    assess_fields(classifier, directory, Fields(
        "https://example.gov.vn/tin-tuc/khoi-dong.html", "Khởi động", "Cải cách hành chính. " * 40,
        "Tin tức", "Nguồn: Sở Nội vụ", "", None, {}))


def _exit_with(parent: int) -> None:
    """End the helper when the consumer is gone, even killed: nothing else would."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _assess_chunk(chunk: list[Fields]) -> list[Assessment]:
    assert _judge_parts is not None, "helper process not started"
    classifier, directory = _judge_parts
    return [assess_fields(classifier, directory, fields) for fields in chunk]
