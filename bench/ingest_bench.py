"""End-to-end ingest throughput: ~3 KB Vietnamese articles through the embedded stream and monitor.

``article.collected`` events are published to an embedded stream and consumed by the real
``MonitorConsumer`` (canonical URL, dedupe, relevance, kind, language, attribution, near-duplicate
clusters, snapshot, ``article.stored``) into SQLite, until every published record is consumed;
articles/s is over the whole publish + consume, by a monitor that is already running (warmed by
a burst of 500 other articles: its helper process started, everything compiled). The mix is
realistic: 60% CCHC, 40% other news, 10% syndicated copies on the portal ("Nguồn: ..." line), 3%
updated re-fetches, 1% redeliveries.
Re-fetched pages change their HTML, so each is a new article version. The monitor runs as
deployed (a helper process judges part of each large batch when the machine has two cores) and,
for comparison, in one process. Baseline in the same run: a bare loop that JSON-decodes the same
serialized events and inserts the same rows with the stdlib sqlite3 (executemany, one transaction
per 500). Goal: >= 2,000/s.

Usage: python bench/ingest_bench.py [--json] [--articles N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from ingest_texts import CCHC, DEPARTMENTS, DISTRICTS, OTHER  # beside this script

from monitor.agencies import AgencyDirectory
from monitor.consumer import ConsumeReport, MonitorConsumer
from monitor.database import open_database
from monitor.judge import Judge
from monitor.relevance import RelevanceClassifier
from rules.model import Agency
from stream import open_stream
from stream.abc import Stream
from stream.events import ARTICLES, Envelope

TEXT_BYTES = 3000


def agencies() -> list[Agency]:
    found = [
        Agency(f"bm-so-{i}", f"Sở {name} tỉnh Bắc Minh", "so") for i, name in enumerate(DEPARTMENTS)
    ]
    found += [
        Agency(f"bm-ubnd-{i}", f"UBND huyện {d}", "ubnd_huyen") for i, d in enumerate(DISTRICTS)
    ]
    found += [
        Agency("bm-cong-ttdt", "Cổng Thông tin điện tử tỉnh Bắc Minh", "portal"),
        Agency("bm-bao", "Báo Bắc Minh", "newspaper"),
        Agency("bm-dai-ptth", "Đài Phát thanh - Truyền hình Bắc Minh", "broadcaster"),
    ]
    return found


def sentence(rng: random.Random, pool: tuple[str, ...], owner: Agency) -> str:
    return rng.choice(pool).format(
        who=owner.name,
        d=rng.choice(DISTRICTS),
        n=rng.randint(2, 900),
        p=rng.randint(60, 99),
        q=rng.randint(1, 4),
        y=rng.randint(2019, 2025),
        m=rng.randint(1, 12),
    )


def body(rng: random.Random, owner: Agency, cchc: bool) -> str:
    """About 3 KB of UTF-8 in paragraphs of three sentences; 1 in 5 sentences off-topic."""
    paragraphs, size = [], 0
    while size < TEXT_BYTES:
        main, other = (CCHC, OTHER) if cchc else (OTHER, CCHC[2:3] if rng.random() < 0.1 else OTHER)
        lines = [sentence(rng, other if rng.random() < 0.2 else main, owner) for _ in range(3)]
        paragraphs.append(" ".join(lines))
        size += len(paragraphs[-1].encode()) + 1
    return "\n".join(paragraphs)


def payload(rng: random.Random, owner: Agency, number: int, cchc: bool, folder: str) -> dict:
    text = body(rng, owner, cchc)
    title = sentence(rng, CCHC if cchc else OTHER, owner).rstrip(".")[:120]
    return {
        "url": f"https://{owner.id}.bacminh.gov.vn/{folder}/bai-{number}.html?utm_source=rss",
        "title": title,
        "text": text,
        "html": "<html><body><article><h1>"
        + title
        + "</h1><p>"
        + text.replace("\n", "</p><p>")
        + "</p></article></body></html>",
        "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T08:00:00+07:00",
        "author": "",
        "source_line": "",
        "section": "Tin tức",
        "kind_hint": "",
        "language_hint": "vi",
        "agency_id": owner.id,
        "channel_id": owner.id,
        "source_id": f"{owner.id}-rss",
        "fetched_at": "2024-12-30T09:00:00+07:00",
        "update": False,
    }


def make_events(count: int, seed: int = 5, folder: str = "tin-tuc") -> list[bytes]:
    """Serialized events in publication order: originals, portal copies, updates, redeliveries;
    their URLs in ``folder``."""
    rng = random.Random(seed)
    owners = [a for a in agencies() if a.kind in ("so", "ubnd_huyen")]
    portal = next(a for a in agencies() if a.kind == "portal")
    out: list[bytes] = []
    recent: list[dict] = []
    while len(out) < count:
        roll = rng.random()
        if roll < 0.10 and recent:
            original = rng.choice(recent)
            copy = dict(
                original,
                url=original["url"].replace(f"/{folder}/", f"/{folder}-portal-copy/"),
                agency_id=portal.id,
                channel_id=portal.id,
                source_id="portal-rss",
                text=original["text"] + "\nNguồn: " + rng.choice(owners).name,
            )
            event = Envelope.new("article.collected", copy)
        elif roll < 0.13 and recent:
            original = rng.choice(recent)
            added = sentence(rng, CCHC, portal)
            changed = dict(
                original,
                text=original["text"] + " " + added,
                html=original["html"].replace("</article>", f"<p>{added}</p></article>"),
                update=True,
            )  # the page changed, so its HTML (what the content hash covers) changed too
            event = Envelope.new("article.collected", changed)
        elif roll < 0.14 and out:
            out.append(rng.choice(out))  # redelivery: the same event id again
            continue
        else:
            item = payload(rng, rng.choice(owners), len(out), rng.random() < 0.6, folder)
            recent = (recent + [item])[-200:]
            event = Envelope.new("article.collected", item)
        out.append(event.encode())
    return out


def ingest(
    events: list[bytes], workdir: Path, *, helper: bool | None = None
) -> tuple[float, ConsumeReport]:
    """Seconds to publish every event and have a running monitor consume all of them.

    The monitor is warmed first by a burst of other articles (its helper process started and
    ready, the judgement's lexicons and regular expressions compiled), as in a ``cchc run`` that
    has been up for a while: the figure is its steady throughput, not its start-up."""
    workdir.mkdir(parents=True, exist_ok=True)
    stream = open_stream(f"embedded://{workdir / 'stream.db'}")
    sessions = open_database(f"sqlite:///{workdir / 'cchc.db'}")
    judge = Judge(RelevanceClassifier(), AgencyDirectory(agencies()))
    monitor = MonitorConsumer(stream, sessions, judge, helper=helper)
    warm_up = [Envelope.decode(value) for value in make_events(WARM_UP, seed=11, folder="truoc")]
    consume(monitor, stream, warm_up)
    while judge.helper_starting():
        time.sleep(0.01)
    decoded = [Envelope.decode(value) for value in events]
    started = time.perf_counter()
    report = consume(monitor, stream, decoded)
    elapsed = time.perf_counter() - started
    monitor.close()
    stream.close()
    sessions.kw["bind"].dispose()
    return elapsed, report


WARM_UP = 500  # events: more than a helper's backlog (monitor.consumer.HELPER_BACKLOG)


def consume(monitor: MonitorConsumer, stream: Stream, events: list[Envelope]) -> ConsumeReport:
    """Publish ``events`` and run the monitor until it has consumed them all."""
    for event in events:
        stream.publish(ARTICLES, event.payload["agency_id"], event)
    stream.flush()
    consumed = [0]
    return monitor.run(
        should_stop=lambda: consumed[0] >= len(events),
        on_batch=lambda r: consumed.__setitem__(0, r.events),
    )


BARE_SCHEMA = """CREATE TABLE articles (id INTEGER PRIMARY KEY, event_id TEXT UNIQUE, url TEXT,
 title TEXT, text TEXT, html TEXT, published TEXT, author TEXT, source_line TEXT, section TEXT,
 agency_id TEXT, channel_id TEXT, source_id TEXT, fetched_at TEXT)"""
BARE_FIELDS = (
    "url",
    "title",
    "text",
    "html",
    "published",
    "author",
    "source_line",
    "section",
    "agency_id",
    "channel_id",
    "source_id",
    "fetched_at",
)


def bare(events: list[bytes], workdir: Path) -> float:
    """Seconds to JSON-decode the same events and insert their rows, 500 per transaction."""
    conn = sqlite3.connect(workdir / "bare.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(BARE_SCHEMA)
    insert = f"INSERT OR IGNORE INTO articles VALUES (NULL, ?, {', '.join('?' * len(BARE_FIELDS))})"
    started = time.perf_counter()
    for start in range(0, len(events), 500):
        rows = []
        for value in events[start : start + 500]:
            body = json.loads(value)
            rows.append((body["id"], *(body["payload"].get(name) for name in BARE_FIELDS)))
        conn.execute("BEGIN")
        conn.executemany(insert, rows)
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object of metrics")
    parser.add_argument("--articles", type=int, default=3000, help="events to ingest")
    parser.add_argument("--profile", action="store_true", help="cProfile the ingest, to stderr")
    args = parser.parse_args(argv)
    events = make_events(args.articles)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        elapsed, report = ingest(events, Path(tmp) / "default")
        if profiler:
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
        single_elapsed, _ = ingest(events, Path(tmp) / "single", helper=False)
        bare_elapsed = bare(events, Path(tmp))
    rate, bare_rate = len(events) / elapsed, len(events) / bare_elapsed
    single_rate = len(events) / single_elapsed
    metrics = {
        "ingest_articles_per_s": round(rate, 1),
        "ingest_single_process_articles_per_s": round(single_rate, 1),
        "ingest_helper_speedup": round(rate / single_rate, 3),
        "ingest_bare_articles_per_s": round(bare_rate, 1),
        "ingest_ratio_to_bare": round(rate / bare_rate, 4),
        "ingest_articles": len(events),
        "ingest_stored": len(report.stored),
        "ingest_text_bytes_mean": round(
            sum(len(json.loads(e)["payload"]["text"].encode()) for e in events) / len(events)
        ),
        "ingest_load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    if args.json:
        print(json.dumps(metrics))
    else:
        for key, value in metrics.items():
            print(f"{key:36} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
