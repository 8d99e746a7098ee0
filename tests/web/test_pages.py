"""Matrix, drill-down, agency trend, source health, snapshots and the audit page over HTTP."""

from __future__ import annotations

import re

from tests.web.helpers import drill_path, matrix_rows, verdicts
from web.labels import CELL_LABELS, status_rank


def test_matrix_shows_every_agency_worst_first_with_colour_and_words(app, login) -> None:
    page = login("viewer").get("/?plan=ha-giang-2024&as_of=2024-08-15")
    assert page.status_code == 200
    rows = matrix_rows(page.text)
    assert len(rows) == 33  # the whole Hà Giang roster has at least one quota
    worst = [min(status_rank(s) for s in statuses) for _agency, statuses in rows]
    assert worst == sorted(worst) and worst[0] == 1  # at risk first: no current period has ended
    assert 'class="cell st-at-risk"' in page.text and "Có nguy cơ" in page.text
    assert "Tin, bài tuyên truyền về tình hình thực hiện CCHC" in page.text
    assert "Số liệu đến hết ngày 15/08/2024" in page.text


def test_matrix_filters(app, login) -> None:
    client = login("viewer")
    rows = matrix_rows(client.get("/?status=shortfall&period=2024-Q2").text)
    assert rows and all("shortfall" in statuses for _a, statuses in rows)
    assert len(rows) < 33
    rows = matrix_rows(client.get("/?group=bao_dai").text)
    assert sorted(a for a, _s in rows) == ["hg-bao-ha-giang", "hg-dai-ptth"]
    page = client.get("/?period=2024-Q2").text
    assert "/hg-03-tin-bai-quy/2024-Q2?" in page and "/hg-03-tin-bai-quy/2024-Q3?" not in page
    current = client.get("/").text
    assert "/hg-03-tin-bai-quy/2024-Q3?" in current
    assert client.get("/?period=2024-Q9").status_code == 400
    assert client.get("/?status=xau").status_code == 400
    assert client.get("/?plan=khong-co").status_code == 404


def test_matrix_cells_match_stored_verdicts(app, login) -> None:
    page = login("viewer").get("/?period=2024-Q3").text
    for v in verdicts(app, rule="hg-03-tin-bai-quy", period="2024-Q3")[:8]:
        words = CELL_LABELS[v["status"]][1]
        link = (f'/drill/ha-giang-2024/{v["agency"]}/hg-03-tin-bai-quy/2024-Q3?as_of=2024-08-15"'
                f'><span class="n">{v["count"]}/{v["target"]}</span><span class="w">{words}</span>')
        assert link in page, v["agency"]


def test_drilldown_says_how_many_more_by_when_and_lists_evidence(app, login) -> None:
    behind = [v for v in verdicts(app, rule="hg-03-tin-bai-quy", period="2024-Q3")
              if v["status"] == "at_risk" and v["evidence_details"]]
    v = behind[0]
    page = login("viewer").get(drill_path(v))
    assert page.status_code == 200
    assert f"Cần thêm {v['needed']} bài trước ngày 30/09/2024" in page.text
    for detail in v["evidence_details"]:
        assert detail["content_sha256"][:16] in page.text
        assert f'href="{detail["url"]}"' in page.text
        assert f'/snapshot/{detail["article_id"]}?sha={detail["content_sha256"]}"' in page.text
    assert "Hà Giang 2024, Phụ lục, mục 3" in page.text
    assert 'action="/attest"' not in page.text  # viewers get no forms


def test_drilldown_lists_duplicates_counted_once(app, login) -> None:
    v = next(v for v in verdicts(app) if v["duplicates"])
    page = login("viewer").get(drill_path(v)).text
    assert "Bài trùng lặp chỉ tính một lần (1)" in page
    assert v["duplicates"][0]["url"] in page


def test_drilldown_unknown_cell_is_404(app, login) -> None:
    client = login("viewer")
    assert client.get("/drill/ha-giang-2024/hg-so-tu-phap/hg-03-tin-bai-quy/2024-Q4").status_code \
        == 404
    assert client.get("/drill/ha-giang-2024/HG..%2F/hg-03/2024-Q3").status_code == 404
    assert client.get("/drill/ha-giang-2024/hg-so-tu-phap/hg-03-tin-bai-quy/xx").status_code == 404


def test_agency_page_trend_chart_counts_per_month(app, login) -> None:
    agency = "hg-huyen-meo-vac"
    page = login("viewer").get(f"/agency/ha-giang-2024/{agency}?as_of=2024-08-15")
    assert page.status_code == 200 and "<svg" in page.text
    counted = [d for v in verdicts(app, agency=agency, rule="hg-03-tin-bai-quy")
               for d in v["evidence_details"]]
    august = sum(1 for d in counted if d["published"].startswith("2024-08"))
    chart = page.text.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert f"<title>T8: {august}</title>" in chart
    bars = [int(n) for n in re.findall(r"<title>T\d+: (\d+)</title>", chart)]
    assert len(bars) == 12 and sum(bars) == len(counted)
    assert 'class="pace"' in chart


def test_health_page_lists_failing_sources_first(app, login) -> None:
    page = login("viewer").get("/health").text
    rows = re.findall(r'<tr class="(st-[a-z]+)">', page)
    assert rows and rows[0] == "st-shortfall" and rows[-1] == "st-met"
    assert "Lỗi: timeout" in page and "Quá 30 giây không phản hồi" in page


def test_snapshot_is_text_or_sandboxed_never_live(app, login) -> None:
    client = login("viewer")
    raw = client.get("/snapshot/1/raw")
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("text/plain")
    assert "sandbox" in raw.headers["content-security-policy"]
    assert raw.headers["x-content-type-options"] == "nosniff"
    assert raw.text.startswith("<html")
    page = client.get("/snapshot/1")
    assert '<iframe class="snapshot" sandbox=""' in page.text
    assert "srcdoc=\"&lt;html" in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'
    assert client.get("/snapshot/999999").status_code == 404
    assert client.get("/snapshot/1?sha=" + "0" * 64).status_code == 404  # not that version


def test_snapshot_shows_the_version_the_verdict_counted(app, login, sessions) -> None:
    import gzip
    import hashlib
    from datetime import UTC, datetime

    from monitor.models import SnapshotRow

    with sessions() as session:
        old = session.get(SnapshotRow, 1)
        counted = old.sha256
        edited = b"<html><body>ban da sua sau khi tinh</body></html>"
        session.add(SnapshotRow(article_id=old.article_id, sha256=hashlib.sha256(edited).hexdigest(),
                                html_gz=gzip.compress(edited), fetched_at=datetime.now(UTC)))
        session.commit()
        article_id = old.article_id
    client = login("viewer")
    latest = client.get(f"/snapshot/{article_id}/raw")
    assert "ban da sua" in latest.text
    pinned = client.get(f"/snapshot/{article_id}/raw?sha={counted}")
    assert "ban da sua" not in pinned.text and pinned.text.startswith("<html")


def test_audit_page_is_for_staff_only(app, login) -> None:
    assert login("viewer").get("/audit").status_code == 403
    page = login("officer").get("/audit")
    assert page.status_code == 200 and "login" in page.text


def test_every_page_carries_security_headers(app, login) -> None:
    response = login("viewer").get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
