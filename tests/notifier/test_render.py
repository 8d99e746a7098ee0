from __future__ import annotations

import re
from pathlib import Path

import pytest

from notifier.labels import STATUS
from notifier.render import make_env, render_agency_digest, render_overview, render_reminder
from tests.notifier.fixtures import (
    AS_OF,
    BAO_HA_GIANG,
    ROSTER,
    SO_NOI_VU,
    SO_TU_PHAP,
    UBND_MEO_VAC,
    evidence,
    previous_week_verdicts,
    verdict,
    week_verdicts,
)


def own(agency_id: str) -> list[dict]:
    return [v for v in week_verdicts() if v["agency"] == agency_id]


def test_agency_digest_subject_figures_and_action() -> None:
    r = render_agency_digest(SO_TU_PHAP, own(SO_TU_PHAP.id), as_of=AS_OF)
    assert r.subject == (
        "[CCHC] Sở Tư pháp tỉnh Hà Giang — tình hình tuyên truyền CCHC đến 15/08/2024: "
        "1 chỉ tiêu thiếu"
    )
    for part in (r.html, r.text):
        assert "Cần thêm 3 bài trước ngày 30/09/2024" in part
        assert "2 / 5 bài" in part and "1 / 1 bài" in part
        assert "Thiếu" in part and "Đạt" in part
    # the progress bar is a nested table: 40% coloured, 60% grey
    assert re.search(r'<td width="40%"[^>]*bgcolor="#c62828"', r.html)
    assert re.search(r'<td width="60%"[^>]*bgcolor="#e3e6ea"', r.html)
    assert (
        'href="https://hg-so-tu-phap.hagiang.gov.vn/tin-tuc/cai-cach-hanh-chinh-1.html"' in r.html
    )
    assert "(02/08/2024)" in r.html
    assert "<style" not in r.html and "gradient" not in r.html and "<svg" not in r.html
    # the shortfall comes before the met quota
    assert r.text.index("Thiếu —") < r.text.index("Đạt —")


def test_all_good_subject_and_every_status_has_words() -> None:
    ok = [verdict(SO_TU_PHAP, "bai-cchc-quy", "on_track", 3, 5)]
    r = render_agency_digest(SO_TU_PHAP, ok, as_of=AS_OF)
    assert r.subject.endswith(": tất cả chỉ tiêu đạt hoặc đúng tiến độ")
    for status, lbl in STATUS.items():
        html = render_agency_digest(
            SO_TU_PHAP, [verdict(SO_TU_PHAP, "bai-cchc-quy", status, 1, 5)], as_of=AS_OF
        ).html
        assert lbl.words in html, status


def test_unreadable_source_is_warned() -> None:
    r = render_agency_digest(UBND_MEO_VAC, own(UBND_MEO_VAC.id), as_of=AS_OF)
    assert "Không xác định" in r.html
    assert "Không đọc được nguồn tin" in r.html and "Chưa có nguồn được theo dõi" not in r.html
    assert "CẢNH BÁO: không đọc được nguồn tin" in r.text
    assert "1 chỉ tiêu có nguy cơ, 1 chỉ tiêu không xác định" in r.subject


def test_agency_without_a_registered_source_is_told_to_register_one() -> None:
    verdicts = [{**v, "status": "unknown", "reason": "Chưa xác định: chưa có nguồn được theo dõi "
                 "(0/5 bài)."} for v in own(UBND_MEO_VAC.id)]
    r = render_agency_digest(UBND_MEO_VAC, verdicts, as_of=AS_OF)
    assert "Chưa có nguồn được theo dõi" in r.html and "Không đọc được nguồn tin" not in r.html
    assert "chưa được đăng ký theo dõi" in r.text and "CẢNH BÁO" not in r.text


def test_html_in_article_title_is_text_not_markup() -> None:
    title = '<script>alert("x")</script><img src=x onerror=alert(1)> Cải cách & "đổi mới"'
    details = [
        evidence(1, SO_TU_PHAP.id, title=title),
        {**evidence(2, SO_TU_PHAP.id), "url": "javascript:alert(2)"},
    ]
    v = verdict(SO_TU_PHAP, "bai-cchc-quy", "at_risk", 2, 5, evidence_details=details)
    r = render_agency_digest(SO_TU_PHAP, [v], as_of=AS_OF)
    assert "<script>" not in r.html and "<img src=x" not in r.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in r.html
    assert "Cải cách &amp; &#34;đổi mới&#34;" in r.html
    assert "javascript:" not in r.html  # a non-http link is shown as text only
    assert title in r.text  # plain text shows the title as it is


def test_overview_worst_first_with_weekly_change() -> None:
    r = render_overview(
        SO_NOI_VU, week_verdicts(), ROSTER, as_of=AS_OF, prev_verdicts=previous_week_verdicts()
    )
    assert r.subject.startswith(
        "[CCHC] Tổng hợp tình hình tuyên truyền CCHC đến 15/08/2024: 3 cơ quan"
    )
    lines = [line for line in r.text.splitlines() if line.startswith("- [")]
    assert [line.split("]")[0] for line in lines] == [
        "- [Thiếu",
        "- [Có nguy cơ",
        "- [Không xác định",
        "- [Đạt",
        "- [Đạt",
    ]
    assert "Sở Tư pháp tỉnh Hà Giang — Tin, bài" in lines[0] and "Xấu đi ▼ (+1)" in lines[0]
    assert "Không đổi" in lines[1]
    assert "Báo Hà Giang" in lines[3] and "Tiến bộ ▲ (+1)" in lines[3]
    assert "Mới" in lines[4]
    assert "So với tuần trước: 2 xấu đi, 1 tiến bộ, 1 mới." in r.text
    assert f"chưa có địa chỉ email nhận báo cáo (1): {BAO_HA_GIANG.name}" in r.text
    assert "Tiến bộ ▲" in r.html and "Xấu đi ▼" in r.html


def test_reminder_render() -> None:
    v = verdict(SO_TU_PHAP, "bai-cchc-quy", "at_risk", 3, 5)
    r = render_reminder(SO_TU_PHAP, [v], as_of=AS_OF, days_left=7)
    assert (
        r.subject == "[CCHC] Nhắc hạn: Sở Tư pháp tỉnh Hà Giang còn 7 ngày để hoàn thành 1 chỉ tiêu"
    )
    assert "Cần thêm 2 bài trước ngày 30/09/2024" in r.text and "60%" not in r.text
    assert 'width="60%"' in r.html


def test_override_folder_wins_and_rest_falls_back(tmp_path: Path) -> None:
    (tmp_path / "agency.subject.j2").write_text("Báo cáo riêng: {{ agency.name }} ({{ summary }})")
    env = make_env(tmp_path)
    r = render_agency_digest(SO_TU_PHAP, own(SO_TU_PHAP.id), as_of=AS_OF, env=env)
    assert r.subject == "Báo cáo riêng: Sở Tư pháp tỉnh Hà Giang (1 chỉ tiêu thiếu)"
    assert "Cần thêm 3 bài" in r.html  # bundled HTML template still used
    # overriding a file does not turn autoescape off
    (tmp_path / "agency.html.j2").write_text(
        "{% for q in quotas %}{{ q.evidence[0].title }}{% endfor %}"
    )
    v = verdict(
        SO_TU_PHAP,
        "bai-cchc-quy",
        "at_risk",
        1,
        5,
        evidence_details=[evidence(1, SO_TU_PHAP.id, title="<b>x</b>")],
    )
    html = render_agency_digest(SO_TU_PHAP, [v], as_of=AS_OF, env=make_env(tmp_path)).html
    assert html == "&lt;b&gt;x&lt;/b&gt;"


def test_missing_override_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="không tồn tại"):
        make_env(tmp_path / "khong-co")
