"""The rules consumer: verdicts updated per article.stored event equal a batch evaluation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from monitor.agencies import AgencyDirectory, sync_agencies
from monitor.consumer import MonitorConsumer
from monitor.judge import Judge
from monitor.models import EvaluationRow, SourceRow
from monitor.relevance import RelevanceClassifier
from rules.consumer import RulesConsumer
from rules.db_source import load_input
from rules.engine import evaluate_plans
from rules.loader import load_plan
from stream import open_stream
from stream.events import ARTICLES, SOURCE_HEALTH, Envelope

PLAN = Path(__file__).resolve().parents[2] / "plans" / "ha-giang-2024.yaml"
AS_OF = date(2024, 8, 15)
BODY = ("{who} đẩy mạnh cải cách thủ tục hành chính, đưa thủ tục lên dịch vụ công trực tuyến "
        "toàn trình; bộ phận một cửa tiếp nhận hồ sơ và trả kết quả đúng hạn, chỉ số hài lòng "
        "SIPAS tăng. Bài số {n} nói về kết quả cải cách hành chính trong tháng {month}.")


def article(n: int, owner: str, day: date) -> Envelope:
    return Envelope.new("article.collected", {
        "url": f"https://{owner}.hagiang.gov.vn/tin/{n}", "title": f"Cải cách hành chính {n}",
        "text": BODY.format(who=owner, n=n, month=day.month), "html": f"<p>{n}</p>",
        "published": datetime(day.year, day.month, day.day, 9, tzinfo=UTC).isoformat(),
        "agency_id": owner, "channel_id": owner, "source_id": f"{owner}-rss",
        "fetched_at": datetime.now(UTC).isoformat(),
    })


def test_incremental_verdicts_equal_batch(tmp_path: Path, sessions) -> None:
    plan = load_plan(PLAN)
    with sessions() as session:
        sync_agencies(session, plan.agencies)
        for owner in ("hg-so-tu-phap", "hg-huyen-bac-quang"):
            session.add(SourceRow(id=f"{owner}-rss", agency_id=owner, kind="feed", url="x"))
        session.commit()
        directory = AgencyDirectory(plan.agencies)
    stream = open_stream(f"embedded://{tmp_path / 'stream.db'}")
    rules = RulesConsumer(stream, sessions, [plan], today=lambda: AS_OF)
    rules.run(until_idle=True)  # the roster is evaluated before any event
    with sessions() as session:
        before = session.scalar(select(EvaluationRow).where(
            EvaluationRow.agency_id == "hg-so-tu-phap", EvaluationRow.period == "2024-Q1",
            EvaluationRow.rule_id == "hg-03-tin-bai-quy"))
        assert before.count == 0

    start = date(2024, 1, 3)
    for n in range(40):
        owner = "hg-so-tu-phap" if n % 3 else "hg-huyen-bac-quang"
        stream.publish(ARTICLES, owner, article(n, owner, start + timedelta(days=5 * n)))
    stream.flush()
    monitor = MonitorConsumer(stream, sessions, Judge(RelevanceClassifier(), directory))
    assert len(monitor.run(until_idle=True).stored) == 40
    assert rules.run(until_idle=True) > 0

    with sessions() as session:
        stored = {(r.rule_id, r.agency_id, r.period): r.result for r in session.scalars(
            select(EvaluationRow).where(EvaluationRow.as_of == AS_OF))}
        batch = evaluate_plans([plan], load_input(session, [plan], AS_OF), AS_OF)
    expected = {(v.rule, v.agency, v.period.label): v.to_json() for v in batch}
    assert stored.keys() == expected.keys()
    for key, verdict in expected.items():
        assert (stored[key]["count"], stored[key]["status"]) == (verdict["count"], verdict["status"]), key
    assert stored[("hg-03-tin-bai-quy", "hg-so-tu-phap", "2024-Q1")]["count"] >= 5
    monitor.close()
    rules.close()
    stream.close()


def test_a_source_that_cannot_be_read_turns_verdicts_unknown_at_once(tmp_path: Path,
                                                                     sessions) -> None:  # fmt: skip
    """A source down for all of Q1: the verdict goes from "shortfall" to "unknown" as soon as
    the health reaches the rules consumer, not at its hourly rebuild."""
    plan = load_plan(PLAN)
    owner = "hg-so-tu-phap"
    with sessions() as session:
        sync_agencies(session, plan.agencies)
        session.add(SourceRow(id=f"{owner}-web", agency_id=owner, kind="listing", url="x"))
        session.commit()
    stream = open_stream(f"embedded://{tmp_path / 'stream.db'}")
    rules = RulesConsumer(stream, sessions, [plan], today=lambda: AS_OF, rebuild_every=3600)
    rules.run(until_idle=True)

    def q1_status() -> str:
        with sessions() as session:
            return session.scalar(select(EvaluationRow).where(
                EvaluationRow.agency_id == owner, EvaluationRow.period == "2024-Q1",
                EvaluationRow.rule_id == "hg-03-tin-bai-quy", EvaluationRow.as_of == AS_OF)
            ).result["status"]  # fmt: skip

    assert q1_status() == "shortfall"
    for day in range(91):
        at = datetime(2024, 1, 1, 2, tzinfo=UTC) + timedelta(days=day)
        stream.publish(SOURCE_HEALTH, owner, Envelope.new("source.health", {
            "source_id": f"{owner}-web", "agency_id": owner, "url": "https://sotp.example/",
            "outcome": "http_error", "status": 503, "at": at.isoformat()}))  # fmt: skip
    stream.flush()
    monitor = MonitorConsumer(stream, sessions, Judge(RelevanceClassifier(),
                                                      AgencyDirectory(plan.agencies)))  # fmt: skip
    assert monitor.run(until_idle=True).health_stored == 91
    rules.run(until_idle=True)
    assert q1_status() == "unknown"
    monitor.close()
    rules.close()
    stream.close()
