from __future__ import annotations

from datetime import date

from rules.engine import evaluate_plan
from rules.items import Attestation
from rules.model import Target
from tests.rules.builders import data, plan, rule

CLASSES = rule("r1", "manual", per="year", target=Target(10, 15, "lớp"))


def attest(day: date, quantity: int, plan_id: str = "") -> Attestation:
    return Attestation("r1", "a1", day, quantity, "Lớp tập huấn", "12/BC", "https://x/bc",
                       "cv", plan_id)


def test_sum_of_attested_quantities_against_a_range() -> None:
    found = evaluate_plan(plan(CLASSES), data(attestations=[attest(date(2024, 3, 1), 4),
                                                            attest(date(2024, 9, 1), 6)]),
                          date(2025, 1, 2))
    a1, a2 = sorted(found, key=lambda v: v.agency)
    assert (a1.count, a1.status, a1.target_max) == (10, "met", 15)
    assert a1.to_json()["evidence_details"][0]["counted_as"] == "attestation"
    assert a1.to_json()["evidence"] == ["https://x/bc", "https://x/bc"]
    assert a2.status == "shortfall"  # no sources needed: attestations are not crawled


def test_attestation_after_as_of_or_for_another_plan_is_ignored() -> None:
    found = evaluate_plan(plan(CLASSES), data(attestations=[
        attest(date(2024, 3, 1), 9), attest(date(2024, 6, 2), 5), attest(date(2024, 3, 1), 5, "p9")
    ]), date(2024, 6, 1))
    a1 = next(v for v in found if v.agency == "a1")
    assert a1.count == 9


def test_a_per_cent_target_is_a_rate_the_latest_attestation_gives() -> None:
    listed = rule("r1", "manual", per="quarter", target=Target(100, unit="% TTHC"))

    def q1(as_of: date, *attested: Attestation) -> tuple[int, str]:
        found = evaluate_plan(plan(listed), data(attestations=list(attested)), as_of)
        verdict = next(v for v in found if v.agency == "a1" and v.period.label == "2024-Q1")
        return verdict.count, verdict.status

    assert q1(date(2024, 1, 1)) == (0, "on_track")  # day one: nothing attested is not "at risk"
    assert q1(date(2024, 4, 2), attest(date(2024, 2, 1), 55), attest(date(2024, 3, 1), 60)) == (
        60, "shortfall")  # 55% then 60% is 60%, not 115%
    assert q1(date(2024, 3, 15), attest(date(2024, 3, 1), 100)) == (100, "met")
