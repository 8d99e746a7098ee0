"""The five seed plans in plans/: they load, and they say what the source documents say."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from cchc.vntext import fold
from rules.engine import evaluate_plans
from rules.items import EvaluationInput
from rules.loader import find_plan_files, load_plan, load_plans, validate_plan_files
from rules.model import Plan, Rule, Target

PLANS = Path(__file__).resolve().parents[2] / "plans"
CITES = {
    "ha-giang-2024": "Hà Giang 2024",
    "thua-thien-hue-2019": "Thừa Thiên Huế 2019",
    "ninh-thuan-2024": "Ninh Thuận 2024",
    "an-nhon-2023": "An Nhơn 2023",
    "ha-tinh-sldtbxh-2024": "Hà Tĩnh Sở LĐTBXH 2024",
}


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {plan.id: plan for plan in load_plans(PLANS)}


def rule(plan: Plan, rule_id: str) -> Rule:
    found = [r for r in plan.rules if r.id == rule_id]
    assert found, f"{plan.id} has no rule {rule_id}"
    return found[0]


def members(plan: Plan, group: str) -> set[str]:
    return {a.id for a in plan.agencies if group in a.groups}


def test_every_plan_file_validates_and_is_one_of_the_seeds() -> None:
    files = find_plan_files(PLANS)
    assert validate_plan_files(files) == []
    assert sorted(f.stem for f in files) == sorted(CITES)


def test_plans_are_well_formed(plans: dict[str, Plan]) -> None:
    for plan_id, plan in plans.items():
        assert Path(plan.path).stem == plan_id and len(plan.sha256) == 64
        assert any(a.overseer for a in plan.agencies), plan_id
        assert all(a.emails for a in plan.agencies), plan_id
        prefix = plan.agencies[0].id.split("-")[0]
        for r in plan.rules:
            assert r.cite.startswith(CITES[plan_id] + ", mục ") or r.cite.startswith(
                CITES[plan_id] + ", Phụ lục, mục "
            ), r.cite
            assert r.id.startswith(prefix + "-"), r.id
            assert plan.scope_agencies(r.scope), r.id
            if r.kind in ("manual", "deadline"):
                assert r.target.unit != "bài" or r.match.kinds, r.id  # says what is attested


def test_plans_run_through_the_engine(plans: dict[str, Plan]) -> None:
    for plan in plans.values():
        verdicts = evaluate_plans([plan], EvaluationInput(), plan.ends)
        assert {v.rule for v in verdicts} == {r.id for r in plan.rules}


@pytest.mark.parametrize(("plan_id", "rule_prefix", "recipient"), [
    ("ha-giang-2024", "hg-v7-", "hg-so-noi-vu"),  # "báo cáo ... về UBND tỉnh (qua Sở Nội vụ)"
    ("ninh-thuan-2024", "nt-iv1b-", "nt-so-noi-vu"),  # "báo cáo ... gửi Sở Nội vụ"
    ("thua-thien-hue-2019", "hue-iv-", "hue-so-tttt"),  # "báo cáo ... gửi Sở TT&TT"
])
def test_the_recipient_of_reports_is_not_asked_to_send_them(
    plans: dict[str, Plan], plan_id: str, rule_prefix: str, recipient: str
) -> None:
    """The rule binds the department's group, of which the recipient is a member: without the
    exception it was told, every period, that it had not reported to itself."""
    plan = plans[plan_id]
    verdicts = [v for v in evaluate_plans([plan], EvaluationInput(), plan.ends)
                if v.rule.startswith(rule_prefix)]
    assert verdicts and recipient not in {v.agency for v in verdicts}
    assert len({v.agency for v in verdicts}) > 5  # everyone else still reports


# ---- Hà Giang 2024 ----

HG_FIXED = {
    "hg-so-noi-vu": "so",
    "hg-so-tu-phap": "so",
    "hg-so-tai-chinh": "so",
    "hg-so-ke-hoach-dau-tu": "so",
    "hg-so-tttt": "so",
    "hg-van-phong-ubnd": "so",
    "hg-bao-ha-giang": "newspaper",
    "hg-dai-ptth": "broadcaster",
    "hg-cong-ttdt": "portal",
}
HG_DISTRICTS = {
    "hg-huyen-bac-me",
    "hg-huyen-bac-quang",
    "hg-huyen-dong-van",
    "hg-huyen-hoang-su-phi",
    "hg-huyen-meo-vac",
    "hg-huyen-quan-ba",
    "hg-huyen-quang-binh",
    "hg-huyen-vi-xuyen",
    "hg-huyen-xin-man",
    "hg-huyen-yen-minh",
    "hg-tp-ha-giang",
}


def test_ha_giang_roster(plans: dict[str, Plan]) -> None:
    plan = plans["ha-giang-2024"]
    kinds = {a.id: a.kind for a in plan.agencies}
    assert {k: kinds.get(k) for k in HG_FIXED} == HG_FIXED
    assert members(plan, "ubnd_huyen") == HG_DISTRICTS
    assert members(plan, "bao_dai") == {"hg-bao-ha-giang", "hg-dai-ptth"}
    departments = members(plan, "so_ban_nganh")
    assert {
        "hg-so-noi-vu",
        "hg-van-phong-ubnd",
        "hg-so-y-te",
        "hg-so-giao-duc-dao-tao",
        "hg-thanh-tra-tinh",
        "hg-ban-dan-toc",
    } <= departments and len(departments) >= 18
    assert [a.id for a in plan.agencies if a.overseer] == ["hg-so-noi-vu"]
    assert plan.agency("hg-so-noi-vu").emails == ("sonv@hagiang.gov.vn",)
    assert plan.agency("Huyen Hoang Su Phi").id == "hg-huyen-hoang-su-phi"
    assert plan.agency("Sở TT&TT").id == "hg-so-tttt"
    assert plan.agency("Đài PT-TH tỉnh").id == "hg-dai-ptth"
    assert plan.agency("thanh pho ha giang").id == "hg-tp-ha-giang"


def test_ha_giang_appendix_items(plans: dict[str, Plan]) -> None:
    plan = plans["ha-giang-2024"]
    cited = {int(m[1]) for r in plan.rules if (m := re.search(r"Phụ lục, mục (\d+)$", r.cite))}
    assert cited == set(range(1, 12))
    item3 = rule(plan, "hg-03-tin-bai-quy")
    assert (item3.kind, item3.target, item3.per) == ("count", Target(5, None, "bài"), "quarter")
    assert item3.scope.groups == ("so_ban_nganh", "ubnd_huyen") and not item3.scope.agencies
    assert item3.match.kinds == ("tin", "bai") and item3.cite == "Hà Giang 2024, Phụ lục, mục 3"
    item4 = rule(plan, "hg-04-bao-trung-uong")
    assert (item4.target.min, item4.per, item4.scope.agencies) == (1, "quarter", ("hg-so-noi-vu",))
    assert item4.match.channels == ("nhan-dan", "vietnamnet")
    classes, people = rule(plan, "hg-05-lop-tap-huan"), rule(plan, "hg-05-luot-nguoi-tap-huan")
    assert (classes.kind, classes.target.min, classes.target.max) == ("manual", 10, 15)
    assert (people.target.min, people.target.max) == (1000, 1500)
    assert classes.active_periods == people.active_periods == ("Q2", "Q3")
    item8 = rule(plan, "hg-08-tieng-dan-toc")
    assert (item8.target.min, item8.per, item8.scope.agencies) == (12, "year", ("hg-dai-ptth",))
    assert set(item8.match.languages) == {"tay", "hmn", "dao", "pa_then"}
    item9 = rule(plan, "hg-09-trao-doi-ban-doc")
    assert (item9.kind, item9.target.min, item9.per) == ("count", 13, "year")
    assert item9.active_periods == ("Q2", "Q3", "Q4") and item9.scope.agencies == (
        "hg-bao-ha-giang",
    )
    assert fold(item9.match.section) in fold("Trao đổi ý kiến bạn đọc về CCHC")
    assert fold(item9.match.section) not in fold("Bạn đọc viết")
    item10 = rule(plan, "hg-10-video-phong-su")
    assert (item10.kind, item10.due, item10.per) == ("deadline", date(2024, 12, 31), "month")
    assert set(item10.match.kinds) == {"video", "phong_su"}
    assert rule(plan, "hg-01-cap-kinh-phi").due == date(2024, 3, 31)
    for item in ("hg-07-thi-tim-hieu", "hg-11-tham-quan-hoc-tap", "hg-06-hoi-nghi-doi-thoai"):
        assert rule(plan, item).kind in ("manual", "deadline")


# ---- Thừa Thiên Huế 2019 ----


def test_hue_broadcast_and_newspaper(plans: dict[str, Plan]) -> None:
    plan = plans["thua-thien-hue-2019"]
    weekly = rule(plan, "hue-121-chuyen-muc-tuan")
    assert (weekly.kind, weekly.window_days, weekly.scope.agencies) == (
        "cadence",
        7,
        ("hue-dai-trt",),
    )
    length = rule(plan, "hue-121-thoi-luong")
    assert (length.kind, length.min_minutes, length.max_minutes) == ("duration", 12, 15)
    assert (length.per, length.target.min) == ("week", 1)
    assert length.match == weekly.match and weekly.cite == "Thừa Thiên Huế 2019, mục II.1.2.1"
    page = rule(plan, "hue-122-chuyen-trang-bao")
    assert (page.kind, page.window_days, page.scope.agencies) == ("cadence", 7, ("hue-bao-tth",))
    stations = rule(plan, "hue-123-dai-huyen")
    assert stations.kind == "coverage" and len(plan.scope_agencies(stations.scope)) == 9
    assert len(members(plan, "ubnd_huyen")) == 9


def test_hue_dialogue_portal_and_report(plans: dict[str, Plan]) -> None:
    plan = plans["thua-thien-hue-2019"]
    dialogue = rule(plan, "hue-14-doi-thoai-truc-tuyen")
    assert (dialogue.kind, dialogue.per, dialogue.target.min) == ("count", "quarter", 1)  # "3 tháng/lần"
    portal = rule(plan, "hue-13-cong-ttdt")
    assert set(portal.scope.agencies) == {
        "hue-cong-ttdt",
        "hue-so-tttt",
        "hue-so-noi-vu",
        "hue-so-tu-phap",
    }
    report = rule(plan, "hue-iv-bao-cao-15-11")
    assert report.kind == "deadline" and report.due == date(2019, 11, 14)  # "trước ngày 15/11"
    assert "15/11/2019" in report.title
    assert plan.agency("Sở Thông tin và Truyền thông").overseer


# ---- Ninh Thuận 2024 ----


def test_ninh_thuan_deadlines_and_columns(plans: dict[str, Plan]) -> None:
    plan = plans["ninh-thuan-2024"]
    assert rule(plan, "nt-iv1a-ke-hoach-quy-1").due == date(2024, 3, 31)
    reports = {r.id: r.due for r in plan.rules if r.id.startswith("nt-iv1b-")}
    assert sorted(reports.values()) == [
        date(2024, 3, 31),
        date(2024, 6, 30),
        date(2024, 9, 30),
        date(2024, 12, 31),
    ]
    assert all(rule(plan, r).scope.groups == ("so_ban_nganh", "ubnd_huyen") for r in reports)
    columns = rule(plan, "nt-iv2-chuyen-muc-bao-dai")
    assert columns.kind == "coverage" and members(plan, "bao_dai") == {
        "nt-bao-ninh-thuan",
        "nt-dai-ptth",
    }
    newsletter = rule(plan, "nt-iv3d-ban-tin-dien-tu")
    assert (newsletter.scope.agencies, newsletter.per) == (("nt-so-noi-vu",), "quarter")
    assert len(members(plan, "ubnd_huyen")) == 7


# ---- An Nhơn 2023 ----


def test_an_nhon_key_activities_table(plans: dict[str, Plan]) -> None:
    plan = plans["an-nhon-2023"]
    rows = {int(m[1]) for r in plan.rules if (m := re.search(r"mục III, dòng (\d)", r.cite))}
    assert rows == {1, 2, 3, 4, 5, 6}
    assert rule(plan, "an-iii-4-boi-duong-cntt").due == date(2023, 12, 14)
    assert rule(plan, "an-iii-5-khao-sat-hoc-tap").due == date(2023, 12, 14)
    news = rule(plan, "an-iii-2-tin-bai-cchc")
    assert set(plan.scope_agencies(news.scope)) == set(plan.agencies)
    assert len(members(plan, "ubnd_xa")) == 15
    assert plan.agency("Phuong Dap Da").id == "an-phuong-dap-da"


# ---- Hà Tĩnh Sở LĐTBXH 2024 ----


def test_ha_tinh_coverage_and_quarterly_report(plans: dict[str, Plan]) -> None:
    plan = plans["ha-tinh-sldtbxh-2024"]
    coverage = rule(plan, "ht-i3-chuyen-muc-cchc")
    assert coverage.kind == "coverage" and coverage.max_age_days
    assert "ht-sldtbxh" in {a.id for a in plan.scope_agencies(coverage.scope)}
    report = rule(plan, "ht-iv2-bao-cao-quy")
    assert (report.kind, report.per, report.target.min) == ("manual", "quarter", 1)
    assert rule(plan, "ht-i3-niem-yet-tthc").target.min == 100


# ---- the numbers come from the documents ----

SEED_PHRASES = {
    "ha-giang-2024": [
        "tối thiểu 5 bài/1 quý",
        "1 chuyên mục/1 quý",
        "từ 10 - 15 lớp",
        "1.000 đến 1.500 lượt người",
        "12 bài/1 năm",
        "13 chuyên mục/năm",
        "Quý II, III, IV/2024",
        "Tày, Mông, Dao, Pà Thẻn",
    ],
    "thua-thien-hue-2019": [
        "một tuần một lần",
        "từ 12 đến 15 phút",
        "01 tuần một kỳ",
        "Định kỳ 3 tháng/lần",
        "trước ngày 15/11/2019",
        "09 đài",
    ],
    "ninh-thuan-2024": ["trong Quý I/2024", "Quý I, 06 tháng, 09 tháng, năm", "Bản tin điện tử"],
    "an-nhon-2023": ["Hoàn thành chậm nhất trước 15/12/2023"],
    "ha-tinh-sldtbxh-2024": ["100% Trang thông tin điện tử", "định kỳ hằng quý"],
}


@pytest.mark.parametrize("plan_id", sorted(SEED_PHRASES))
def test_seed_says_what_the_plan_encodes(seeds_dir: Path, plan_id: str) -> None:
    text = fold(re.sub(r"[*_]", "", (seeds_dir / f"{plan_id}.txt").read_text(encoding="utf-8")))
    for phrase in SEED_PHRASES[plan_id]:
        assert fold(phrase) in text, phrase
    plan = load_plan(PLANS / f"{plan_id}.yaml")
    assert fold(plan.province) in text or plan_id == "an-nhon-2023"


def test_deadline_tasks_count_articles_only_where_the_plan_says_which(
    plans: dict[str, Plan],
) -> None:
    deadlines = [r for plan in plans.values() for r in plan.rules if r.kind == "deadline"]
    counting = {r.id for r in deadlines if not r.attested_only}
    assert counting == {"hg-10-video-phong-su", "hue-152-cai-cach-tu-phap"}
    assert len(deadlines) - len(counting) >= 20
