"""Attestations, overrides and exemptions: role-restricted, CSRF-protected, audit-logged."""

from __future__ import annotations

from sqlalchemy import select

from monitor.models import AttestationRow, AuditLogRow, ExemptionRow, OverrideRow
from tests.web.conftest import csrf_of
from tests.web.helpers import drill_path, verdicts

MANUAL = "/drill/ha-giang-2024/hg-so-noi-vu/hg-05-lop-tap-huan/2024?as_of=2024-08-15"


def _rows(app, table):
    with app.state.web.sessions() as session:
        return session.scalars(select(table).order_by(table.id)).all()


def test_officer_attests_a_manual_rule(app, login) -> None:
    client = login("officer")
    page = client.get(MANUAL)
    assert 'id="attest-form"' in page.text
    response = client.post("/attest", data={
        "csrf_token": csrf_of(client, MANUAL), "plan": "ha-giang-2024",
        "rule": "hg-05-lop-tap-huan", "agency": "hg-so-noi-vu",
        "what": "Lớp tập huấn nghiệp vụ CCHC cho cán bộ huyện Mèo Vạc", "quantity": "2",
        "document_no": "125/BC-SNV", "on_date": "2024-07-20",
        "link": "https://sonoivu.hagiang.gov.vn/tap-huan-cchc", "as_of": "2024-08-15",
        "next": MANUAL}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == MANUAL
    [row] = _rows(app, AttestationRow)
    assert (row.quantity, row.document_no, row.who) == (2, "125/BC-SNV",
                                                        "Nguyễn Văn Cán (officer)")
    audit = _rows(app, AuditLogRow)[-1]
    assert audit.action == "attestation.add" and audit.who == "Nguyễn Văn Cán (officer)"
    assert audit.detail["document_no"] == "125/BC-SNV" and audit.detail["role"] == "officer"
    shown = client.get(MANUAL).text
    assert "Lớp tập huấn nghiệp vụ CCHC cho cán bộ huyện Mèo Vạc" in shown and "125/BC-SNV" in shown


def test_attestation_input_is_checked(app, login) -> None:
    client = login("admin")
    token = csrf_of(client, MANUAL)
    base = {"csrf_token": token, "plan": "ha-giang-2024", "rule": "hg-05-lop-tap-huan",
            "agency": "hg-so-noi-vu", "what": "Lớp", "quantity": "1", "on_date": "2024-07-20"}
    for bad, words in (({"quantity": "mười"}, "số nguyên"), ({"on_date": "20/07/2024"}, "Ngày"),
                       ({"link": "javascript:alert(1)"}, "http"), ({"what": " "}, "trống"),
                       ({"agency": "../etc"}, "không hợp lệ")):
        response = client.post("/attest", data={**base, **bad})
        assert response.status_code in (400, 404) and words in response.text, bad
    assert _rows(app, AttestationRow) == []


def test_viewers_and_auditors_may_not_change_anything(app, login) -> None:
    for role in ("viewer", "auditor"):
        client = login(role)
        token = csrf_of(client)
        for path in ("/attest", "/override", "/exempt"):
            response = client.post(path, data={"csrf_token": token})
            assert response.status_code == 403, (role, path)
            assert "Không có quyền truy cập" in response.text
    assert _rows(app, AuditLogRow)[-1].action == "login"


def test_override_not_counted_with_reason(app, login) -> None:
    v = next(v for v in verdicts(app, rule="hg-03-tin-bai-quy", period="2024-Q3")
             if v["evidence_details"])
    article = v["evidence_details"][0]["article_id"]
    client = login("officer")
    path = drill_path(v)
    response = client.post("/override", data={
        "csrf_token": csrf_of(client, path), "plan": "ha-giang-2024", "rule": v["rule"],
        "article_id": str(article), "counts": "khong-tinh",
        "reason": "Bài đăng lại từ Báo Hà Giang, không phải bài của đơn vị", "next": path})
    assert response.status_code == 200
    [row] = _rows(app, OverrideRow)
    assert (row.article_id, row.rule_id, row.counts) == (article, v["rule"], False)
    assert "Bài đăng lại từ Báo Hà Giang" in response.text  # back on the drill-down, listed
    audit = _rows(app, AuditLogRow)[-1]
    assert audit.action == "override.add" and audit.detail["reason"].startswith("Bài đăng lại")
    missing = client.post("/override", data={
        "csrf_token": csrf_of(client), "plan": "ha-giang-2024", "article_id": "987654",
        "counts": "tinh", "reason": "x"})
    assert missing.status_code == 404
    no_reason = client.post("/override", data={
        "csrf_token": csrf_of(client), "plan": "ha-giang-2024", "article_id": str(article),
        "counts": "tinh", "reason": ""})
    assert no_reason.status_code == 400 and "Lý do" in no_reason.text


def test_exemption_with_expiry(app, login) -> None:
    v = verdicts(app, rule="hg-03-tin-bai-quy", period="2024-Q3", agency="hg-huyen-xin-man")[0]
    client = login("admin")
    path = drill_path(v)
    response = client.post("/exempt", data={
        "csrf_token": csrf_of(client, path), "plan": "ha-giang-2024", "rule": v["rule"],
        "agency": v["agency"], "period": "2024-Q3", "expires": "2024-09-30",
        "reason": "Mưa lũ, sạt lở kéo dài tháng 8/2024", "next": path})
    assert response.status_code == 200 and "Mưa lũ, sạt lở" in response.text
    [row] = _rows(app, ExemptionRow)
    assert (row.period, str(row.expires), row.who) == ("2024-Q3", "2024-09-30",
                                                       "Phạm Quản Trị (admin)")
    assert _rows(app, AuditLogRow)[-1].action == "exemption.add"
    bad = client.post("/exempt", data={"csrf_token": csrf_of(client), "plan": "ha-giang-2024",
                                       "rule": v["rule"], "agency": v["agency"], "period": "Q3",
                                       "reason": "x"})
    assert bad.status_code == 400
