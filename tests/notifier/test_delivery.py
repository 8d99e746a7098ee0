from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from monitor.models import NotificationRow
from notifier.delivery import Outgoing, deliver
from notifier.digests import notify, week_key
from notifier.messages import build_agency_digest
from rules.model import Agency, Plan
from tests.notifier.conftest import SmtpServer
from tests.notifier.fixtures import (
    AS_OF,
    BAO_HA_GIANG,
    PLAN,
    ROSTER,
    SO_NOI_VU,
    SO_TU_PHAP,
    UBND_MEO_VAC,
    previous_week_verdicts,
    week_verdicts,
)

SENDER = "CCHC Monitor <cchc@sonoivu.hagiang.gov.vn>"
PLANS = [
    Plan(
        PLAN,
        "Kế hoạch tuyên truyền CCHC năm 2024",
        "Kế hoạch số 04/KH-UBND",
        "Hà Giang",
        AS_OF.replace(month=1, day=1),
        AS_OF.replace(month=12, day=31),
        ROSTER,
        (),
    )
]


def smtp_url(server: SmtpServer) -> str:
    return f"smtp://127.0.0.1:{server.port}"


def parts(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def rows(session: Session) -> list[NotificationRow]:
    return list(session.scalars(select(NotificationRow).order_by(NotificationRow.id)))


def one_digest(agency: Agency = SO_TU_PHAP) -> Outgoing:
    own = [v for v in week_verdicts() if v["agency"] == agency.id]
    msg = build_agency_digest(agency, own, as_of=AS_OF, sender=SENDER)
    return Outgoing(agency.emails, "agency_weekly", week_key(AS_OF), msg, key=agency.id)


def test_notify_sends_digests_and_overview_over_smtp(
    smtp_server: SmtpServer, session: Session
) -> None:
    report = notify(
        session,
        PLANS,
        week_verdicts(),
        ROSTER,
        as_of=AS_OF,
        smtp_url=smtp_url(smtp_server),
        outbox_dir=None,
        sender=SENDER,
        prev_verdicts=previous_week_verdicts(),
    )
    assert report.no_recipients == [BAO_HA_GIANG.id] and not report.failed, report.summary()
    assert len(report.sent) == 3
    got = {r.message["X-CCHC-Agency"]: r for r in smtp_server.inbox.received}
    assert set(got) == {SO_TU_PHAP.id, UBND_MEO_VAC.id, SO_NOI_VU.id}

    tp = got[SO_TU_PHAP.id]
    assert tp.rcpt_tos == ["sotuphap@hagiang.gov.vn"]
    assert tp.mail_from == "cchc@sonoivu.hagiang.gov.vn"
    assert str(tp.message["Subject"]) == (
        "[CCHC] Sở Tư pháp tỉnh Hà Giang — tình hình tuyên truyền CCHC đến 15/08/2024: 1 chỉ tiêu thiếu"
    )
    assert tp.message["Date"].endswith("+0700") and tp.message["Message-ID"]
    assert tp.message.get_content_type() == "multipart/alternative"
    for verdict in (v for v in week_verdicts() if v["agency"] == SO_TU_PHAP.id):
        for body in parts(tp.message):
            assert f"{verdict['count']} / {verdict['target']} bài" in body
            assert verdict["rule_title"] in body
    text, html = parts(tp.message)
    assert (
        "Cần thêm 3 bài trước ngày 30/09/2024" in text
        and "Cần thêm 3 bài trước ngày 30/09/2024" in html
    )

    mv = got[UBND_MEO_VAC.id]
    assert sorted(mv.rcpt_tos) == sorted(UBND_MEO_VAC.emails)
    assert "không đọc được nguồn tin" in parts(mv.message)[0].lower()

    ov = got[SO_NOI_VU.id]
    assert ov.rcpt_tos == ["sonoivu@hagiang.gov.vn"]
    text, html = parts(ov.message)
    assert "Xấu đi ▼" in text and "Báo Hà Giang" in html
    assert {(r.recipient, r.digest_kind, r.period, r.status) for r in rows(session)} == {
        (SO_TU_PHAP.id, "agency_weekly", "2024-W33", "sent"),
        (UBND_MEO_VAC.id, "agency_weekly", "2024-W33", "sent"),
        (SO_NOI_VU.id, "overview_weekly", "2024-W33", "sent"),
    }


def test_smtp_down_then_up_delivers_exactly_once(
    smtp_server: SmtpServer, db_url: str, session: Session
) -> None:
    smtp_server.stop()
    sleeps: list[float] = []
    report = deliver(
        [one_digest()],
        session=session,
        smtp_url=smtp_url(smtp_server),
        outbox_dir=None,
        retries=3,
        backoff_s=0.5,
        sleep=sleeps.append,
    )
    assert [o.status for o in report.outcomes] == ["failed"]
    assert sleeps == [0.5, 1.0]  # exponential backoff between the three attempts
    [row] = rows(session)
    assert (row.status, row.attempts) == ("failed", 3)
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    first_id = row.message_id

    smtp_server.start()
    report = deliver(
        [one_digest()],
        session=session,
        smtp_url=smtp_url(smtp_server),
        outbox_dir=None,
        backoff_s=0,
    )
    assert [o.status for o in report.outcomes] == ["sent"]
    session.expire_all()
    [row] = rows(session)
    assert (row.status, row.attempts, row.last_error) == ("sent", 4, "")
    assert len(smtp_server.inbox.received) == 1
    assert (
        smtp_server.inbox.received[0].message["Message-ID"].strip() == first_id
    )  # one id per digest

    # a restart: new engine and session on the same database, same digest again
    engine = create_engine(db_url)
    with Session(engine) as fresh:
        report = deliver(
            [one_digest()], session=fresh, smtp_url=smtp_url(smtp_server), outbox_dir=None
        )
        assert [o.status for o in report.outcomes] == ["skipped"]
    engine.dispose()
    assert len(smtp_server.inbox.received) == 1


def test_crash_between_send_and_mark_resends_with_same_message_id(
    smtp_server: SmtpServer, session: Session
) -> None:
    deliver([one_digest()], session=session, smtp_url=smtp_url(smtp_server), outbox_dir=None)
    [row] = rows(session)
    # what a crash after the server accepted the mail but before mark_sent leaves behind
    row.status, row.updated_at = "pending", datetime.now(UTC) - timedelta(minutes=1)
    session.commit()
    busy = deliver([one_digest()], session=session, smtp_url=smtp_url(smtp_server), outbox_dir=None)
    assert [o.status for o in busy.outcomes] == ["busy"]  # maybe another sender still at work

    report = deliver(
        [one_digest()],
        session=session,
        smtp_url=smtp_url(smtp_server),
        outbox_dir=None,
        stale_after=timedelta(seconds=30),
    )
    [outcome] = report.outcomes
    assert (outcome.status, outcome.resumed) == ("sent", True)
    first, second = smtp_server.inbox.received
    assert first.message["Message-ID"].strip() == second.message["Message-ID"].strip()
    assert second.message["Message-ID"].strip() == outcome.message_id


def test_refused_recipient_is_a_permanent_failure(
    smtp_server: SmtpServer, session: Session
) -> None:
    async def refuse(server, sess, envelope, address, rcpt_options):
        return "550 5.1.1 Mailbox unavailable"

    smtp_server.inbox.handle_RCPT = refuse  # type: ignore[attr-defined]
    sleeps: list[float] = []
    report = deliver(
        [one_digest()],
        session=session,
        smtp_url=smtp_url(smtp_server),
        outbox_dir=None,
        sleep=sleeps.append,
    )
    [outcome] = report.outcomes
    assert (outcome.status, outcome.attempts, sleeps) == ("failed", 1, [])
    assert "550" in outcome.error and rows(session)[0].status == "failed"


def test_outbox_writes_safe_eml_files(tmp_path: Path, session: Session) -> None:
    evil = Agency(id="../../etc/passwd", name="Cơ quan thử", kind="so", emails=("a@b.vn",))
    out = one_digest(SO_TU_PHAP)
    bad = Outgoing(evil.emails, "agency_weekly", "../2024-W33", out.message, key=evil.id)
    outbox = tmp_path / "outbox"
    report = deliver([out, bad], session=session, smtp_url=None, outbox_dir=outbox)
    assert [o.status for o in report.outcomes] == ["written", "written"]
    files = sorted(outbox.iterdir())
    assert len(files) == 2 and all(f.parent == outbox and f.suffix == ".eml" for f in files)
    assert not (tmp_path / "etc").exists()
    parsed = BytesParser(policy=policy.default).parsebytes(report.outcomes[0].path.read_bytes())
    assert str(parsed["Subject"]).startswith("[CCHC] Sở Tư pháp tỉnh Hà Giang")
    raw = report.outcomes[0].path.read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and max(len(line) for line in head.split(b"\r\n")) <= 78
    assert b"=?utf-8?b?" in head  # Vietnamese Subject/To as RFC 2047 encoded words
    assert "Cần thêm 3 bài" in parts(parsed)[0]
    again = deliver([one_digest(SO_TU_PHAP)], session=session, smtp_url=None, outbox_dir=outbox)
    assert [o.status for o in again.outcomes] == ["skipped"]


def test_dry_run_without_ledger_writes_but_records_nothing(
    tmp_path: Path, session: Session
) -> None:
    report = notify(
        None,
        PLANS,
        week_verdicts(),
        ROSTER,
        as_of=AS_OF,
        smtp_url=None,
        outbox_dir=tmp_path,
        sender=SENDER,
    )
    assert len(report.sent) == 3 and len(list(tmp_path.glob("*.eml"))) == 3
    assert rows(session) == []


def test_smtp_with_outbox_keeps_a_copy_of_what_was_sent(
    smtp_server: SmtpServer, session: Session, tmp_path: Path
) -> None:
    report = deliver(
        [one_digest()], session=session, smtp_url=smtp_url(smtp_server), outbox_dir=tmp_path
    )
    [outcome] = report.outcomes
    assert outcome.status == "sent" and outcome.path is not None and outcome.path.exists()
    copy = BytesParser(policy=policy.default).parsebytes(outcome.path.read_bytes())
    assert copy["Message-ID"].strip() == smtp_server.inbox.received[0].message["Message-ID"].strip()
