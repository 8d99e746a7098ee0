"""One verdict per agency × rule × period, and its JSON form (docs/architecture.md "Verdicts")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from rules.index import order_key
from rules.items import Attestation, Item
from rules.periods import Period

STATUSES = ("met", "on_track", "at_risk", "shortfall", "unknown", "not_started", "exempt")


@dataclass(frozen=True, slots=True)
class Verdict:
    plan: str
    plan_sha256: str
    rule: str
    cite: str
    rule_title: str
    rule_kind: str
    agency: str
    agency_name: str
    period: Period
    as_of: date
    count: int
    target: int
    target_max: int | None
    unit: str
    status: str
    needed: int
    due: date
    reason: str
    items: tuple[Item, ...] = ()  # counted items, in a deterministic (not chronological) order
    notes: tuple[tuple[int, str], ...] = ()  # (article_id, counted_as) for items not plain "counted"
    rejected: tuple[tuple[Item, str], ...] = ()  # (item, counted_as) for matches that did not count
    attestations: tuple[Attestation, ...] = ()
    duplicates: tuple[tuple[Item, Item], ...] = ()  # (duplicate, the item counted instead)

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.plan, self.rule, self.agency, self.period.label

    @property
    def evidence(self) -> list[str]:
        """URLs of what counted, oldest first, then attestation links."""
        return _counted_urls(self.evidence_details())

    def evidence_details(self) -> list[dict[str, Any]]:
        notes = dict(self.notes)
        details = [
            _item_detail(item, notes.get(item.article_id, "counted"))
            for item in sorted(self.items, key=order_key)
        ]
        details += [_item_detail(item, why) for item, why in sorted(
            self.rejected, key=lambda pair: order_key(pair[0]))]
        details += [_attestation_detail(a) for a in sorted(self.attestations, key=_attest_order)]
        return details

    def to_json(self) -> dict[str, Any]:
        details = self.evidence_details()
        return {
            "plan": self.plan,
            "plan_sha256": self.plan_sha256,
            "rule": self.rule,
            "cite": self.cite,
            "rule_title": self.rule_title,
            "rule_kind": self.rule_kind,
            "agency": self.agency,
            "agency_name": self.agency_name,
            "period": self.period.label,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "count": self.count,
            "target": self.target,
            "target_max": self.target_max,
            "unit": self.unit,
            "status": self.status,
            "needed": self.needed,
            "due": self.due.isoformat(),
            "reason": self.reason,
            "evidence": _counted_urls(details),
            "evidence_details": details,
            "duplicates": [
                {"article_id": dup.article_id, "url": dup.url, "title": dup.title,
                 "published": _instant(dup.published_at), "duplicate_of": kept.article_id}
                for dup, kept in sorted(self.duplicates, key=lambda pair: order_key(pair[0]))
            ],
        }


NOT_COUNTED = ("out_of_range", "late")  # counted_as prefixes of listed items that did not count


def _counted_urls(details: list[dict[str, Any]]) -> list[str]:
    return [d["url"] for d in details if d["url"] and not d["counted_as"].startswith(NOT_COUNTED)]


def _attest_order(attestation: Attestation) -> tuple[date, str, str]:
    return attestation.on_date, attestation.document_no, attestation.what


def _instant(moment: datetime) -> str:
    """A publication time in UTC, as the database returns it: the same instant is written the
    same way whichever offset the item carried (an incremental update and a batch evaluation of
    the same article must give the same verdict, byte for byte)."""
    return (moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _item_detail(item: Item, counted_as: str) -> dict[str, Any]:
    return {
        "article_id": item.article_id,
        "url": item.url,
        "title": item.title,
        "published": _instant(item.published_at),
        "content_sha256": item.content_sha256,
        "agency": item.agency_id,
        "counted_as": counted_as,
    }


def _attestation_detail(attestation: Attestation) -> dict[str, Any]:
    return {
        "article_id": None,
        "url": attestation.link,
        "title": attestation.what,
        "published": attestation.on_date.isoformat(),
        "content_sha256": "",
        "agency": attestation.agency_id,
        "counted_as": "attestation",
    }
