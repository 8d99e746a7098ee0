from __future__ import annotations

from datetime import date

from rules.engine import evaluate_plan
from rules.items import Attestation
from rules.model import Match
from tests.rules.builders import data, item, plan, rule

PLAN_SENT = rule("r1", "deadline", per="quarter", due=date(2024, 3, 31), match=Match(topic=None))


def status(as_of: date, *facts: object, **more: object) -> str:
    found = evaluate_plan(plan(PLAN_SENT), data(*facts, **more), as_of)  # type: ignore[arg-type]
    verdict = next(v for v in found if v.agency == "a1")
    assert (verdict.period.label, verdict.due) == ("2024-Q1", date(2024, 3, 31))
    return verdict.status


def test_before_due_on_track_then_at_risk_in_the_last_week() -> None:
    assert status(date(2024, 3, 24)) == "on_track"
    assert status(date(2024, 3, 25)) == "at_risk"
    assert status(date(2024, 3, 31)) == "at_risk"
    assert status(date(2024, 4, 1)) == "shortfall"


def test_attestation_or_item_on_time_is_met() -> None:
    sent = Attestation("r1", "a1", date(2024, 3, 31), 1, "Kế hoạch", "05/KH-SNV", "", "cv")
    assert status(date(2024, 4, 1), attestations=[sent]) == "met"
    assert status(date(2024, 4, 1), item(date(2024, 3, 30))) == "met"


def test_late_evidence_is_listed_but_not_counted() -> None:
    found = evaluate_plan(plan(PLAN_SENT), data(item(date(2024, 4, 2))), date(2024, 4, 10))
    late = next(v for v in found if v.agency == "a1")
    assert late.status == "shortfall" and late.count == 0
    assert late.to_json()["evidence_details"][0]["counted_as"] == "late"
    assert "sau hạn" in late.reason


def test_not_started_before_the_rule_starts() -> None:
    later = rule("r1", "deadline", due=date(2024, 11, 15), starts=date(2024, 6, 1))
    found = evaluate_plan(plan(later), data(), date(2024, 5, 1))
    assert {v.status for v in found} == {"not_started"}


def test_a_task_without_match_is_fulfilled_by_attested_evidence_only() -> None:
    """'Ban hành kế hoạch' is not proved by an ordinary CCHC article; and whether the agency's
    website could be read says nothing about a plan issued or a report sent."""
    task = rule("r1", "deadline", per="quarter", due=date(2024, 3, 31), attested_only=True)

    def verdict(*facts: object, **more: object) -> str:
        found = evaluate_plan(plan(task), data(*facts, **more), date(2024, 4, 15))  # type: ignore[arg-type]
        return next(v for v in found if v.agency == "a1").status

    assert verdict(item(date(2024, 2, 10))) == "shortfall"
    sent = Attestation("r1", "a1", date(2024, 3, 20), 1, "Kế hoạch", "05/KH-SNV", "", "cv")
    assert verdict(attestations=[sent]) == "met"
    assert verdict(monitored=()) == "shortfall"  # no source read: still a shortfall, not unknown
