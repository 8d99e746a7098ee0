"""The printable quarterly report: province → agency group → agency."""

from __future__ import annotations

import re

from tests.web.helpers import verdicts


def test_quarterly_report_rolls_up_groups_and_agencies(app, login) -> None:
    page = login("viewer").get("/report/ha-giang-2024/2024-Q2?as_of=2024-08-15")
    assert page.status_code == 200
    text = page.text
    assert "Kết quả công tác tuyên truyền cải cách hành chính quý II năm 2024" in text
    assert "UBND TỈNH HÀ GIANG" in text and "Kế hoạch số 04/KH-UBND" in text
    assert "@media print" in login("viewer").get("/static/app.css").text
    groups = re.findall(r"<h3>\d+\. (.*?)</h3>", text)
    assert groups[:3] == ["Các sở, ban, ngành tỉnh", "UBND các huyện, thành phố",
                          "Báo Hà Giang, Đài Phát thanh - Truyền hình tỉnh"]
    section = text.split("UBND các huyện, thành phố</h3>")[1].split("<h3>")[0]
    assert "UBND huyện Mèo Vạc" in section and "Sở Tư pháp" not in section
    q2 = [v for v in verdicts(app, period="2024-Q2") if v["status"] == "shortfall"]
    behind = text.split("III. NHỮNG NHIỆM VỤ")[1]
    for v in q2:
        assert f"{v['agency_name']}: {v['rule_title']} — {v['count']}/{v['target']}" in behind


def test_report_rejects_bad_quarters(app, login) -> None:
    client = login("viewer")
    assert client.get("/report/ha-giang-2024/2024-Q5").status_code == 404
    assert client.get("/report/ha-giang-2024/2024").status_code == 404
    assert client.get("/report/khong-co/2024-Q1").status_code == 404
