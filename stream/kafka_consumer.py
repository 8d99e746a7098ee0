"""Kafka group consumer: explicit commits of exactly what ``poll`` returned, rebalance-safe."""

from __future__ import annotations

import logging
import threading
from typing import Any

from kafka import KafkaConsumer
from kafka.consumer.subscription_state import ConsumerRebalanceListener
from kafka.errors import CommitFailedError, KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from stream.abc import Consumer, Record
from stream.errors import StreamUnavailable

log = logging.getLogger(__name__)


class _DropInFlight(ConsumerRebalanceListener):
    """On a rebalance, drop uncommitted progress: committing it here would mark unfinished work
    done. A new owner starts from the last commit; a partition we keep is rewound to it too
    (kafka-python keeps the fetch position of kept partitions), so the work is redelivered."""

    def __init__(self, owner: KafkaGroupConsumer) -> None:
        self._owner = owner

    def on_partitions_revoked(self, revoked: Any) -> None:
        self._owner.forget(revoked)

    def on_partitions_assigned(self, assigned: Any) -> None:
        log.info("group %s assigned %s", self._owner.group, sorted(assigned))
        self._owner.rewind(assigned)

    def on_partitions_lost(self, lost: Any) -> None:
        self._owner.forget(lost)


class KafkaGroupConsumer(Consumer):
    """One member of a Kafka consumer group; auto-commit off, new groups start at the earliest."""

    def __init__(
        self, servers: list[str], group: str, topics: list[str], config: dict[str, Any]
    ) -> None:
        self.group = group
        self._lock = threading.Lock()
        self._next: dict[TopicPartition, int] = {}  # offset to commit, per partition
        self._first: dict[TopicPartition, int] = {}  # first offset polled since the last commit
        self._rewind: dict[TopicPartition, int] = {}  # dropped by a rebalance: seek back if kept
        try:
            self._consumer = KafkaConsumer(
                bootstrap_servers=servers,
                group_id=group,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                **config,
            )
        except KafkaError as exc:
            raise StreamUnavailable(f"cannot reach Kafka at {servers}: {exc}") from exc
        self._consumer.subscribe(topics=list(topics), listener=_DropInFlight(self))

    def poll(self, max_records: int = 500, timeout_s: float = 1.0) -> list[Record]:
        try:
            batches = self._consumer.poll(timeout_ms=int(timeout_s * 1000), max_records=max_records)
        except KafkaError as exc:
            raise StreamUnavailable(f"Kafka poll failed for group {self.group}: {exc}") from exc
        records: list[Record] = []
        with self._lock:
            for tp, messages in batches.items():
                if not messages:
                    continue
                self._first.setdefault(tp, messages[0].offset)
                self._next[tp] = messages[-1].offset + 1
                records.extend(
                    Record(
                        tp.topic,
                        tp.partition,
                        m.offset,
                        (m.key or b"").decode(errors="replace"),
                        m.value,
                    )
                    for m in messages
                )
        return records

    def commit(self) -> None:
        with self._lock:
            offsets = {tp: OffsetAndMetadata(off, "", -1) for tp, off in self._next.items()}
            self._next.clear()
            self._first.clear()
        if not offsets:
            return
        try:
            self._consumer.commit(offsets)
        except CommitFailedError as exc:
            # The group rebalanced: these partitions are redelivered to their new owner.
            log.warning(
                "group %s: commit refused after a rebalance (%s); redelivery follows",
                self.group,
                exc,
            )
        except KafkaError as exc:
            raise StreamUnavailable(f"Kafka commit failed for group {self.group}: {exc}") from exc

    def rollback(self) -> None:
        with self._lock:
            first, self._first = self._first, {}
            self._next.clear()
        assigned = self._consumer.assignment()
        for tp, offset in first.items():
            if tp in assigned:
                self._consumer.seek(tp, offset)

    def forget(self, partitions: Any) -> None:
        with self._lock:
            for tp in partitions:
                self._next.pop(tp, None)
                if tp in self._first:
                    self._rewind[tp] = self._first.pop(tp)

    def rewind(self, partitions: Any) -> None:
        with self._lock:
            rewind, self._rewind = self._rewind, {}
        for tp in partitions:
            if tp in rewind:
                self._consumer.seek(tp, rewind[tp])

    def close(self) -> None:
        self._consumer.close(autocommit=False)
