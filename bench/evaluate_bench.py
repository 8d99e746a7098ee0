"""Rules engine benchmark: full evaluation of five plans over 1,000,000 items and 200 agencies,
per-article incremental evaluation, and a naive per-rule per-agency linear scan as the baseline.

    /work/venv/bin/python bench/evaluate_bench.py [--json] [--items N] [--db-items N]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from rules.engine import evaluate_plans, index_input
from rules.incremental import IncrementalEvaluator
from rules.index import order_key
from rules.items import EvaluationInput, Item
from rules.matching import signature_matches, signature_of
from rules.model import Agency, Match, Plan, Rule, Scope, Target
from rules.periods import all_periods, vn_date

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2024, 11, 20)
AGENCIES = 200
PLANS = 5
NEWSPAPERS = ("nhan-dan", "vietnamnet", "bao-tinh")


def load_yaml_plans() -> list[Plan]:
    try:
        from rules.loader import load_plan
    except ImportError:
        return []
    return [load_plan(path) for path in sorted((REPO / "plans").glob("*.yaml"))][:PLANS]


def synthetic_plan(number: int, agencies: int) -> Plan:
    """Rules shaped like the seed plans (quarterly articles, central newspapers, ethnic
    languages, reader columns Q2–Q4, weekly 12–15 min programme, dialogues every 3 months,
    plan sent in Q1, a live CCHC column, attested classes)."""
    prefix = f"p{number}"
    roster = tuple(
        Agency(f"{prefix}-a{i}", f"Đơn vị {i}", "so", groups=("so" if i % 4 else "dai",))
        for i in range(agencies)
    )
    so, dai = Scope(groups=("so",)), Scope(groups=("dai",))

    def r(rule_id: str, kind: str, scope: Scope = so, **options: object) -> Rule:
        return Rule(id=f"{prefix}-{rule_id}", kind=kind, title=rule_id, cite=f"{prefix}, mục",
                    scope=scope, **options)  # type: ignore[arg-type]

    rules = (
        r("bai-quy", "count", per="quarter", target=Target(5)),
        r("bao-tw", "count", per="quarter", match=Match(channels=NEWSPAPERS[:2])),
        r("dan-toc", "count", dai, per="year", target=Target(12),
          match=Match(languages=("hmn", "tay", "dao"))),
        r("ban-doc", "count", dai, per="year", target=Target(13), active_periods=("Q2", "Q3", "Q4"),
          match=Match(kinds=("chuyen_muc",))),
        r("chuong-trinh", "duration", dai, per="week", min_minutes=12, max_minutes=15,
          match=Match(kinds=("chuong_trinh",))),
        r("doi-thoai", "cadence", per="year", window_days=92, tolerance_days=7,
          match=Match(kinds=("video", "chuong_trinh"))),
        r("ke-hoach", "deadline", per="quarter", due=date(2024, 3, 31), match=Match(topic=None)),
        r("chuyen-muc", "coverage", per="month", max_age_days=30,
          match=Match(section="cai cach hanh chinh")),
        r("lop", "manual", per="year", target=Target(10, 15, "lớp")),
        r("bai-thang", "count", per="month", target=Target(2), match=Match(kinds=("bai", "tin"))),
    )
    return Plan(prefix, f"Kế hoạch {number}", "", "Thử", date(2024, 1, 1), date(2024, 12, 31),
                roster, rules, sha256=f"{number:064x}")


def build_plans(synthetic: bool = False) -> list[Plan]:
    """The repository's plans (synthetic ones fill up to five), plus one synthetic plan for the
    agencies still missing to reach 200."""
    plans = [] if synthetic else load_yaml_plans()
    used = len({a.id for p in plans for a in p.agencies})
    missing = max(PLANS - len(plans), 1 if used < AGENCIES else 0)
    for number in range(missing):
        share = (AGENCIES - used) // missing + (number < (AGENCIES - used) % missing)
        plans.append(synthetic_plan(number + 1, share))
    return plans


def build_items(agencies: list[str], count: int, seed: int = 7, first_id: int = 1) -> list[Item]:
    """Items over 2024 in UTC (as the database returns them); broadcasters (every 4th agency)
    also publish in ethnic languages and programmes; each site has its own few sections."""
    rnd = random.Random(seed)
    start = datetime(2023, 12, 31, 17, tzinfo=UTC)  # 01/01/2024 00:00 in Vietnam
    kinds = ("tin", "bai", "bai", "phong_su", "chuyen_muc", "video")
    sections = ("Cải cách hành chính", "Tin tức", "Chuyên mục CCHC", "Thời sự")
    minutes = sorted(rnd.randrange(366 * 24 * 60) for _ in range(count))  # as db_source orders
    items = []
    for n in range(count):
        article_id = first_id + n
        number = rnd.randrange(len(agencies))
        agency, broadcaster = agencies[number], number % 4 == 0
        kind = kinds[rnd.randrange(len(kinds))]
        if broadcaster and rnd.random() < 0.3:
            kind = "chuong_trinh"
        items.append(Item(
            article_id=article_id, url=f"https://{agency}.gov.vn/{article_id}",
            title=f"Bài {article_id}",
            published_at=start + timedelta(minutes=minutes[n]),
            agency_id=agency, kind=kind,
            language=("hmn", "tay", "dao")[n % 3] if broadcaster and rnd.random() < 0.2 else "vi",
            channel_id=agency if rnd.random() < 0.9 else NEWSPAPERS[rnd.randrange(3)],
            section=sections[rnd.randrange(len(sections))], cchc=rnd.random() < 0.4,
            duration_seconds=rnd.randrange(5 * 60, 20 * 60) if kind == "chuong_trinh" else None,
            cluster_id=article_id // 2 if rnd.random() < 0.02 else None,
            content_sha256="", source_id=f"{agency}-rss",
        ))
    return items


def naive_counts(plans: list[Plan], items: list[Item], as_of: date) -> dict[tuple, int]:
    """Baseline: for each rule and agency, scan that agency's items one by one."""
    by_agency: dict[str, list[Item]] = {}
    for item in items:
        by_agency.setdefault(item.agency_id, []).append(item)
    counts: dict[tuple, int] = {}
    for plan in plans:
        for rule in plan.rules:
            if rule.kind != "count":
                continue
            periods = all_periods(rule, plan)
            for agency in plan.scope_agencies(rule.scope):
                seen: set[int] = set()
                for item in sorted(by_agency.get(agency.id, ()), key=order_key):
                    day = vn_date(item.published_at)
                    if day > as_of or not signature_matches(rule.match, signature_of(item)):
                        continue
                    if item.cluster_id is not None:
                        if item.cluster_id in seen:
                            continue
                        seen.add(item.cluster_id)
                    for period in periods:
                        if period.start <= day <= period.end:
                            key = (plan.id, rule.id, agency.id, period.label)
                            counts[key] = counts.get(key, 0) + 1
    return counts


def bench_incremental(plans: list[Plan], data: EvaluationInput, agencies: list[str],
                      n: int = 2000) -> tuple[float, float]:
    started = time.perf_counter()
    evaluator = IncrementalEvaluator(plans, data, AS_OF)
    setup = time.perf_counter() - started
    fresh = build_items(agencies, n, seed=99, first_id=10_000_000)
    times = []
    for item in fresh:
        began = time.perf_counter()
        evaluator.apply(item)
        times.append(time.perf_counter() - began)
    return setup, statistics.median(times) * 1000


def bench_db(plans: list[Plan], agencies: list[str], n: int) -> float:
    """Seconds for rules.db_source.load_input over n stored articles (SQLite in memory)."""
    from sqlalchemy import create_engine, insert
    from sqlalchemy.orm import Session

    from monitor.models import ArticleRow, Base, ClassificationRow
    from rules.db_source import load_input

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    items = build_items(agencies, n, seed=3)
    with Session(engine) as session:
        session.execute(insert(ArticleRow), [{
            "id": i.article_id, "canonical_url": i.url, "url": i.url, "title": i.title,
            "published_at": i.published_at, "agency_id": i.agency_id, "kind": i.kind,
            "language": i.language, "channel_id": i.channel_id, "section": i.section,
            "duration_seconds": i.duration_seconds, "cluster_id": i.cluster_id,
            "first_seen_at": i.published_at, "updated_at": i.published_at} for i in items])
        session.execute(insert(ClassificationRow), [{
            "article_id": i.article_id, "cchc": i.cchc, "score": 0.0, "threshold": 0.5,
            "model_version": "bench", "classified_at": i.published_at} for i in items])
        session.commit()
        began = time.perf_counter()
        loaded = load_input(session, plans, AS_OF)
        elapsed = time.perf_counter() - began
    assert len(loaded.items) <= n
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db-items", type=int, default=100_000)
    parser.add_argument("--synthetic", action="store_true",
                        help="five synthetic plans of 40 agencies instead of plans/*.yaml")
    args = parser.parse_args()
    plans = build_plans(args.synthetic)
    agencies = sorted({a.id for p in plans for a in p.agencies})
    items = build_items(agencies, args.items)
    data = EvaluationInput(items=items, monitored_agencies=frozenset(agencies))

    gc.collect()
    began = time.perf_counter()
    verdicts = evaluate_plans(plans, data, AS_OF)
    full = time.perf_counter() - began
    gc.collect()
    began = time.perf_counter()
    indexed = index_input(data)
    index_s = time.perf_counter() - began
    began = time.perf_counter()
    evaluate_plans(plans, indexed, AS_OF)
    indexed_s = time.perf_counter() - began
    gc.collect()
    began = time.perf_counter()
    naive = naive_counts(plans, items, AS_OF)
    naive_s = time.perf_counter() - began
    fast = {(v.plan, v.rule, v.agency, v.period.label): v.count for v in verdicts
            if v.rule_kind == "count" and v.count}
    mismatched = sum(1 for key, value in naive.items() if fast.get(key) != value)
    setup, incremental_ms = bench_incremental(plans, data, agencies)
    db_s = bench_db(plans, agencies, args.db_items) if args.db_items else 0.0
    figures = {
        "evaluate_items": len(items), "evaluate_agencies": len(agencies),
        "evaluate_plans": len(plans), "evaluate_rules": sum(len(p.rules) for p in plans),
        "evaluate_verdicts": len(verdicts), "evaluate_full_s": round(full, 3),
        "index_build_s": round(index_s, 3), "evaluate_indexed_s": round(indexed_s, 3),
        "naive_count_rules_s": round(naive_s, 3), "speedup_vs_naive": round(naive_s / full, 2),
        "speedup_indexed_vs_naive": round(naive_s / indexed_s, 1),
        "count_cells_differing_from_naive": mismatched,
        "incremental_setup_s": round(setup, 3), "evaluate_incremental_ms": round(incremental_ms, 4),
        "db_load_items": args.db_items, "db_load_s": round(db_s, 3),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key:36} {value}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
