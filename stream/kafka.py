"""Kafka backend (production): kafka-python producer with an outbox, topics made on demand.

Records are keyed by agency id, so one agency's events stay in order on one partition and
monitor consumers scale out by partition. The producer waits for all in-sync replicas
(``acks="all"``) with idempotence on; whatever the brokers do not acknowledge in time goes to the
outbox and is sent, in order, when they are back.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass
from typing import Any

from kafka import KafkaAdminClient, KafkaProducer
from kafka.errors import KafkaError
from kafka.producer.future import FutureRecordMetadata

from stream.abc import Consumer, Stream, TopicStats
from stream.errors import StreamUnavailable
from stream.events import Envelope
from stream.kafka_consumer import KafkaGroupConsumer
from stream.kafka_stats import topic_stats
from stream.outbox import Outbox, Row

log = logging.getLogger(__name__)

_INFLIGHT_CHECK = 20_000  # past this many unacknowledged sends, settle the finished ones


@dataclass(frozen=True)
class KafkaOptions:
    """Tuning, all overridable in the URL. Defaults suit production; tests shorten the timings.

    With Kafka, also set the broker's ``group.initial.rebalance.delay.ms`` low (0 in compose):
    a new group otherwise waits for it before its first assignment.
    """

    partitions: int = 3
    replication: int = 1
    linger_ms: int = 5
    batch_size: int = 256 * 1024
    request_timeout_ms: int = 10_000
    delivery_timeout_ms: int = 30_000
    max_block_ms: int = 5_000
    session_timeout_ms: int = 10_000
    heartbeat_interval_ms: int = 1_000
    max_poll_interval_ms: int = 300_000
    fetch_max_wait_ms: int = 100
    retry_backoff_ms: int = 5_000


class KafkaStream(Stream):
    """A Kafka cluster as the stream; needs an outbox file for when the brokers are away."""

    def __init__(self, servers: list[str], options: KafkaOptions, outbox: Outbox) -> None:
        self.servers = servers
        self.options = options
        self._outbox = outbox
        self._producer: KafkaProducer | None = None
        self._known_topics: set[str] = set()
        self._inflight: list[tuple[FutureRecordMetadata, Row]] = []
        self._retry_at = 0.0
        self.published = 0

    # -- producing ------------------------------------------------------------------------------

    def publish(self, topic: str, key: str, event: Envelope) -> None:
        row = (topic, key, event.encode())
        if self._outbox.pending and not self._drain(force=False):
            self._outbox.add([row])
            return
        try:
            self._inflight.append((self._send(row), row))
        except (KafkaError, StreamUnavailable) as exc:
            self._outage(exc, [row])
            return
        if len(self._inflight) >= _INFLIGHT_CHECK:
            self._settle(wait=False)

    def flush(self) -> None:
        self._settle(wait=True)
        if self._outbox.pending:
            self._drain(force=True)

    def drain(self) -> bool:
        """Send what waits in the outbox now; True when nothing waits any more."""
        self.flush()
        return self._outbox.pending == 0

    @property
    def outbox_pending(self) -> int:
        return self._outbox.pending

    def _send(self, row: Row) -> FutureRecordMetadata:
        topic, key, value = row
        producer = self._ensure_producer()
        if topic not in self._known_topics:
            self.ensure_topics([topic])
        return producer.send(topic, key=key.encode(), value=value)

    def _settle(self, wait: bool) -> None:
        """Count acknowledged sends; move failed ones (and all after them) to the outbox."""
        if wait and self._inflight:
            try:
                self._ensure_producer().flush(timeout=self._wait_s())
            except (KafkaError, StreamUnavailable) as exc:
                log.info("flush did not complete: %s", exc)
        for i, (future, _) in enumerate(self._inflight):
            if not future.succeeded():
                self._inflight = self._inflight[i:]
                if wait or future.is_done:
                    self._outage(future.exception)
                return
            self.published += 1
        self._inflight = []

    def _wait_s(self) -> float:
        return self.options.delivery_timeout_ms / 1000 + 5

    def _outage(self, exc: BaseException | None, extra: list[Row] | None = None) -> None:
        """Keep every unacknowledged event in the outbox, in order, and start afresh later."""
        unsent = [row for future, row in self._inflight if not future.succeeded()]
        self.published += len(self._inflight) - len(unsent)
        self._inflight = []
        unsent.extend(extra or [])
        log.warning(
            "Kafka %s unreachable (%s): %d events to the outbox", self.servers, exc, len(unsent)
        )
        self._reset_producer()
        self._outbox.add(unsent)

    def _drain(self, force: bool) -> bool:
        if not force and time.monotonic() < self._retry_at:
            return False
        self._retry_at = time.monotonic() + self.options.retry_backoff_ms / 1000
        if not self._reachable():
            return False
        return self._outbox.drain(self._deliver)

    def _deliver(self, rows: list[Row]) -> int:
        """Send a batch from the outbox and wait for it: how many, from the first, arrived."""
        try:
            futures = [self._send(row) for row in rows]
            self._ensure_producer().flush(timeout=self._wait_s())
        except (KafkaError, StreamUnavailable) as exc:
            log.info("outbox drain deferred: %s", exc)
            self._reset_producer()
            return 0
        for delivered, future in enumerate(futures):
            if not future.succeeded():
                self._reset_producer()
                return delivered
        self.published += len(rows)
        return len(rows)

    def _reachable(self) -> bool:
        """A cheap check before a drain, so an outage costs a refused connection, not a timeout."""
        for server in self.servers:
            host, _, port = server.rpartition(":")
            try:
                socket.create_connection((host, int(port)), timeout=1.0).close()
            except OSError:
                continue
            return True
        return False

    def _ensure_producer(self) -> KafkaProducer:
        if self._producer is None:
            opts = self.options
            try:
                self._producer = KafkaProducer(
                    bootstrap_servers=self.servers,
                    acks="all",
                    enable_idempotence=True,
                    retries=2**31 - 1,  # bounded by delivery_timeout_ms instead
                    max_in_flight_requests_per_connection=5,  # order-safe with idempotence
                    linger_ms=opts.linger_ms,
                    batch_size=opts.batch_size,
                    request_timeout_ms=opts.request_timeout_ms,
                    delivery_timeout_ms=max(
                        opts.delivery_timeout_ms, opts.request_timeout_ms + opts.linger_ms
                    ),
                    max_block_ms=opts.max_block_ms,
                    bootstrap_timeout_ms=opts.max_block_ms,
                    allow_auto_create_topics=False,
                )
            except KafkaError as exc:
                raise StreamUnavailable(f"cannot reach Kafka at {self.servers}: {exc}") from exc
        return self._producer

    def _reset_producer(self) -> None:
        """A fresh producer after an outage: no stale sequence numbers or buffered batches."""
        self._known_topics.clear()
        if self._producer is not None:
            try:
                self._producer.close(timeout=0)
            except KafkaError as exc:
                log.debug("closing the old producer: %s", exc)
            self._producer = None

    # -- topics, consuming, inspecting ----------------------------------------------------------

    def ensure_topics(self, topics: list[str]) -> None:
        """Create missing topics with ``partitions`` partitions (existing ones are left as they are)."""
        missing = [t for t in topics if t not in self._known_topics]
        if not missing:
            return
        spec = {
            "num_partitions": self.options.partitions,
            "replication_factor": self.options.replication,
        }
        with self._admin() as admin:
            try:
                admin.create_topics(
                    {topic: dict(spec) for topic in missing},
                    timeout_ms=self.options.request_timeout_ms,
                    raise_errors=False,
                    wait_for_metadata=True,
                )
            except KafkaError as exc:
                raise StreamUnavailable(
                    f"cannot create topics {missing} on {self.servers}: {exc}"
                ) from exc
        self._known_topics.update(missing)

    def _admin(self) -> KafkaAdminClient:
        try:
            return KafkaAdminClient(
                bootstrap_servers=self.servers,
                request_timeout_ms=self.options.request_timeout_ms,
                bootstrap_timeout_ms=self.options.max_block_ms,
            )
        except KafkaError as exc:
            raise StreamUnavailable(f"cannot reach Kafka at {self.servers}: {exc}") from exc

    def consumer(self, group: str, topics: list[str]) -> Consumer:
        self.ensure_topics(topics)
        return KafkaGroupConsumer(self.servers, group, topics, self._consumer_config())

    def _consumer_config(self) -> dict[str, Any]:
        opts = self.options
        return {
            "session_timeout_ms": opts.session_timeout_ms,
            "heartbeat_interval_ms": opts.heartbeat_interval_ms,
            "max_poll_interval_ms": opts.max_poll_interval_ms,
            "fetch_max_wait_ms": opts.fetch_max_wait_ms,
            "request_timeout_ms": max(opts.request_timeout_ms, opts.fetch_max_wait_ms + 1000),
            "bootstrap_timeout_ms": opts.max_block_ms,
        }

    def stats(self) -> list[TopicStats]:
        with self._admin() as admin:
            return topic_stats(admin, self.servers, self._consumer_config())

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self._producer is not None:
                self._producer.close(timeout=5)
                self._producer = None
            self._outbox.close()
