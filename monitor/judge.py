"""The monitor's judgement of one stored article: relevance, kind, language, agency, cluster.

Used when an article arrives and again by ``cchc reprocess`` after the lexicon or the registry
changed, so both paths decide in exactly the same way.
"""

from __future__ import annotations

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


class Judge:
    def __init__(self, classifier: RelevanceClassifier, directory: AgencyDirectory) -> None:
        self.classifier = classifier
        self.directory = directory
        self._index: NearDuplicateIndex | None = None
        self._clusters: dict[int, int] = {}

    def apply(self, session: Session, row: ArticleRow) -> Relevance:
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
        row.cluster_id = self._cluster_for(session, row)
        self._save_classification(session, row.id, relevance)
        return relevance

    def _cluster_for(self, session: Session, row: ArticleRow) -> int:
        index = self._load_index(session)
        matches = [key for key in index.find(row.simhash) if key != row.id]
        cluster = min((self._clusters.get(key, key) for key in matches), default=row.id)
        index.add(row.id, row.simhash)
        self._clusters[row.id] = cluster
        return cluster

    def _load_index(self, session: Session) -> NearDuplicateIndex:
        if self._index is None:
            self._index = NearDuplicateIndex()
            rows = session.execute(select(ArticleRow.id, ArticleRow.simhash, ArticleRow.cluster_id))
            for article_id, signature, cluster_id in rows:
                self._index.add(article_id, signature)
                self._clusters[article_id] = cluster_id or article_id
        return self._index

    def _save_classification(self, session: Session, article_id: int, result: Relevance) -> None:
        row = session.get(ClassificationRow, article_id) or ClassificationRow(article_id=article_id)
        row.cchc, row.score, row.evidence = result.cchc, result.score, list(result.evidence)
        row.threshold = self.classifier.threshold
        row.model_version = MODEL_VERSION
        row.classified_at = datetime.now(UTC)
        session.add(row)

    def forget(self) -> None:
        """Drop cached clusters after a rolled-back transaction; reloaded from the database."""
        self._index, self._clusters = None, {}
