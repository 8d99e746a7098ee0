"""What only the Kafka backend does: partitions, rebalances, a broker that is down at start."""

from __future__ import annotations

import time

import pytest
from kafka import KafkaConsumer

from stream import Consumer, Record, open_stream
from stream.events import SOURCE_HEALTH
from stream.kafka import KafkaStream
from tests.stream.conftest import Backend, Broker
from tests.stream.helpers import health, poll_until, seqs_by_key

pytestmark = [pytest.mark.kafka, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
KEYS = [f"agency-{i}" for i in range(12)]


@pytest.fixture
def kafka(broker: Broker, tmp_path: object) -> Backend:
    return Backend("kafka", broker.url, tmp_path, [], broker)  # type: ignore[arg-type]


def test_topics_are_created_with_the_configured_partitions(kafka: Backend) -> None:
    stream = open_stream(kafka.url + "&partitions=4", outbox_path=kafka.tmp / "o.db")
    stream.publish(SOURCE_HEALTH, "a1", health("a1", 0))
    stream.close()
    reader = KafkaConsumer(bootstrap_servers=f"127.0.0.1:{kafka.broker.port}")  # type: ignore[union-attr]
    assert reader.partitions_for_topic(SOURCE_HEALTH) == {0, 1, 2, 3}
    reader.close()


@pytest.mark.slow  # Tansu takes ~10 s to settle a two-member group
def test_a_rebalance_drops_uncommitted_work_and_the_new_owner_redelivers_it(kafka: Backend) -> None:
    stream = kafka.open()
    for seq in range(5):
        for key in KEYS:
            stream.publish(SOURCE_HEALTH, key, health(key, seq))
    stream.flush()
    first = stream.consumer("monitor", [SOURCE_HEALTH])
    seen = poll_until(first, 60)  # all three partitions, nothing committed yet
    second = stream.consumer("monitor", [SOURCE_HEALTH])
    again_first, moved = poll_both(first, second, want=len(seen))
    first.commit()  # commits only what it polled since the rebalance, on partitions it owns
    mine = {r.partition for r in again_first}
    theirs = {r.partition for r in moved}
    assert mine and theirs and not mine & theirs
    assert ids(again_first) | ids(moved) == ids(seen)  # everything redelivered, nothing lost
    lag = {s.topic: s.lag for s in stream.stats()}[SOURCE_HEALTH]
    assert lag == {"monitor": len(moved)}  # the old in-flight work on them was not committed
    first.close()
    second.close()


def ids(records: list[Record]) -> set[tuple[int, int]]:
    return {(r.partition, r.offset) for r in records}


def poll_both(first: Consumer, second: Consumer, want: int) -> tuple[list[Record], list[Record]]:
    """Keep both members polling (so the group rebalances) until together they hold ``want``."""
    got_first: list[Record] = []
    got_second: list[Record] = []
    deadline = time.monotonic() + 90
    while len(ids(got_first) | ids(got_second)) < want or not got_second:
        if time.monotonic() > deadline:  # seen under heavy load; left open in docs/reliability.md
            pytest.xfail(f"the Tansu group did not settle its rebalance within 90 s: first "
                         f"{sorted(ids(got_first))}, second {sorted(ids(got_second))}")
        got_first.extend(first.poll(timeout_s=0.1))  # it had read all: anything now is redelivery
        got_second.extend(second.poll(timeout_s=0.2))
    return got_first, got_second


def test_broker_down_at_start_keeps_events_in_the_outbox(kafka: Backend) -> None:
    assert kafka.broker is not None
    kafka.broker.kill()
    stream = kafka.open()
    assert isinstance(stream, KafkaStream)
    for seq in range(20):
        stream.publish(SOURCE_HEALTH, "a1", health("a1", seq))
    stream.flush()
    assert stream.outbox_pending == 20
    kafka.broker.restart()
    assert stream.drain() is True and stream.outbox_pending == 0
    with stream.consumer("monitor", [SOURCE_HEALTH]) as consumer:
        assert seqs_by_key(poll_until(consumer, 20)) == {"a1": list(range(20))}
