"""Small builders for rules tests: plans straight from rules.model dataclasses, items by day."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import count

from cchc.vntext import VN_TZ
from rules.items import EvaluationInput, Item
from rules.model import Agency, Match, Plan, Rule, Scope, Target

_ids = count(1)
AS_OF = date(2024, 12, 31)


def agency(agency_id: str, *groups: str) -> Agency:
    return Agency(agency_id, f"Cơ quan {agency_id}", "so", groups=groups or ("so",))


def rule(rule_id: str = "r1", kind: str = "count", **options: object) -> Rule:
    options.setdefault("scope", Scope(groups=("so",)))
    options.setdefault("target", Target(1))
    options.setdefault("match", Match())
    return Rule(id=rule_id, kind=kind, title=f"Quy định {rule_id}", cite="Thử nghiệm, mục 1",
                **options)  # type: ignore[arg-type]


def plan(*rules: Rule, agencies: tuple[Agency, ...] = (), starts: date = date(2024, 1, 1),
         ends: date = date(2024, 12, 31), plan_id: str = "p1") -> Plan:
    return Plan(plan_id, "Kế hoạch thử", "KH số 1", "Thử", starts, ends,
                agencies or (agency("a1"), agency("a2")), tuple(rules), sha256="ab" * 32)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), VN_TZ)


def item(when: date | datetime, agency_id: str = "a1", **fields: object) -> Item:
    article_id = int(fields.pop("article_id", next(_ids)))  # type: ignore[call-overload]
    published = when if isinstance(when, datetime) else at(when)
    values: dict[str, object] = {
        "url": f"https://{agency_id}.gov.vn/bai-{article_id}", "title": f"Bài {article_id}",
        "kind": "bai", "language": "vi", "channel_id": agency_id, "section": "Cải cách hành chính",
        "cchc": True, "duration_seconds": None, "cluster_id": None,
        "content_sha256": f"{article_id:064x}", "source_id": f"{agency_id}-rss",
    }
    values.update(fields)
    return Item(article_id=article_id, published_at=published, agency_id=agency_id,
                **values)  # type: ignore[arg-type]


def data(*items: Item, monitored: tuple[str, ...] = ("a1", "a2"), **facts: object
         ) -> EvaluationInput:
    return EvaluationInput(items=list(items), monitored_agencies=frozenset(monitored),
                           **facts)  # type: ignore[arg-type]
