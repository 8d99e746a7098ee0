"""End offsets, retained sizes and group lag for the Kafka backend (``Stream.stats``)."""

from __future__ import annotations

import time
from typing import Any

from kafka import KafkaAdminClient, KafkaConsumer
from kafka.structs import TopicPartition

from stream.abc import TopicStats

_TAIL_READ_S = 2.0


def topic_stats(
    admin: KafkaAdminClient, servers: list[str], config: dict[str, Any]
) -> list[TopicStats]:
    topics = sorted(t for t in admin.list_topics() if not t.startswith("__"))
    reader = KafkaConsumer(
        bootstrap_servers=servers, enable_auto_commit=False, **_reader_config(config)
    )
    try:
        tps = [
            TopicPartition(topic, p)
            for topic in topics
            for p in sorted(reader.partitions_for_topic(topic) or ())
        ]
        begin = reader.beginning_offsets(tps) if tps else {}
        end = _true_ends(reader, begin, reader.end_offsets(tps)) if tps else {}
    finally:
        reader.close(autocommit=False)
    groups = [g["group_id"] for g in admin.list_groups()]
    committed = {group: admin.list_group_offsets([group]).get(group, {}) for group in groups}
    result = []
    for topic in topics:
        parts = [tp for tp in tps if tp.topic == topic]
        lag = {}
        for group, offsets in committed.items():
            if any(tp in offsets for tp in parts):
                lag[group] = sum(end[tp] - max(_offset(offsets.get(tp)), begin[tp]) for tp in parts)
        result.append(
            TopicStats(
                topic=topic,
                end_offset=sum(end[tp] for tp in parts),
                size=sum(end[tp] - begin[tp] for tp in parts),
                lag=dict(sorted(lag.items())),
            )
        )
    return result


def _true_ends(
    reader: KafkaConsumer, begins: dict[TopicPartition, int], ends: dict[TopicPartition, int]
) -> dict[TopicPartition, int]:
    """Confirm each end offset by reading the last record batch before it.

    Some Kafka-protocol brokers (Tansu 0.6) answer ListOffsets with the last *batch*'s base
    offset + 1; reading that batch gives the real end. On Apache Kafka this reads one record.
    """
    tails = {tp: end for tp, end in ends.items() if end > begins[tp]}
    if not tails:
        return dict(ends)
    reader.assign(list(tails))
    for tp, end in tails.items():
        reader.seek(tp, end - 1)
    true = dict(ends)
    waiting = set(tails)
    deadline = time.monotonic() + _TAIL_READ_S
    while waiting and time.monotonic() < deadline:
        for tp, messages in reader.poll(timeout_ms=200).items():
            if messages:
                true[tp] = max(true[tp], messages[-1].offset + 1)
                waiting.discard(tp)
                reader.pause(tp)
    return true


def _offset(meta: Any) -> int:
    return -1 if meta is None or meta.offset is None or meta.offset < 0 else meta.offset


def _reader_config(config: dict[str, Any]) -> dict[str, Any]:
    keep = ("request_timeout_ms", "bootstrap_timeout_ms", "fetch_max_wait_ms")
    return {k: v for k, v in config.items() if k in keep}
