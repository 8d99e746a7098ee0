"""``cchc reprocess`` after the lexicon changed: the articles whose judgement changed are
announced, and the verdicts the rules consumer keeps follow (equal to a batch evaluation)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from monitor.agencies import AgencyDirectory, sync_agencies
from monitor.consumer import MonitorConsumer, announce
from monitor.judge import Judge
from monitor.lexicon import Lexicon
from monitor.models import EvaluationRow, SourceRow
from monitor.relevance import RelevanceClassifier
from monitor.reprocess import reprocess
from rules.consumer import RulesConsumer
from rules.db_source import load_input
from rules.engine import evaluate_plans
from rules.loader import load_plan
from stream import open_stream
from stream.events import ARTICLES
from tests.rules.test_consumer import AS_OF, PLAN, article

OWNER = "hg-so-tu-phap"


def stored_counts(sessions, as_of: date) -> dict[tuple[str, str], int]:
    with sessions() as session:
        rows = session.scalars(select(EvaluationRow).where(
            EvaluationRow.agency_id == OWNER, EvaluationRow.as_of == as_of,
            EvaluationRow.rule_id == "hg-03-tin-bai-quy"))
        return {(row.rule_id, row.period): row.count for row in rows}


def test_verdicts_follow_a_reprocess(tmp_path: Path, sessions) -> None:
    plan = load_plan(PLAN)
    with sessions() as session:
        sync_agencies(session, plan.agencies)
        session.add(SourceRow(id=f"{OWNER}-rss", agency_id=OWNER, kind="feed", url="x"))
        session.commit()
    directory = AgencyDirectory(plan.agencies)
    stream = open_stream(f"embedded://{tmp_path / 'stream.db'}")
    for n in range(12):
        stream.publish(ARTICLES, OWNER, article(n, OWNER, date(2024, 1, 5) + timedelta(days=9 * n)))
    stream.flush()
    monitor = MonitorConsumer(stream, sessions, Judge(RelevanceClassifier(), directory))
    monitor.run(until_idle=True)
    rules = RulesConsumer(stream, sessions, [plan], today=lambda: AS_OF)
    rules.run(until_idle=True)
    assert stored_counts(sessions, AS_OF)[("hg-03-tin-bai-quy", "2024-Q1")] >= 5

    lexicon = Lexicon.default()  # a lexicon that knows nothing of CCHC: no article is about it
    empty = Lexicon.from_mapping({"phrases": {"hoa tam giác mạch": 1.0},
                                  "scoring": lexicon.scoring, "version": lexicon.version + 1})
    strict = Judge(RelevanceClassifier(lexicon=empty), directory)
    report = reprocess(sessions, strict)
    assert report.relevance_changed == len(report.changed) == 12
    announce(stream, report.changed)
    rules.run(until_idle=True)
    counts = stored_counts(sessions, AS_OF)
    assert counts[("hg-03-tin-bai-quy", "2024-Q1")] == 0
    with sessions() as session:
        batch = evaluate_plans([plan], load_input(session, [plan], AS_OF), AS_OF)
    assert {(v.rule, v.period.label): v.count for v in batch
            if v.agency == OWNER and v.rule == "hg-03-tin-bai-quy"} == counts
    assert reprocess(sessions, strict).changed == []  # idempotent
    monitor.close()
    rules.close()
    stream.close()
