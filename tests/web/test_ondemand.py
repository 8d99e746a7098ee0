"""As-of dates with nothing stored are evaluated by the rules engine on demand, then stored;
officers' changes re-evaluate the page's date so their effect shows at once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from monitor.models import EvaluationRow
from tests.web.conftest import csrf_of
from web.evaluate import engine_available
from web.params import today

pytestmark = pytest.mark.skipif(not engine_available(), reason="rules engine not installed")


def _stored(app, as_of: date) -> int:
    with app.state.web.sessions() as session:
        return session.scalar(select(func.count(EvaluationRow.id)).where(
            EvaluationRow.plan_id == "ha-giang-2024", EvaluationRow.as_of == as_of))


def test_unstored_as_of_is_evaluated_and_cached(app, login) -> None:
    client = login("viewer")
    assert _stored(app, date(2024, 10, 5)) == 0
    page = client.get("/?plan=ha-giang-2024&as_of=2024-10-05")
    assert page.status_code == 200 and "Số liệu đến hết ngày 05/10/2024" in page.text
    stored = _stored(app, date(2024, 10, 5))
    assert stored > 33
    assert "/hg-03-tin-bai-quy/2024-Q4?as_of=2024-10-05" in page.text
    client.get("/exports/ha-giang-2024_2024-10-05.csv")
    assert _stored(app, date(2024, 10, 5)) == stored  # served from what was stored


def test_export_for_a_new_date_is_evaluated(app, login) -> None:
    response = login("auditor").get("/exports/ha-giang-2024_2024-03-31.csv")
    assert response.status_code == 200 and b"2024-03-31" in response.content
    assert _stored(app, date(2024, 3, 31)) > 0


def test_attestation_counts_after_reevaluation(app, login) -> None:
    path = "/drill/ha-giang-2024/hg-so-noi-vu/hg-05-lop-tap-huan/2024?as_of=2024-08-16"
    client = login("officer")
    before = client.get(path)
    assert before.status_code == 200 and ">0/10–15 lớp<" in before.text.replace("\n", "")
    client.post("/attest", data={
        "csrf_token": csrf_of(client, path), "plan": "ha-giang-2024",
        "rule": "hg-05-lop-tap-huan", "agency": "hg-so-noi-vu",
        "what": "Lớp tập huấn nghiệp vụ CCHC năm 2024", "quantity": "4",
        "document_no": "210/BC-SNV", "on_date": "2024-06-10", "as_of": "2024-08-16",
        "next": path})
    past = client.get(path).text  # as of 16/08/2024 the attestation, recorded later, is not known
    assert ">0/10–15 lớp<" in past.replace("\n", "") and "xem kết quả đến hôm nay" in past
    now = client.get(path.replace("2024-08-16", today().isoformat())).text
    assert ">4/10–15 lớp<" in now.replace("\n", "")
    assert "Cần thêm 6 lớp" in now and "210/BC-SNV" in now
