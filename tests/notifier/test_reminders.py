from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from notifier.digests import notify, notify_reminders, week_key
from notifier.reminders import due_groups
from rules.model import Agency
from tests.notifier.conftest import SmtpServer
from tests.notifier.fixtures import ROSTER, SO_TU_PHAP, UBND_MEO_VAC, verdict, week_verdicts
from tests.notifier.test_delivery import PLANS, SENDER, parts, smtp_url


def test_due_groups_pick_the_threshold_bucket() -> None:
    verdicts = week_verdicts()  # all due 30/09/2024
    assert due_groups(verdicts, as_of=date(2024, 9, 1)) == []
    groups = due_groups(verdicts, as_of=date(2024, 9, 25))
    assert [(g.agency, g.digest_kind, g.days_left) for g in groups] == [
        (SO_TU_PHAP.id, "reminder_d7", 5),
        (UBND_MEO_VAC.id, "reminder_d7", 5),
    ]
    assert [v["status"] for v in groups[1].verdicts] == ["unknown", "at_risk"]
    last = due_groups(verdicts, as_of=date(2024, 9, 29))
    assert {g.digest_kind for g in last} == {"reminder_d1"}
    assert due_groups(verdicts, as_of=date(2024, 10, 1)) == []  # past due: the digest says it


def test_reminders_go_out_once_per_threshold(smtp_server: SmtpServer, session: Session) -> None:
    url = smtp_url(smtp_server)
    for day in (23, 24, 25, 29, 30):
        notify_reminders(
            session,
            week_verdicts(),
            ROSTER,
            as_of=date(2024, 9, day),
            smtp_url=url,
            outbox_dir=None,
            sender=SENDER,
        )
    subjects = sorted(str(r.message["Subject"]) for r in smtp_server.inbox.received)
    assert subjects == [
        "[CCHC] Nhắc hạn: Sở Tư pháp tỉnh Hà Giang còn 1 ngày để hoàn thành 1 chỉ tiêu",
        "[CCHC] Nhắc hạn: Sở Tư pháp tỉnh Hà Giang còn 7 ngày để hoàn thành 1 chỉ tiêu",
        "[CCHC] Nhắc hạn: UBND huyện Mèo Vạc còn 1 ngày để hoàn thành 2 chỉ tiêu",
        "[CCHC] Nhắc hạn: UBND huyện Mèo Vạc còn 7 ngày để hoàn thành 2 chỉ tiêu",
    ]
    texts = [parts(r.message)[0] for r in smtp_server.inbox.received]
    assert any("Cần thêm 3 bài trước ngày 30/09/2024" in t for t in texts)


def test_notify_reports_bad_input_and_goes_on(smtp_server: SmtpServer, session: Session) -> None:
    stranger = verdict(Agency("la", "Cơ quan lạ", "so"), "bai-cchc-quy", "shortfall", 0, 5)
    broken = Agency("hg-so-y-te", "Sở Y tế", "so", emails=("khong-phai-email",))
    roster = (*ROSTER, broken)
    verdicts = [*week_verdicts(), stranger, verdict(broken, "bai-cchc-quy", "met", 5, 5)]
    report = notify(
        session,
        PLANS,
        verdicts,
        roster,
        as_of=date(2024, 8, 15),
        smtp_url=smtp_url(smtp_server),
        outbox_dir=None,
        sender=SENDER,
    )
    assert any("'la'" in p for p in report.problems)
    assert len(report.sent) == 3 and week_key(date(2024, 8, 15)) == "2024-W33"
    # a malformed roster address costs that agency its digest, named in the report; the rest go
    assert report.failed == []
    assert any("'khong-phai-email'" in p and "hg-so-y-te" in p for p in report.problems)
    sent_to = {r.message["X-CCHC-Agency"] for r in smtp_server.inbox.received}
    assert "hg-so-y-te" not in sent_to and len(sent_to) == 3
