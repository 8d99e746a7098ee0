"""Deliver digests over SMTP (one connection per batch, retries with exponential backoff) or
into an outbox folder, each at most once per (recipient, digest kind, period) via the ledger."""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy.orm import Session

from notifier import ledger
from notifier.outbox import write_eml
from notifier.smtp_url import SmtpConfig, connect, parse_smtp_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    recipients: tuple[str, ...]  # envelope addresses
    digest_kind: str  # agency_weekly | overview_weekly | reminder_d7 ...
    period: str  # "2024-W33"
    message: EmailMessage
    key: str = ""  # ledger recipient (an agency id); default: the addresses

    @property
    def ledger_recipient(self) -> str:
        return self.key or ",".join(sorted(a.lower() for a in self.recipients))


@dataclass
class Outcome:
    recipient: str
    digest_kind: str
    period: str
    status: str  # sent | written | skipped | busy | failed
    attempts: int = 0
    message_id: str = ""
    error: str = ""
    path: Path | None = None
    resumed: bool = False  # resent after a crash in the send window (same Message-ID)


@dataclass
class DeliveryReport:
    outcomes: list[Outcome] = field(default_factory=list)
    no_recipients: list[str] = field(default_factory=list)  # agencies with no e-mail address
    problems: list[str] = field(default_factory=list)  # input that could not be turned into mail

    def by_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def sent(self) -> list[Outcome]:
        return self.by_status("sent") + self.by_status("written")

    @property
    def failed(self) -> list[Outcome]:
        return self.by_status("failed")

    def merge(self, other: DeliveryReport) -> None:
        self.outcomes += other.outcomes
        self.no_recipients += other.no_recipients
        self.problems += other.problems

    def summary(self) -> str:
        """One line for the operator, in Vietnamese."""
        return (
            f"Đã gửi {len(self.by_status('sent'))}, ghi tệp .eml {len(self.by_status('written'))}, "
            f"bỏ qua (đã gửi trước) {len(self.by_status('skipped'))}, "
            f"đang gửi ở nơi khác {len(self.by_status('busy'))}, lỗi {len(self.failed)}, "
            f"cơ quan chưa có email {len(self.no_recipients)}, dữ liệu lỗi {len(self.problems)}."
        )


class _Transport:
    """One SMTP connection reused for a whole batch; reopened after a transient error."""

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self.client: smtplib.SMTP | None = None
        self.down = False  # the last message failed on connection: fail the rest fast

    def send(self, message: EmailMessage, recipients: Sequence[str]) -> dict[str, tuple]:
        if self.client is None:
            self.client = connect(self.config)
        return self.client.send_message(message, to_addrs=list(recipients))

    def reset(self) -> None:
        if self.client is not None:
            try:
                self.client.close()
            finally:
                self.client = None

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.reset()


def _permanent(exc: Exception) -> bool:
    """5xx replies and refused addresses will not get better by retrying."""
    if isinstance(exc, (smtplib.SMTPRecipientsRefused, smtplib.SMTPAuthenticationError)):
        return True
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _set_message_id(message: EmailMessage, message_id: str) -> None:
    if message["Message-ID"] != message_id:
        del message["Message-ID"]
        message["Message-ID"] = message_id


def _send_with_retries(
    transport: _Transport,
    out: Outgoing,
    outcome: Outcome,
    *,
    retries: int,
    backoff_s: float,
    on_attempt: Callable[[], None],
    sleep: Callable[[float], None],
) -> None:
    tries = 1 if transport.down else max(1, retries)
    for attempt in range(1, tries + 1):
        if attempt > 1:  # the claim counted the first attempt
            on_attempt()
        outcome.attempts += 1
        try:
            refused = transport.send(out.message, out.recipients)
        except (smtplib.SMTPException, OSError) as exc:
            transport.reset()
            outcome.error = f"{type(exc).__name__}: {exc}"
            log.warning(
                "SMTP %s attempt %d/%d for %s %s failed: %s",
                transport.config.safe_url,
                attempt,
                tries,
                out.digest_kind,
                out.ledger_recipient,
                outcome.error,
            )
            transport.down = not isinstance(exc, smtplib.SMTPResponseException)
            if _permanent(exc):
                break
            if attempt < tries:
                sleep(backoff_s * 2 ** (attempt - 1))
            continue
        transport.down = False
        outcome.status, outcome.error = "sent", ""
        if refused:
            outcome.error = "Máy chủ từ chối một số địa chỉ: " + ", ".join(sorted(refused))
        return
    outcome.status = "failed"


def deliver(
    messages: list[Outgoing],
    *,
    session: Session | None,
    smtp_url: str | None,
    outbox_dir: Path | None,
    retries: int = 3,
    backoff_s: float = 1.0,
    stale_after: timedelta = ledger.DEFAULT_STALE_AFTER,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Send (``smtp_url``) and/or write .eml files (``outbox_dir``; with both, a copy of each sent
    message is kept there). ``session=None`` is a dry run: no ledger, nothing is marked sent."""
    if smtp_url is None and outbox_dir is None:
        raise ValueError("Chưa cấu hình nơi gửi: đặt CCHC_SMTP_URL hoặc chỉ định thư mục outbox.")
    transport = _Transport(parse_smtp_url(smtp_url)) if smtp_url else None
    report = DeliveryReport()
    try:
        for out in messages:
            report.outcomes.append(
                _deliver_one(
                    out, session, transport, outbox_dir, retries, backoff_s, stale_after, sleep
                )
            )
    finally:
        if transport is not None:
            transport.close()
    log.info("delivery: %s", report.summary())
    return report


def _deliver_one(
    out: Outgoing,
    session: Session | None,
    transport: _Transport | None,
    outbox_dir: Path | None,
    retries: int,
    backoff_s: float,
    stale_after: timedelta,
    sleep: Callable[[float], None],
) -> Outcome:
    recipient = out.ledger_recipient
    outcome = Outcome(
        recipient,
        out.digest_kind,
        out.period,
        "failed",
        message_id=str(out.message["Message-ID"] or ""),
    )
    claimed: ledger.Claim | None = None
    if session is not None:
        got = ledger.claim(
            session,
            recipient,
            out.digest_kind,
            out.period,
            outcome.message_id,
            stale_after=stale_after,
        )
        if isinstance(got, ledger.Refusal):
            outcome.status, outcome.message_id = (
                ("skipped" if got.reason == "sent" else "busy"),
                got.message_id,
            )
            return outcome
        claimed = got
        outcome.message_id, outcome.resumed = got.message_id, got.resumed
        _set_message_id(out.message, got.message_id)
        if got.resumed:
            log.warning(
                "resending %s %s %s after an unconfirmed send (Message-ID %s)",
                out.digest_kind,
                recipient,
                out.period,
                got.message_id,
            )
    try:
        _dispatch(out, outcome, session, claimed, transport, outbox_dir, retries, backoff_s, sleep)
    except Exception as exc:
        outcome.status, outcome.error = "failed", f"{type(exc).__name__}: {exc}"
        log.exception("delivering %s to %s failed", out.digest_kind, recipient)
    if session is not None and claimed is not None:
        if outcome.status in ("sent", "written"):
            ledger.mark_sent(session, claimed)
        else:
            ledger.mark_failed(session, claimed, outcome.error)
    return outcome


def _dispatch(
    out: Outgoing,
    outcome: Outcome,
    session: Session | None,
    claimed: ledger.Claim | None,
    transport: _Transport | None,
    outbox_dir: Path | None,
    retries: int,
    backoff_s: float,
    sleep: Callable[[float], None],
) -> None:
    if not out.recipients and transport is not None:
        outcome.error = "Không có địa chỉ người nhận."
        return
    if transport is not None:

        def on_attempt() -> None:
            if session is not None and claimed is not None:
                ledger.record_attempt(session, claimed)

        _send_with_retries(
            transport,
            out,
            outcome,
            retries=retries,
            backoff_s=backoff_s,
            on_attempt=on_attempt,
            sleep=sleep,
        )
        if outcome.status != "sent":
            return
    if outbox_dir is not None:
        outcome.path = write_eml(
            outbox_dir, out.message, out.period, out.digest_kind, out.ledger_recipient
        )
        if transport is None:
            outcome.status = "written"
