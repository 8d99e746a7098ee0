"""The monitor's judgement of one stored article: relevance, kind, language, agency, cluster.

Used when an article arrives and again by ``cchc reprocess`` after the lexicon or the registry
changed, so both paths decide in exactly the same way. ``apply`` is ``assess`` (text only, no
database: :mod:`monitor.assessment`) followed by ``settle`` (cluster and classification row, once
the article has an id), so the store can judge a whole batch before one flush, sharing it with a
helper process (:mod:`monitor.helper`) when there is a backlog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from monitor.agencies import AgencyDirectory
from monitor.assessment import Assessment, Fields, assess_fields
from monitor.bulk import in_chunks
from monitor.helper import CHUNK, Chunk, Helper
from monitor.models import ArticleRow, ClassificationRow
from monitor.neardup import NearDuplicateIndex
from monitor.relevance import MODEL_VERSION, Relevance, RelevanceClassifier

log = logging.getLogger(__name__)
_NOW = object()  # the key of articles judged as soon as they are seen


class Judge:
    def __init__(self, classifier: RelevanceClassifier, directory: AgencyDirectory) -> None:
        self.classifier = classifier
        self.directory = directory
        self._index: NearDuplicateIndex | None = None
        self._loaded_upto = 0  # the highest article id in the index
        self._clusters: dict[int, int] = {}
        self._days: dict[int, int | None] = {}  # article id -> day ordinal of its publication
        self._helper: Helper | None = None
        # key -> (fields, the helper's chunk judging them, place in the chunk): see ``foresee``
        self._foreseen: dict[Hashable, tuple[Fields, Chunk, int]] = {}
        self._unsent: dict[Hashable, Fields] = {}  # foreseen before the helper was ready

    def apply(self, session: Session, row: ArticleRow) -> Relevance:
        relevance = self.assess(row)
        self.settle(session, row, relevance, row.simhash)
        return relevance

    def assess(self, row: ArticleRow) -> Relevance:
        """Relevance, kind, language, agency and SimHash from the row's own fields."""
        assessment = assess_fields(self.classifier, self.directory, Fields.of(row))
        assessment.apply_to(row)
        return assessment.relevance

    def foresee(self, keyed: Sequence[tuple[Hashable, Fields]]) -> None:
        """Queue these articles for the helper process (if one was started) before their events
        are applied: it judges them while this process writes the articles before them, from
        when it is ready. ``assess_all`` then takes each judgement by its key, when the fields
        are still equal."""
        if self._helper is not None:
            self._unsent.update(keyed)
            self._send()

    def _send(self) -> None:
        """Hand the helper what was foreseen, once it is ready (until then, judged here)."""
        if self._helper is None or not self._helper.ready or not self._unsent:
            return
        keyed, self._unsent = list(self._unsent.items()), {}
        chunks = self._helper.submit([fields for _key, fields in keyed])
        if chunks is None:
            self._helper = None  # it failed: judged here from now on
            return
        for number, (key, fields) in enumerate(keyed):
            self._foreseen[key] = (fields, chunks[number // CHUNK], number % CHUNK)

    def drop_foreseen(self) -> None:
        """Forget what was foreseen and not asked for (events already applied, say)."""
        for _fields, chunk, _position in self._foreseen.values():
            chunk.drop()
        self._foreseen.clear()
        self._unsent.clear()

    def assess_all(self, fields: Sequence[Fields], meanwhile: Callable[[], None] = lambda: None,
                   keys: Sequence[Hashable] | None = None) -> list[Assessment]:
        """``assess`` of each article's fields, in order. Articles foreseen under ``keys`` (or,
        without keys, all of them, now) are shared with the helper process when one runs: the
        same code there gives the same results. ``meanwhile`` (other work of the batch) runs
        once, first: the helper gets on with this part meanwhile, so less of it is left to
        judge here."""
        if keys is None:
            keys = [(_NOW, number) for number in range(len(fields))]
            self.foresee(list(zip(keys, fields, strict=True)))
        self._send()
        for key in keys:
            self._unsent.pop(key, None)
        claimed = [self._foreseen.pop(key, None) for key in keys]
        shared = [claim if claim is not None and claim[0] == one else None
                  for claim, one in zip(claimed, fields, strict=True)]
        chunks = list(dict.fromkeys(claim[1] for claim in shared if claim is not None))
        meanwhile()
        for chunk in reversed(chunks):  # from the back, until the helper's part
            if not chunk.take(self._assess_here):
                break
        try:
            for chunk in chunks:
                chunk.wait()
        except Exception:  # any failure of the helper: judge here instead
            log.warning("monitor helper process failed; judging in this process", exc_info=True)
            self.close()
            shared = [None] * len(fields)
        return [self._assess_here(one) if claim is None else claim[1].wait()[claim[2]]
                for claim, one in zip(shared, fields, strict=True)]

    def start_helper(self) -> None:
        """Start (in the background) a process that takes part of each large batch."""
        if self._helper is None:
            self._helper = Helper(self.classifier, self.directory)

    def helper_starting(self) -> bool:
        """A helper process was started and is not ready yet."""
        return self._helper is not None and not self._helper.ready

    def close(self) -> None:
        self.drop_foreseen()
        if self._helper is not None:
            self._helper.close()
            self._helper = None

    def _assess_here(self, fields: Fields) -> Assessment:
        return assess_fields(self.classifier, self.directory, fields)

    def settle(self, session: Session, row: ArticleRow, relevance: Relevance, signature: int,
               *, new: bool = False) -> None:
        """Cluster the row (by the SimHash ``assess`` gave it) and save its classification;
        ``new``: the article was inserted in this transaction, so it has no classification yet."""
        row.cluster_id = self._cluster_for(session, row.id, signature, row.published_at)
        self._save_classification(session, row.id, relevance, new)

    def cluster(self, session: Session, article_id: int, signature: int,
                published: datetime | None) -> int:
        """The cluster of a new article (by the SimHash ``assess`` gave it), remembered for the
        articles that follow; the store writes it with the row."""
        return self._cluster_for(session, article_id, signature, published)

    def classification(self, article_id: int, result: Relevance) -> dict[str, object]:
        """The classification row of an article as column values, for a multi-row insert."""
        return {"article_id": article_id, "cchc": result.cchc, "score": result.score,
                "evidence": list(result.evidence), "threshold": self.classifier.threshold,
                "model_version": MODEL_VERSION, "classified_at": datetime.now(UTC)}

    def prepare(self, session: Session, article_ids: Sequence[int]) -> None:
        """Before a batch: load the cluster index and the classifications of known articles, so
        the batch needs no query per article."""
        self._load_index(session)
        for chunk in in_chunks(article_ids):
            session.scalars(select(ClassificationRow).where(
                ClassificationRow.article_id.in_(chunk))).all()

    def _cluster_for(self, session: Session, article_id: int, signature: int,
                     published: datetime | None) -> int:
        """A copy is the same story published within ``CLUSTER_DAYS`` of it: a station's monthly
        programme with its usual description, or a district's monthly notice where only the
        month changes, are twelve publications, not one story told twelve times."""
        index = self._load_index(session)
        day = _day(published)
        matches = [key for key in index.find(signature) if key != article_id
                   and _near_in_time(day, self._days.get(key))]  # fmt: skip
        cluster = min((self._clusters.get(key, key) for key in matches), default=article_id)
        index.add(article_id, signature)
        self._clusters[article_id] = cluster
        self._days[article_id] = day
        self._loaded_upto = max(self._loaded_upto, article_id)
        return cluster

    def _load_index(self, session: Session) -> NearDuplicateIndex:
        if self._index is None:
            self._index, self._loaded_upto = NearDuplicateIndex(), 0
            self._add_stored(session, select(*_STORED))
        return self._index

    def catch_up(self, session: Session) -> None:
        """Add to the cluster index what other monitor processes stored since it was read.

        Called by the store while it holds the clustering lock (``monitor.bulk.lock_clustering``),
        under which every article is inserted and committed: ids then grow in commit order, so
        the rows above the highest id read are exactly the ones this process has not seen, and a
        syndicated copy finds its original even when another consumer stored it."""
        if self._index is None:
            self._load_index(session)
            return
        self._add_stored(session, select(*_STORED).where(ArticleRow.id > self._loaded_upto))

    def _add_stored(self, session: Session, query: Select[Any]) -> None:
        assert self._index is not None
        for article_id, signature, cluster_id, published in session.execute(query):
            self._index.add(article_id, signature)
            self._clusters[article_id] = cluster_id or article_id
            self._days[article_id] = _day(published)
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
        self._index, self._clusters, self._days = None, {}, {}


CLUSTER_DAYS = 21  # syndicated copies follow their original within days; monthly items do not
_STORED = (ArticleRow.id, ArticleRow.simhash, ArticleRow.cluster_id, ArticleRow.published_at)


def _day(moment: datetime | None) -> int | None:
    return moment.toordinal() if moment is not None else None


def _near_in_time(day: int | None, other: int | None) -> bool:
    """Within CLUSTER_DAYS of each other; an undated article may be a copy of anything."""
    return day is None or other is None or abs(day - other) <= CLUSTER_DAYS
