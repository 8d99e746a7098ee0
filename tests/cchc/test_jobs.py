from __future__ import annotations

from pathlib import Path

from cchc.jobs import _roster
from monitor.agencies import sync_agencies
from rules.loader import load_plan
from rules.model import Agency

PLAN = Path(__file__).resolve().parents[2] / "plans" / "ha-giang-2024.yaml"


def test_digest_recipients_merge_the_plan_roster_and_the_source_registry(sessions) -> None:
    plan = load_plan(PLAN)
    with sessions() as session:
        sync_agencies(session, [Agency("hg-so-tu-phap", "Sở Tư pháp tỉnh Hà Giang", "so",
                                       emails=("vanthu.stp@hagiang.gov.vn",))])
        session.commit()
        roster = {agency.id: agency for agency in _roster([plan], session)}
    emails = roster["hg-so-tu-phap"].emails
    assert "vanthu.stp@hagiang.gov.vn" in emails
    assert set(plan.agency("hg-so-tu-phap").emails) <= set(emails)
    assert len(roster) == len(plan.agencies)


def test_digests_that_failed_are_retried_by_the_hourly_job_once(tmp_path, monkeypatch) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from cchc.jobs import retry_digests_job, today_in
    from monitor.database import open_database
    from monitor.models import NotificationRow
    from notifier.digests import week_key
    from tests.notifier.conftest import SmtpServer

    server = SmtpServer()
    server.start()
    try:
        monkeypatch.setenv("CCHC_HOME", str(tmp_path))
        monkeypatch.setenv("CCHC_SMTP_URL", f"smtp://127.0.0.1:{server.port}")
        monkeypatch.setenv("CCHC_PLANS_DIR", str(PLAN.parent))
        retry_digests_job()  # nothing failed: nothing is sent
        assert server.inbox.received == []
        sessions = open_database(f"sqlite:///{tmp_path / 'cchc.db'}")
        week = week_key(today_in("Asia/Ho_Chi_Minh"))
        with sessions() as session:
            session.add(NotificationRow(recipient="hg-so-tu-phap", digest_kind="agency_weekly",
                                        period=week, status="failed", attempts=3,
                                        updated_at=datetime.now(UTC)))
            session.commit()
        retry_digests_job()
        sent = len(server.inbox.received)
        assert sent > 0
        with sessions() as session:
            statuses = {row.status for row in session.scalars(select(NotificationRow))}
        assert statuses == {"sent"}
        retry_digests_job()  # everything delivered: the next hour sends nothing
        assert len(server.inbox.received) == sent
    finally:
        server.stop()
