"""Re-judging stored articles after the lexicon, threshold or agency registry changed.

Each article whose judgement changed (relevance, agency, kind, language or cluster) is returned
as a :class:`Stored` record, announced like a newly stored article, so that the rules consumer
updates the verdicts it touches."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from monitor.judge import Judge
from monitor.models import ArticleRow, ClassificationRow
from monitor.store import Stored


@dataclass
class ReprocessReport:
    articles: int = 0
    relevance_changed: int = 0
    agency_changed: int = 0
    kind_or_language_changed: int = 0
    changed: list[Stored] = field(default_factory=list)


def reprocess(sessions: sessionmaker[Session], judge: Judge, *, batch: int = 500) -> ReprocessReport:
    """Idempotent: a second run with the same lexicon and registry changes nothing."""
    report = ReprocessReport()
    with sessions() as session:
        ids = list(session.scalars(select(ArticleRow.id).order_by(ArticleRow.id)))
    for start in range(0, len(ids), batch):
        with sessions() as session:
            rows = session.scalars(select(ArticleRow).where(
                ArticleRow.id.in_(ids[start:start + batch])).order_by(ArticleRow.id))
            for row in rows:
                _rejudge(session, judge, row, report)
            session.commit()
    return report


def _rejudge(session: Session, judge: Judge, row: ArticleRow, report: ReprocessReport) -> None:
    before = session.get(ClassificationRow, row.id)
    was_cchc = before.cchc if before else None
    agency, kind, language, cluster = row.agency_id, row.kind, row.language, row.cluster_id
    result = judge.apply(session, row)
    report.articles += 1
    relevance_changed = was_cchc is not None and was_cchc != result.cchc
    report.relevance_changed += relevance_changed
    report.agency_changed += agency != row.agency_id
    report.kind_or_language_changed += (kind, language) != (row.kind, row.language)
    if relevance_changed or (agency, kind, language, cluster) != (
            row.agency_id, row.kind, row.language, row.cluster_id):  # fmt: skip
        published = row.published_at.isoformat() if row.published_at else None
        report.changed.append(Stored(row.id, row.canonical_url, row.agency_id, published,
                                     result.cchc, row.version))  # fmt: skip
