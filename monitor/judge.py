"""The monitor's judgement of one stored article: relevance, kind, language, agency, cluster.

Used when an article arrives and again by ``cchc reprocess`` after the lexicon or the registry
changed, so both paths decide in exactly the same way. ``apply`` is ``assess`` (text only, no
database) followed by ``settle`` (cluster and classification row, once the article has an id), so
the store can judge a whole batch before one flush.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.agencies import AgencyDirectory
from monitor.attribution import attribute
from monitor.kind import detect_kind
from monitor.language import detect_language, language_from_section
from monitor.models import ArticleRow, ClassificationRow
from monitor.neardup import NearDuplicateIndex, simhash
from monitor.relevance import MODEL_VERSION, Relevance, RelevanceClassifier

_IN_CHUNK = 500


class Judge:
    def __init__(self, classifier: RelevanceClassifier, directory: AgencyDirectory) -> None:
        self.classifier = classifier
        self.directory = directory
        self._index: NearDuplicateIndex | None = None
        self._clusters: dict[int, int] = {}

    def apply(self, session: Session, row: ArticleRow) -> Relevance:
        relevance = self.assess(row)
        self.settle(session, row, relevance, row.simhash)
        return relevance

    def assess(self, row: ArticleRow) -> Relevance:
        """Relevance, kind, language, agency and SimHash from the row's own fields."""
        hints = row.hints or {}
        relevance = self.classifier.classify(row.title, row.text)
        row.kind, _ = detect_kind(url=row.url, section=row.section, title=row.title,
                                  text=row.text, kind_hint=hints.get("kind", ""),
                                  duration_seconds=row.duration_seconds)
        language_hint = hints.get("language") or language_from_section(row.section) or ""
        row.language, _ = detect_language(title=row.title, text=row.text, hint=language_hint)
        who = attribute(self.directory, site_owner=hints.get("site_owner") or None,
                        source_line=row.source_line, author=row.author, text=row.text,
                        declared=hints.get("declared_agency") or None)
        row.agency_id, row.attribution = who.agency_id, who.reason
        row.simhash = simhash(row.text or row.title)
        return relevance

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
        return cluster

    def _load_index(self, session: Session) -> NearDuplicateIndex:
        if self._index is None:
            self._index = NearDuplicateIndex()
            rows = session.execute(select(ArticleRow.id, ArticleRow.simhash, ArticleRow.cluster_id))
            for article_id, signature, cluster_id in rows:
                self._index.add(article_id, signature)
                self._clusters[article_id] = cluster_id or article_id
        return self._index

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
