"""The monitor's judgement of one stored article: relevance, kind, language, agency, cluster.

Used when an article arrives and again by ``cchc reprocess`` after the lexicon or the registry
changed, so both paths decide in exactly the same way. ``apply`` is ``assess`` (text only, no
database) followed by ``settle`` (cluster and classification row, once the article has an id), so
the store can judge a whole batch before one flush.

The text-only part reads nothing but an article's own fields, so ``assess_all`` can share a
batch with a helper process: the analysis is pure Python, one core per process, and it is most of
a consumer's time. The helper works through a batch from the front while the consumer's own
process works from the back, so neither waits when the other is slower (or still starting).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from typing import NamedTuple, Protocol

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from monitor.agencies import AgencyDirectory
from monitor.attribution import attribute
from monitor.kind import detect_kind
from monitor.language import detect_language, language_from_section
from monitor.models import ArticleRow, ClassificationRow
from monitor.neardup import NearDuplicateIndex, simhash
from monitor.relevance import MODEL_VERSION, Relevance, RelevanceClassifier

log = logging.getLogger(__name__)
_IN_CHUNK = 500
_CHUNK = 25  # articles per helper task: ~20 ms of work, small enough to share a batch evenly


class Judged(Protocol):
    """An article row (``ArticleRow`` or the store's draft of a new one) as the judgement sees it."""

    url: str
    title: str
    text: str
    section: str
    source_line: str
    author: str
    duration_seconds: int | None
    hints: dict[str, str]
    kind: str
    language: str
    agency_id: str | None
    attribution: str
    simhash: int


class Fields(NamedTuple):
    """What the judgement reads of an article."""

    url: str
    title: str
    text: str
    section: str
    source_line: str
    author: str
    duration_seconds: int | None
    hints: dict[str, str]

    @classmethod
    def of(cls, row: Judged) -> Fields:
        return cls(row.url, row.title, row.text, row.section, row.source_line, row.author,
                   row.duration_seconds, row.hints or {})


class Assessment(NamedTuple):
    """What the judgement decides from those fields."""

    relevance: Relevance
    kind: str
    language: str
    agency_id: str | None
    attribution: str
    simhash: int

    def apply_to(self, row: Judged) -> None:
        row.kind, row.language, row.simhash = self.kind, self.language, self.simhash
        row.agency_id, row.attribution = self.agency_id, self.attribution


def assess_fields(classifier: RelevanceClassifier, directory: AgencyDirectory,
                  fields: Fields) -> Assessment:
    hints = fields.hints
    relevance = classifier.classify(fields.title, fields.text)
    kind, _ = detect_kind(url=fields.url, section=fields.section, title=fields.title,
                          text=fields.text, kind_hint=hints.get("kind", ""),
                          duration_seconds=fields.duration_seconds)
    language_hint = hints.get("language") or language_from_section(fields.section) or ""
    language, _ = detect_language(title=fields.title, text=fields.text, hint=language_hint)
    who = attribute(directory, site_owner=hints.get("site_owner") or None,
                    source_line=fields.source_line, author=fields.author, text=fields.text,
                    declared=hints.get("declared_agency") or None)
    signature = simhash(fields.text or fields.title)
    return Assessment(relevance, kind, language, who.agency_id, who.reason, signature)


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


def _once(work: Callable[[], None]) -> Callable[[], None]:
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


class Judge:
    def __init__(self, classifier: RelevanceClassifier, directory: AgencyDirectory) -> None:
        self.classifier = classifier
        self.directory = directory
        self._index: NearDuplicateIndex | None = None
        self._loaded_upto = 0  # the highest article id in the index
        self._clusters: dict[int, int] = {}
        self._helper: Helper | None = None

    def apply(self, session: Session, row: ArticleRow) -> Relevance:
        relevance = self.assess(row)
        self.settle(session, row, relevance, row.simhash)
        return relevance

    def assess(self, row: ArticleRow) -> Relevance:
        """Relevance, kind, language, agency and SimHash from the row's own fields."""
        assessment = assess_fields(self.classifier, self.directory, Fields.of(row))
        assessment.apply_to(row)
        return assessment.relevance

    def assess_all(self, fields: Sequence[Fields],
                   meanwhile: Callable[[], None] = lambda: None) -> list[Assessment]:
        """``assess`` of each article's fields, in order; shared with the helper process when
        one was started (the same code there gives the same results). ``meanwhile`` (other
        work of the batch) runs once, while the helper finishes, or at the end."""
        meanwhile = _once(meanwhile)
        if self._helper is not None:
            found = self._helper.assess(fields, self._assess_here, meanwhile)
            if found is not None:
                return found
            self._helper = None  # it failed: judged here from now on
        found = [self._assess_here(one) for one in fields]
        meanwhile()
        return found

    def start_helper(self) -> None:
        """Start (in the background) a process that takes part of each large batch."""
        if self._helper is None:
            self._helper = Helper(self.classifier, self.directory)

    def close(self) -> None:
        if self._helper is not None:
            self._helper.close()
            self._helper = None

    def _assess_here(self, fields: Fields) -> Assessment:
        return assess_fields(self.classifier, self.directory, fields)

    def settle(self, session: Session, row: ArticleRow, relevance: Relevance, signature: int,
               *, new: bool = False) -> None:
        """Cluster the row (by the SimHash ``assess`` gave it) and save its classification;
        ``new``: the article was inserted in this transaction, so it has no classification yet."""
        row.cluster_id = self._cluster_for(session, row.id, signature)
        self._save_classification(session, row.id, relevance, new)

    def cluster(self, session: Session, article_id: int, signature: int) -> int:
        """The cluster of a new article (by the SimHash ``assess`` gave it), remembered for the
        articles that follow; the store writes it with the row."""
        return self._cluster_for(session, article_id, signature)

    def classification(self, article_id: int, result: Relevance) -> dict[str, object]:
        """The classification row of an article as column values, for a multi-row insert."""
        return {"article_id": article_id, "cchc": result.cchc, "score": result.score,
                "evidence": list(result.evidence), "threshold": self.classifier.threshold,
                "model_version": MODEL_VERSION, "classified_at": datetime.now(UTC)}

    def prepare(self, session: Session, article_ids: Sequence[int]) -> None:
        """Before a batch: load the cluster index and the classifications of known articles, so
        the batch needs no query per article."""
        self._load_index(session)
        for start in range(0, len(article_ids), _IN_CHUNK):
            chunk = article_ids[start : start + _IN_CHUNK]
            session.scalars(select(ClassificationRow).where(
                ClassificationRow.article_id.in_(chunk))).all()

    def _cluster_for(self, session: Session, article_id: int, signature: int) -> int:
        index = self._load_index(session)
        matches = [key for key in index.find(signature) if key != article_id]
        cluster = min((self._clusters.get(key, key) for key in matches), default=article_id)
        index.add(article_id, signature)
        self._clusters[article_id] = cluster
        self._loaded_upto = max(self._loaded_upto, article_id)
        return cluster

    def _load_index(self, session: Session) -> NearDuplicateIndex:
        if self._index is None:
            self._index, self._loaded_upto = NearDuplicateIndex(), 0
            self._add_stored(session, select(ArticleRow.id, ArticleRow.simhash, ArticleRow.cluster_id))
        return self._index

    def catch_up(self, session: Session) -> None:
        """Add to the cluster index what other monitor processes stored since it was read.

        Called by the store while it holds the clustering lock (:func:`monitor.store`), under
        which every article is inserted and committed: ids then grow in commit order, so the
        rows above the highest id read are exactly the ones this process has not seen, and a
        syndicated copy finds its original even when another consumer stored it."""
        if self._index is None:
            self._load_index(session)
            return
        self._add_stored(session, select(ArticleRow.id, ArticleRow.simhash, ArticleRow.cluster_id)
                         .where(ArticleRow.id > self._loaded_upto))  # fmt: skip

    def _add_stored(self, session: Session, query: Select[tuple[int, int, int | None]]) -> None:
        assert self._index is not None
        for article_id, signature, cluster_id in session.execute(query):
            self._index.add(article_id, signature)
            self._clusters[article_id] = cluster_id or article_id
            self._loaded_upto = max(self._loaded_upto, article_id)

    def _save_classification(self, session: Session, article_id: int, result: Relevance,
                             new: bool) -> None:
        row = None if new else session.get(ClassificationRow, article_id)
        row = row or ClassificationRow(article_id=article_id)
        for name, value in self.classification(article_id, result).items():
            setattr(row, name, value)
        session.add(row)

    def forget(self) -> None:
        """Drop cached clusters after a rolled-back transaction; reloaded from the database."""
        self._index, self._clusters = None, {}
