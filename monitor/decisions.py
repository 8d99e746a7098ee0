"""Human decisions that change verdicts: attestations, overrides, exemptions.

Each one is stored with who and why, and written to the audit log in the same transaction, so
an auditor can always see which verdicts a person, not the classifier, decided.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from cchc.errors import InputError
from monitor.models import (
    ArticleRow,
    AttestationRow,
    AuditLogRow,
    ExemptionRow,
    OverrideRow,
)


def record_attestation(session: Session, *, plan_id: str, rule_id: str, agency_id: str,
                       what: str, quantity: int, on_date: date, who: str, document_no: str = "",
                       link: str = "") -> AttestationRow:
    if quantity < 1:
        raise InputError("Số lượng xác nhận phải ít nhất là 1.")
    row = AttestationRow(plan_id=plan_id, rule_id=rule_id, agency_id=agency_id, what=what,
                         quantity=quantity, document_no=document_no, on_date=on_date, link=link,
                         who=who, created_at=_now())
    session.add(row)
    _audit(session, who, "attest", {"plan": plan_id, "rule": rule_id, "agency": agency_id,
                                    "what": what, "quantity": quantity, "date": on_date.isoformat(),
                                    "document_no": document_no, "link": link})
    return row


def record_override(session: Session, *, article_id: int, counts: bool, reason: str, who: str,
                    rule_id: str = "") -> OverrideRow:
    if session.get(ArticleRow, article_id) is None:
        raise InputError(f"Không có bài số {article_id} trong CSDL; xem mã bài trong bằng chứng.")
    _require(reason, "lý do")
    row = OverrideRow(article_id=article_id, rule_id=rule_id, counts=counts, reason=reason,
                      who=who, created_at=_now())
    session.add(row)
    _audit(session, who, "override", {"article": article_id, "rule": rule_id or "*",
                                      "counts": counts, "reason": reason})
    return row


def record_exemption(session: Session, *, plan_id: str, rule_id: str, agency_id: str,
                     period: str, reason: str, who: str,
                     expires: date | None = None) -> ExemptionRow:
    _require(reason, "lý do")
    row = ExemptionRow(plan_id=plan_id, rule_id=rule_id, agency_id=agency_id, period=period,
                       reason=reason, who=who, expires=expires, created_at=_now())
    session.add(row)
    _audit(session, who, "exempt", {"plan": plan_id, "rule": rule_id, "agency": agency_id,
                                    "period": period, "reason": reason,
                                    "expires": expires.isoformat() if expires else None})
    return row


def _audit(session: Session, who: str, action: str, detail: dict) -> None:
    _require(who, "người thực hiện")
    session.add(AuditLogRow(at=_now(), who=who, action=action, detail=detail))


def _require(value: str, label: str) -> None:
    if not value or not value.strip():
        raise InputError(f"Thiếu {label}: mọi quyết định phải ghi rõ {label}.")


def _now() -> datetime:
    return datetime.now(UTC)
