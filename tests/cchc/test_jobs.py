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
