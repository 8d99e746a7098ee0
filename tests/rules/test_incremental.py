from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.vntext import VN_TZ
from rules.engine import evaluate_plans
from rules.incremental import IncrementalEvaluator
from rules.items import Attestation, Item, Override
from rules.model import Match, Scope, Target
from rules.verdict import Verdict
from tests.rules.builders import agency, data, item, plan, rule

ROSTER = (agency("a1", "so"), agency("a2", "so"), agency("a3", "huyen"))
PLANS = [
    plan(
        rule("quarterly", per="quarter", target=Target(2, 3)),
        rule("weekly", per="week", match=Match(kinds=("bai", "video"))),
        rule("mong", per="month", match=Match(languages=("hmn",), topic=None),
             scope=Scope(groups=("so", "huyen"))),
        rule("cadence", "cadence", per="quarter", window_days=10, tolerance_days=2),
        rule("programme", "duration", per="month", min_minutes=12, max_minutes=15,
             match=Match(kinds=("video",))),
        rule("column", "coverage", per="month", max_age_days=20, match=Match(section="cchc")),
        rule("plan-sent", "deadline", per="quarter", due=date(2024, 3, 31)),
        rule("classes", "manual", per="year", target=Target(3, 5)),
        agencies=ROSTER, starts=date(2024, 1, 1), ends=date(2024, 12, 31), plan_id="p1"),
    plan(rule("quarterly", per="quarter", active_periods=("Q2", "Q3", "Q4")),
         agencies=ROSTER, plan_id="p2"),
]
AS_OF_DATES = [date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 1), date(2024, 7, 15),
               date(2025, 1, 2)]
EDGES = [date(2023, 12, 31), date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 1),
         date(2024, 6, 30), date(2024, 12, 29), date(2024, 12, 30), date(2024, 12, 31)]


@st.composite
def articles(draw: st.DrawFn) -> Item:
    day = draw(st.one_of(st.sampled_from(EDGES), st.dates(date(2023, 12, 20), date(2025, 1, 5))))
    moment = datetime.combine(day, datetime.min.time(), VN_TZ) + timedelta(
        minutes=draw(st.sampled_from([0, 30, 60 * 16 + 59, 60 * 17, 60 * 23 + 59])))
    if draw(st.booleans()):
        moment = moment.astimezone(UTC)
    return item(
        moment, draw(st.sampled_from(["a1", "a2", "a3", "outsider"])),
        article_id=draw(st.integers(1, 40)),
        cchc=draw(st.booleans()), kind=draw(st.sampled_from(["bai", "tin", "video"])),
        language=draw(st.sampled_from(["vi", "hmn"])),
        section=draw(st.sampled_from(["Chuyên mục CCHC", "Tin tức"])),
        cluster_id=draw(st.one_of(st.none(), st.integers(1, 5))),
        duration_seconds=draw(st.sampled_from([None, 600, 780, 900, 1000])),
        channel_id=draw(st.sampled_from(["own", "portal"])),  # "own": its agency's own site
    )


def by_key(verdicts: list[Verdict]) -> dict[tuple[str, str, str, str], dict]:
    return {v.key: v.to_json() for v in verdicts}


def final_items(stream: list[Item]) -> list[Item]:
    latest: dict[int, Item] = {}
    for article in stream:
        latest[article.article_id] = article
    return list(latest.values())


OVERRIDES = [Override(3, "quarterly", True), Override(4, "", False), Override(5, "", True),
             Override(6, "weekly", False)]
ATTESTED = [Attestation("classes", "a1", date(2024, 2, 1), 2),
            Attestation("plan-sent", "a2", date(2024, 3, 30), 1)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(articles(), max_size=40), st.integers(0, 10), st.sampled_from(AS_OF_DATES))
def test_incremental_equals_batch(stream: list[Item], initial: int, as_of: date) -> None:
    facts = {"overrides": OVERRIDES, "attestations": ATTESTED, "channel_owners": {"portal": "a3"}}
    start = final_items(stream[:initial])
    evaluator = IncrementalEvaluator(PLANS, data(*start, **facts), as_of)
    for article in stream[initial:]:
        before = by_key(evaluator.verdicts())
        changed = {v.key for v in evaluator.apply(article)}
        after = by_key(evaluator.verdicts())
        assert {k for k in after if after[k] != before[k]} <= changed
    batch = evaluate_plans(PLANS, data(*final_items(stream), **facts), as_of)
    assert [v.to_json() for v in evaluator.verdicts()] == [v.to_json() for v in batch]


def test_apply_reports_only_the_touched_cell() -> None:
    evaluator = IncrementalEvaluator(PLANS[1:], data(), date(2024, 5, 1))
    changed = evaluator.apply(item(date(2024, 4, 20), "a1"))
    assert [(v.agency, v.period.label, v.count, v.status) for v in changed] == [
        ("a1", "2024-Q2", 1, "met")]
    assert evaluator.apply(item(date(2024, 6, 1), "a1")) == []  # after as_of: nothing moves


def test_an_earlier_copy_moves_the_count_to_its_own_period() -> None:
    evaluator = IncrementalEvaluator(PLANS[1:], data(), date(2024, 12, 1))
    evaluator.apply(item(date(2024, 7, 2), "a1", cluster_id=11))
    changed = evaluator.apply(item(date(2024, 5, 2), "a1", cluster_id=11))
    assert sorted((v.period.label, v.count) for v in changed) == [("2024-Q2", 1), ("2024-Q3", 0)]


def test_an_updated_article_is_counted_once_where_it_now_belongs() -> None:
    evaluator = IncrementalEvaluator(PLANS[1:], data(), date(2024, 12, 1))
    evaluator.apply(item(date(2024, 7, 2), "a1", article_id=500))
    evaluator.apply(item(date(2024, 5, 2), "a1", article_id=500, title="Bài đã sửa"))
    counts = {v.period.label: v.count for v in evaluator.verdicts() if v.agency == "a1"}
    assert counts == {"2024-Q2": 1, "2024-Q3": 0, "2024-Q4": 0}


def test_the_same_instant_written_with_another_offset_gives_the_same_verdict() -> None:
    """Found by the property test in CI: an update that only changed the offset of the
    publication time (the same instant) left the incremental evidence in the old offset."""
    first = item(datetime(2023, 12, 31, tzinfo=VN_TZ), "a1", article_id=1, cchc=True,
                 language="hmn", section="Chuyên mục CCHC", cluster_id=1)
    again = item(datetime(2023, 12, 30, 17, tzinfo=UTC), "a1", article_id=1, cchc=True,
                 language="hmn", section="Chuyên mục CCHC", cluster_id=1)
    as_of = date(2024, 1, 1)
    evaluator = IncrementalEvaluator(PLANS, data(), as_of)
    for article in (first, again):
        evaluator.apply(article)
    batch = evaluate_plans(PLANS, data(again), as_of)
    assert [v.to_json() for v in evaluator.verdicts()] == [v.to_json() for v in batch]
