from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cchc.vntext import VN_TZ
from rules.engine import evaluate_plan
from rules.items import Exemption, Health, Override
from rules.model import Match, Target
from rules.verdict import Verdict
from tests.rules.builders import at, data, item, plan, rule

QUARTERLY = rule("r1", per="quarter", target=Target(2))


def verdict(found: list[Verdict], agency: str = "a1", period: str = "2024-Q1") -> Verdict:
    (match,) = [v for v in found if v.agency == agency and v.period.label == period]
    return match


def test_quarter_edges_in_vietnam_time() -> None:
    items = [
        item(datetime(2024, 3, 31, 23, 30, tzinfo=VN_TZ)),
        item(datetime(2024, 3, 31, 17, 30, tzinfo=UTC)),  # 1 April in Vietnam
        item(datetime(2024, 1, 1, 0, 0, tzinfo=VN_TZ)),
        item(datetime(2023, 12, 31, 16, 59, tzinfo=UTC)),  # 23:59 on 31/12 in Vietnam
    ]
    found = evaluate_plan(plan(QUARTERLY), data(*items), date(2024, 4, 2))
    assert verdict(found).count == 2 and verdict(found).status == "met"
    assert verdict(found, period="2024-Q2").count == 1


def test_zero_items_quarter_is_a_shortfall_with_reason() -> None:
    found = evaluate_plan(plan(QUARTERLY), data(), date(2024, 4, 1))
    q1 = verdict(found, "a2")
    assert (q1.count, q1.status, q1.needed, q1.due) == (0, "shortfall", 2, date(2024, 3, 31))
    assert q1.reason == "Không đạt trong kỳ 2024-Q1 (0/2 bài): thiếu 2 bài, hạn 31/03/2024."
    assert len(found) == 4  # every roster agency × every started quarter


def test_pro_rata_boundary_on_track_versus_at_risk() -> None:
    quarter_days = 91  # Q1 2024
    half = date(2024, 1, 1) + timedelta(days=quarter_days // 2)  # 46 days elapsed
    one, none = data(item(date(2024, 1, 5))), data()
    # behind by less than one whole item is not behind: floor(2×45/91) = 0, floor(2×46/91) = 1
    assert verdict(evaluate_plan(plan(QUARTERLY), none, half - timedelta(days=1))).status == (
        "on_track")
    assert verdict(evaluate_plan(plan(QUARTERLY), none, half)).status == "at_risk"
    assert verdict(evaluate_plan(plan(QUARTERLY), one, half)).status == "on_track"
    last_day = date(2024, 3, 31)  # floor(2×91/91) = 2
    assert verdict(evaluate_plan(plan(QUARTERLY), one, last_day)).status == "at_risk"
    on_track = verdict(evaluate_plan(plan(QUARTERLY), one, date(2024, 1, 20)))
    assert on_track.reason == "Đúng tiến độ (1/2 bài). Cần thêm 1 bài trước ngày 31/03/2024."


def test_last_day_of_period_is_still_open() -> None:
    found = evaluate_plan(plan(QUARTERLY), data(), date(2024, 3, 31))
    assert verdict(found).status == "at_risk"


def test_range_target_met_at_minimum_and_reports_maximum() -> None:
    ranged = rule("r1", per="year", target=Target(10, 15, "lớp"))
    found = evaluate_plan(plan(ranged), data(*[item(date(2024, 5, d)) for d in range(1, 11)]),
                          date(2024, 6, 1))
    met = verdict(found, period="2024")
    assert (met.status, met.target, met.target_max, met.unit) == ("met", 10, 15, "lớp")
    assert met.to_json()["target_max"] == 15 and "chỉ tiêu 10–15" in met.reason


def test_active_quarters_only_q2_to_q4() -> None:
    columns = rule("r1", per="quarter", active_periods=("Q2", "Q3", "Q4"))
    found = evaluate_plan(plan(columns), data(item(date(2024, 2, 1))), date(2024, 7, 15))
    assert sorted({v.period.label for v in found}) == ["2024-Q2", "2024-Q3"]


def test_unknown_when_agency_has_no_source() -> None:
    found = evaluate_plan(plan(QUARTERLY), data(monitored=("a1",)), date(2024, 4, 1))
    assert verdict(found, "a1").status == "shortfall"
    unknown = verdict(found, "a2")
    assert unknown.status == "unknown" and "chưa có nguồn được theo dõi" in unknown.reason


def _health(day: date, ok: bool, hour: int = 8) -> Health:
    return Health("a1-rss", "a1", at(day, hour), ok, "ok" if ok else "timeout")


def test_unknown_when_sources_unreadable_half_the_period() -> None:
    down = [_health(date(2024, 1, 1) + timedelta(days=i), False) for i in range(46)]
    back = [_health(date(2024, 4, 2), True)]  # the source was read again after the quarter
    found = evaluate_plan(plan(QUARTERLY), data(health=down + back), date(2024, 4, 1))
    assert verdict(found).status == "unknown"
    assert "46/91 ngày" in verdict(found).reason
    fewer = evaluate_plan(plan(QUARTERLY), data(health=down[:45] + back), date(2024, 4, 1))
    assert verdict(fewer).status == "shortfall"


def test_a_source_failing_ever_since_its_last_read_is_unknown_even_if_found_later() -> None:
    """A first crawl in November that fails says nothing was seen of Q1: unknown, not shortfall."""
    late_failure = [_health(date(2024, 11, 20), False)]
    found = evaluate_plan(plan(QUARTERLY), data(health=late_failure), date(2024, 4, 1))
    assert verdict(found).status == "unknown" and "91/91 ngày" in verdict(found).reason
    read_in_may = [_health(date(2024, 5, 3), True)] + late_failure
    found = evaluate_plan(plan(QUARTERLY), data(health=read_in_may), date(2024, 4, 1))
    assert verdict(found).status == "shortfall"  # Q1 was fully visible on 3 May
    failing_mid_quarter = [_health(date(2024, 1, 20), True), _health(date(2024, 2, 1), False)]
    found = evaluate_plan(plan(QUARTERLY), data(health=failing_mid_quarter), date(2024, 4, 1))
    assert verdict(found).status == "unknown" and "71/91 ngày" in verdict(found).reason


def test_a_success_the_same_day_makes_the_day_readable() -> None:
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(60)]
    health = [_health(d, False) for d in days] + [_health(d, True, 20) for d in days]
    found = evaluate_plan(plan(QUARTERLY), data(health=health), date(2024, 4, 1))
    assert verdict(found).status == "shortfall"


def test_met_stays_met_even_when_sources_were_down() -> None:
    down = [_health(date(2024, 1, 1) + timedelta(days=i), False) for i in range(91)]
    found = evaluate_plan(plan(QUARTERLY), data(item(date(2024, 1, 2)), item(date(2024, 1, 3)),
                                                  health=down), date(2024, 4, 1))
    assert verdict(found).status == "met"


def test_exemption_until_expiry() -> None:
    excused = Exemption("r1", "a1", "2024-Q1", "Sáp nhập đơn vị", "chuyên viên", date(2024, 4, 30))
    found = evaluate_plan(plan(QUARTERLY), data(exemptions=[excused]), date(2024, 4, 1))
    assert verdict(found).status == "exempt" and "Sáp nhập đơn vị" in verdict(found).reason
    assert verdict(found, "a2").status == "shortfall"
    expired = evaluate_plan(plan(QUARTERLY), data(exemptions=[excused]), date(2024, 5, 1))
    assert verdict(expired).status == "shortfall"


def test_override_counts_forces_inclusion_and_not_counts_excludes() -> None:
    off_topic = item(date(2024, 1, 10), cchc=False)
    wrong = item(date(2024, 1, 11))
    overrides = [Override(off_topic.article_id, "r1", True, "bài về CCHC", "cv"),
                 Override(wrong.article_id, "r1", False, "không phải CCHC", "cv")]
    found = verdict(evaluate_plan(plan(QUARTERLY), data(off_topic, wrong, overrides=overrides),
                                  date(2024, 2, 1)))
    assert found.count == 1 and found.items == (off_topic,)
    assert found.to_json()["evidence_details"][0]["counted_as"] == "override"


def test_every_rule_override_corrects_the_topic_or_removes_the_item() -> None:
    off_topic = item(date(2024, 1, 10), cchc=False)
    removed = item(date(2024, 1, 11))
    overrides = [Override(off_topic.article_id, "", True), Override(removed.article_id, "", False)]
    found = verdict(evaluate_plan(plan(QUARTERLY), data(off_topic, removed, overrides=overrides),
                                  date(2024, 2, 1)))
    assert [i.article_id for i in found.items] == [off_topic.article_id]


def test_near_duplicates_count_once_per_agency() -> None:
    first = item(date(2024, 1, 10), cluster_id=7)
    copy = item(date(2024, 1, 12), cluster_id=7, channel_id="bao-tinh")
    other_agency = item(date(2024, 1, 12), "a2", cluster_id=7)
    found = evaluate_plan(plan(QUARTERLY), data(copy, first, other_agency), date(2024, 2, 1))
    a1 = verdict(found)
    assert a1.count == 1 and a1.items == (first,)
    assert a1.to_json()["duplicates"][0]["duplicate_of"] == first.article_id
    assert verdict(found, "a2").count == 1


def test_duplicate_kept_when_the_earliest_does_not_match() -> None:
    video = rule("r1", per="quarter", match=Match(kinds=("video",)))
    text = item(date(2024, 1, 10), cluster_id=9, kind="bai")
    clip = item(date(2024, 1, 11), cluster_id=9, kind="video")
    found = verdict(evaluate_plan(plan(video), data(text, clip), date(2024, 2, 1)))
    assert found.items == (clip,) and found.duplicates == ()


def test_match_filters() -> None:
    mong = rule("r1", per="year", match=Match(languages=("hmn",), channels=("dai-tinh",),
                                              section="tieng dan toc"))
    good = item(date(2024, 3, 1), language="hmn", channel_id="dai-tinh",
                section="Chương trình tiếng dân tộc")
    items = [good, item(date(2024, 3, 2), language="vi", channel_id="dai-tinh"),
             item(date(2024, 3, 3), language="hmn", channel_id="khac"),
             item(date(2024, 3, 4), language="hmn", channel_id="dai-tinh", cchc=False,
                  section="Tiếng dân tộc")]
    found = verdict(evaluate_plan(plan(mong), data(*items), date(2024, 4, 1)), period="2024")
    assert found.items == (good,)


def test_items_after_as_of_do_not_count() -> None:
    found = evaluate_plan(plan(QUARTERLY), data(item(date(2024, 2, 2)), item(date(2024, 2, 3))),
                          date(2024, 2, 2))
    assert verdict(found).count == 1


def test_rule_not_started_yet() -> None:
    later = rule("r1", per="quarter", starts=date(2024, 7, 1))
    found = evaluate_plan(plan(later), data(), date(2024, 5, 1))
    assert {(v.period.label, v.status) for v in found} == {("2024-Q3", "not_started")}
    assert found[0].reason == "Chưa bắt đầu: áp dụng từ ngày 01/07/2024."


def test_a_healthy_feed_does_not_hide_a_dead_listing() -> None:
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(91)]
    feed_ok = [Health("a1-rss", "a1", at(d, 8), True, "ok") for d in days]
    listing_down = [Health("a1-list", "a1", at(d, 9), False, "http_error") for d in days]
    found = evaluate_plan(plan(QUARTERLY), data(health=feed_ok + listing_down), date(2024, 4, 1))
    assert verdict(found).status == "unknown"
    listing_back = [Health("a1-list", "a1", at(d, 10), True, "ok") for d in days]
    found = evaluate_plan(plan(QUARTERLY), data(health=feed_ok + listing_down + listing_back),
                          date(2024, 4, 1))
    assert verdict(found).status == "shortfall"


def test_a_rule_on_channels_nobody_reads_is_unknown_not_a_shortfall() -> None:
    """'1 chuyên mục/quý on Nhân Dân or VietNamNet': reading the agency's own site says nothing
    about what the central newspapers published."""
    central = rule("r1", "count", per="quarter", target=Target(1),
                   match=Match(channels=("nhan-dan", "vietnamnet")))  # fmt: skip

    def q1(channels: set[str]) -> str:
        found = evaluate_plan(plan(central), data(monitored_channels=channels), date(2024, 4, 10))
        return next(v for v in found if v.agency == "a1" and v.period.label == "2024-Q1").status

    assert q1({"a1"}) == "unknown"
    assert q1({"a1", "nhan-dan"}) == "shortfall"


def test_a_story_credited_to_a_department_also_counts_on_the_portal_that_carried_it() -> None:
    """'Tin bài CCHC trên Cổng TTĐT tỉnh': the portal's rule counts what it published, also the
    stories whose 'Nguồn:' line gives them to a department, which count for that department too."""
    quarterly = rule("r1", "count", per="quarter", target=Target(1))
    on_portal = item(date(2024, 2, 1), "a1", channel_id="portal")
    found = evaluate_plan(plan(quarterly), data(on_portal, channel_owners={"portal": "a2"}),
                          date(2024, 4, 10))  # fmt: skip
    q1 = {v.agency: (v.count, v.status) for v in found if v.period.label == "2024-Q1"}
    assert q1 == {"a1": (1, "met"), "a2": (1, "met")}
