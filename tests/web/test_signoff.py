"""An auditor certifies agency × plan × period; later changes show as "thay đổi sau khi chứng nhận"."""

from __future__ import annotations

from sqlalchemy import select

from monitor.models import AuditLogRow, EvaluationRow
from tests.web.conftest import csrf_of
from tests.web.helpers import drill_path, verdicts

CHANGED = "thay đổi sau khi chứng nhận"


def _certify(client, v) -> None:
    path = drill_path(v)
    response = client.post("/signoff", data={
        "csrf_token": csrf_of(client, path), "plan": v["plan"], "agency": v["agency"],
        "period": "2024-Q2", "as_of": "2024-08-15", "note": "Đã đối chiếu minh chứng",
        "next": path}, follow_redirects=False)
    assert response.status_code == 303


def test_signoff_then_override_marks_the_period_changed(app, login) -> None:
    v = next(v for v in verdicts(app, rule="hg-03-tin-bai-quy", period="2024-Q2")
             if v["evidence_details"])
    auditor = login("auditor")
    _certify(auditor, v)
    with app.state.web.sessions() as session:
        row = session.scalars(select(AuditLogRow).where(AuditLogRow.action == "signoff")).one()
    assert row.who == "Trần Thị Kiểm (auditor)" and len(row.detail["fingerprint"]) == 64
    drill = auditor.get(drill_path(v)).text
    assert "✓ đã chứng nhận" in drill and CHANGED not in drill
    matrix = auditor.get("/?period=2024-Q2").text
    assert "✓ đã chứng nhận" in matrix and CHANGED not in matrix

    officer = login("officer")
    officer.post("/override", data={
        "csrf_token": csrf_of(officer), "plan": v["plan"], "rule": v["rule"],
        "article_id": str(v["evidence_details"][0]["article_id"]), "counts": "khong-tinh",
        "reason": "Trùng bài đã tính ở quý I"})
    assert CHANGED in auditor.get(drill_path(v)).text
    assert CHANGED in auditor.get("/?period=2024-Q2").text


def test_signoff_notices_a_changed_evaluation(app, login) -> None:
    v = verdicts(app, rule="hg-03-tin-bai-quy", period="2024-Q2", agency="hg-so-y-te")[0]
    auditor = login("auditor")
    _certify(auditor, v)
    assert CHANGED not in auditor.get(drill_path(v)).text
    with app.state.web.sessions() as session:
        row = session.scalars(select(EvaluationRow).where(
            EvaluationRow.agency_id == "hg-so-y-te", EvaluationRow.rule_id == "hg-03-tin-bai-quy",
            EvaluationRow.period == "2024-Q2")).one()
        row.result = {**row.result, "count": row.result["count"] + 1}
        session.commit()
    assert CHANGED in auditor.get(drill_path(v)).text


def test_only_auditors_and_admins_certify(app, login) -> None:
    v = verdicts(app, rule="hg-03-tin-bai-quy", period="2024-Q2")[0]
    for role in ("viewer", "officer"):
        client = login(role)
        assert 'action="/signoff"' not in client.get(drill_path(v)).text
        response = client.post("/signoff", data={
            "csrf_token": csrf_of(client), "plan": v["plan"], "agency": v["agency"],
            "period": "2024-Q2", "as_of": "2024-08-15"})
        assert response.status_code == 403
