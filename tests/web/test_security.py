"""Outside text is shown as text: a script in a title never runs on the dashboard."""

from __future__ import annotations

from sqlalchemy import select

from monitor.models import EvaluationRow
from tests.web.helpers import drill_path, verdicts

EVIL = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_script_in_titles_is_escaped_everywhere(app, login) -> None:
    v = next(v for v in verdicts(app, rule="hg-03-tin-bai-quy", period="2024-Q3")
             if v["evidence_details"])
    with app.state.web.sessions() as session:
        row = session.scalars(select(EvaluationRow).where(
            EvaluationRow.agency_id == v["agency"], EvaluationRow.rule_id == v["rule"],
            EvaluationRow.period == v["period"])).one()
        details = [dict(d) for d in row.result["evidence_details"]]
        details[0]["title"] = EVIL
        details[0]["url"] = "javascript:alert(1)//"
        row.result = {**row.result, "evidence_details": details,
                      "agency_name": f"Sở {EVIL}", "rule_title": f"Tin {EVIL}"}
        session.commit()
    client = login("viewer")
    for path in (drill_path(v), "/?period=2024-Q3", f"/agency/ha-giang-2024/{v['agency']}",
                 "/report/ha-giang-2024/2024-Q3?as_of=2024-08-15"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text and "<img src=x" not in page.text, path
        assert "&lt;script&gt;alert(" in page.text or "/?" in path, path
    assert 'href="javascript:' not in client.get(drill_path(v)).text
