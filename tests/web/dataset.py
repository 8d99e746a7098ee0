"""Realistic dashboard data written straight into the tables: verdicts shaped as the engine's JSON
(docs/architecture.md "Verdicts"), the articles and snapshots behind them, source health.

``populate`` follows a real plan (Hà Giang 2024: its roster, rules, periods); ``synthetic_plan``
makes a large one (200 agencies × 20 quotas) for the benchmark.
"""

from __future__ import annotations

import gzip
import hashlib
import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cchc.vntext import VN_TZ
from monitor.models import (
    AgencyRow,
    ArticleRow,
    EvaluationRow,
    SnapshotRow,
    SourceHealthRow,
    SourceRow,
)
from rules.loader import load_plan
from rules.model import Agency, Plan, Rule, Scope, Target
from rules.periods import periods_for

REPO = Path(__file__).resolve().parents[2]
HA_GIANG = REPO / "plans" / "ha-giang-2024.yaml"
AS_OF = date(2024, 8, 15)
TOPICS = (
    "Đẩy mạnh cải cách thủ tục hành chính, nâng cao chỉ số hài lòng",
    "Triển khai dịch vụ công trực tuyến toàn trình tại bộ phận một cửa",
    "Hội nghị sơ kết công tác cải cách hành chính 6 tháng đầu năm",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Tuyên truyền Chỉ số CCHC (PAR INDEX) và Chỉ số SIPAS năm 2023",
    "Nâng cao văn hóa công vụ, kỷ luật, kỷ cương hành chính",
    "Cải cách hành chính gắn với chuyển đổi số ở cơ sở",
    "Đơn giản hóa thủ tục hành chính lĩnh vực đất đai",
)


def ha_giang_plan() -> Plan:
    return load_plan(HA_GIANG)


def synthetic_plan(agencies: int = 200, rules: int = 20) -> Plan:
    """A plan of the Hà Giang shape, scaled up (communes added, quotas repeated per quarter)."""
    base = ha_giang_plan()
    roster = [Agency(id=f"xa-{i:03d}", name=f"UBND xã {_COMMUNES[i % len(_COMMUNES)]} "
                     f"({i // len(_COMMUNES) + 1})", kind="ubnd_xa", groups=("ubnd_xa",))
              for i in range(agencies)]
    quotas = [Rule(id=f"q{i:02d}-tin-bai", kind="count", per="quarter" if i % 3 else "year",
                   title=f"{TOPICS[i % len(TOPICS)]} (tối thiểu {3 + i % 5} bài)",
                   cite=f"Kế hoạch mẫu, mục {i + 1}", scope=Scope(groups=("ubnd_xa",)),
                   target=Target(3 + i % 5, unit="bài")) for i in range(rules)]
    return replace(base, id="bench-200", title="Kế hoạch mẫu 200 xã", agencies=tuple(roster),
                   rules=tuple(quotas), group_names={"ubnd_xa": "UBND các xã, phường"})


_COMMUNES = ("Lũng Cú", "Sủng Là", "Phố Cáo", "Lũng Táo", "Pải Lủng", "Xín Cái", "Sơn Vĩ",
             "Thượng Phùng", "Nậm Ban", "Bản Máy", "Thèn Chu Phìn", "Hồ Thầu", "Nấm Dẩn",
             "Tùng Bá", "Thuận Hòa", "Minh Tân", "Lao Chải", "Na Khê", "Bạch Đích", "Du Già")


def populate(session: Session, plan: Plan, as_of: date = AS_OF, *, seed: int = 8,
             articles: bool = True) -> list[dict[str, Any]]:
    """Store agencies, verdicts (and with ``articles`` their evidence rows); return the verdicts."""
    rng = random.Random(seed)
    for agency in plan.agencies:
        session.merge(AgencyRow(id=agency.id, name=agency.name, kind=agency.kind,
                                groups=list(agency.groups), aliases=list(agency.aliases),
                                emails=list(agency.emails)))
    next_id = [1]
    verdicts = []
    for rule in plan.rules:
        for agency in plan.scope_agencies(rule.scope):
            for period in periods_for(rule, plan, as_of):
                verdict = _verdict(rng, plan, rule, agency, period, as_of, next_id)
                verdicts.append(verdict)
    session.flush()
    computed = datetime(as_of.year, as_of.month, as_of.day, 23, 0, tzinfo=UTC)
    session.add_all(EvaluationRow(
        plan_id=v["plan"], plan_sha256=v["plan_sha256"], rule_id=v["rule"], agency_id=v["agency"],
        period=v["period"], as_of=as_of, count=v["count"], target=v["target"], status=v["status"],
        result=v, computed_at=computed) for v in verdicts)
    if articles:
        _articles(session, verdicts)
        _health(session, plan, as_of)
    session.commit()
    return verdicts


def _verdict(rng: random.Random, plan: Plan, rule: Rule, agency: Agency, period: Any,
             as_of: date, next_id: list[int]) -> dict[str, Any]:
    target = rule.target.min
    ended = period.end <= as_of
    elapsed = 1.0 if ended else ((as_of - period.start).days + 1) / period.days
    manual = rule.kind in ("manual", "deadline")
    count = rng.choice([0, 1, target, target]) if manual else max(0, int(
        rng.gauss(target * (elapsed * 1.05), max(1, target / 2.5))))
    status, needed = _status(rng, count, target, elapsed, ended, manual)
    details = [] if manual else [_detail(rng, agency, period, as_of, next_id)
                                 for _ in range(min(count, 12))]
    details.sort(key=lambda d: (d["published"], d["article_id"]))
    unit = rule.target.unit
    reason = {
        "met": f"Đã đủ {count}/{target} {unit} theo kế hoạch.",
        "on_track": f"Có {count} {unit}, đúng tiến độ của kỳ.",
        "at_risk": f"Mới có {count}/{target} {unit}, thấp hơn tiến độ cần có đến ngày "
                   f"{as_of:%d/%m/%Y}.",
        "shortfall": f"Kỳ đã kết thúc, còn thiếu {needed} {unit}.",
        "unknown": f"Không đọc được trang thông tin điện tử của {agency.name} từ ngày "
                   f"{as_of - timedelta(days=9):%d/%m/%Y} (lỗi kết nối).",
        "exempt": "Được Sở Nội vụ miễn trong kỳ này.",
        "not_started": "Chưa đến kỳ thực hiện.",
    }[status]
    duplicates = []
    if len(details) >= 2 and rng.random() < 0.25:
        kept = details[0]
        duplicates.append({"article_id": next_id[0], "url": kept["url"].replace(
            agency.id, "baohagiang.vn/" + agency.id), "title": kept["title"],
            "published": kept["published"], "duplicate_of": kept["article_id"]})
        next_id[0] += 1
    return {
        "plan": plan.id, "plan_sha256": plan.sha256 or "0" * 64, "rule": rule.id,
        "cite": rule.cite, "rule_title": rule.title, "rule_kind": rule.kind, "agency": agency.id,
        "agency_name": agency.name, "period": period.label,
        "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
        "as_of": as_of.isoformat(), "count": count, "target": target,
        "target_max": rule.target.max, "unit": unit, "status": status, "needed": needed,
        "due": (rule.due or period.end).isoformat(), "reason": reason,
        "evidence": [d["url"] for d in details], "evidence_details": details,
        "duplicates": duplicates,
    }


def _status(rng: random.Random, count: int, target: int, elapsed: float, ended: bool,
            manual: bool) -> tuple[str, int]:
    roll = rng.random()
    if roll < 0.03:
        return "exempt", 0
    if roll < 0.08 and not manual:
        return "unknown", max(0, target - count)
    if count >= target:
        return "met", 0
    if ended:
        return "shortfall", target - count
    return ("on_track" if count >= int(target * elapsed) else "at_risk"), target - count


def _detail(rng: random.Random, agency: Agency, period: Any, as_of: date,
            next_id: list[int]) -> dict[str, Any]:
    article_id = next_id[0]
    next_id[0] += 1
    last = min(period.end, as_of)
    day = period.start + timedelta(days=rng.randrange((last - period.start).days + 1))
    moment = datetime.combine(day, time(7 + rng.randrange(10), rng.randrange(60)), VN_TZ)
    title = f"{rng.choice(TOPICS)} tại {agency.name}"
    url = f"https://{agency.id}.hagiang.gov.vn/tin-tuc/cchc/{day:%Y%m%d}-{article_id}.html"
    return {"article_id": article_id, "url": url, "title": title,
            "published": moment.isoformat(), "content_sha256": hashlib.sha256(
                f"{title}|{article_id}".encode()).hexdigest(), "agency": agency.id,
            "counted_as": "counted"}


def _articles(session: Session, verdicts: list[dict[str, Any]]) -> None:
    seen: set[int] = set()
    for verdict in verdicts:
        for d in [*verdict["evidence_details"], *verdict["duplicates"]]:
            if d["article_id"] in seen:
                continue
            seen.add(d["article_id"])
            add_article(session, d["article_id"], d["url"], d["title"],
                        datetime.fromisoformat(d["published"]), verdict["agency"])


def add_article(session: Session, article_id: int, url: str, title: str, published: datetime,
                agency: str, html: str | None = None) -> ArticleRow:
    html = html or (f"<html lang='vi'><head><title>{title}</title></head><body><h1>{title}</h1>"
                    f"<p>Ngày {published:%d/%m/%Y}, {agency} tổ chức tuyên truyền cải cách hành "
                    "chính.</p></body></html>")
    digest = hashlib.sha256(html.encode()).hexdigest()
    row = ArticleRow(id=article_id, canonical_url=url, url=url, title=title, text=title,
                     published_at=published, agency_id=agency, channel_id=agency,
                     source_id=f"{agency}-rss", content_sha256=digest, first_seen_at=published,
                     updated_at=published)
    session.add(row)
    session.add(SnapshotRow(article_id=article_id, sha256=digest,
                            html_gz=gzip.compress(html.encode(), mtime=0), fetched_at=published))
    return row


def _health(session: Session, plan: Plan, as_of: date) -> None:
    at = datetime.combine(as_of, time(6), VN_TZ)
    for number, agency in enumerate(plan.agencies[:12]):
        source = f"{agency.id}-rss"
        session.merge(SourceRow(id=source, agency_id=agency.id, channel=agency.id, kind="feed",
                                url=f"https://{agency.id}.hagiang.gov.vn/rss/cchc.rss"))
        bad = number % 5 == 2
        session.add(SourceHealthRow(
            event_id=f"h-{agency.id}", source_id=source, agency_id=agency.id,
            url=f"https://{agency.id}.hagiang.gov.vn/rss/cchc.rss",
            outcome="timeout" if bad else "ok", status=None if bad else 200,
            detail="Quá 30 giây không phản hồi" if bad else "", at=at))
