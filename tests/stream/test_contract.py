"""One contract, both backends: the embedded log must behave like Kafka where callers can tell."""

from __future__ import annotations

import json

import pytest

from stream import Stream
from stream.consume import BatchResult, run_batch
from stream.events import DEAD_LETTER, SOURCE_HEALTH, Envelope
from tests.stream.conftest import Backend
from tests.stream.helpers import drain_quiet, health, poll_until, seqs_by_key

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # kafka-python internals
TOPIC = SOURCE_HEALTH


def publish_seq(stream: Stream, keys: list[str], per_key: int, start: int = 0) -> None:
    for seq in range(start, start + per_key):
        for key in keys:
            stream.publish(TOPIC, key, health(key, seq))
    stream.flush()


def test_records_of_one_key_arrive_in_publish_order(stream: Stream) -> None:
    publish_seq(stream, ["hg-a", "hg-b", "hg-c"], 40)
    with stream.consumer("monitor", [TOPIC]) as consumer:
        records = poll_until(consumer, 120)
    assert seqs_by_key(records) == {key: list(range(40)) for key in ("hg-a", "hg-b", "hg-c")}
    first = records[0]
    assert first.topic == TOPIC and isinstance(first.value, bytes)
    assert Envelope.decode(first.value).payload["agency_id"] == first.key
    assert len({(r.partition, r.offset) for r in records}) == 120


def test_groups_read_independently(stream: Stream) -> None:
    publish_seq(stream, ["a1", "a2"], 10)
    with stream.consumer("monitor", [TOPIC]) as one, stream.consumer("audit", [TOPIC]) as two:
        got_one = poll_until(one, 20)
        one.commit()
        got_two = poll_until(two, 20)
    assert sorted(r.offset for r in got_one) == sorted(r.offset for r in got_two)


def test_commit_then_resume_after_the_committed_records(backend: Backend, stream: Stream) -> None:
    publish_seq(stream, ["a1", "a2"], 10)
    with stream.consumer("monitor", [TOPIC]) as first:
        done = poll_until(first, 20)
        first.commit()
    publish_seq(stream, ["a1", "a2"], 5, start=10)
    with stream.consumer("monitor", [TOPIC]) as second:
        rest = poll_until(second, 10)
        assert drain_quiet(second, 0.5) == []
    assert sorted(seqs_by_key(rest)["a1"]) == list(range(10, 15))
    assert not {(r.partition, r.offset) for r in done} & {(r.partition, r.offset) for r in rest}


def test_uncommitted_records_are_redelivered(stream: Stream) -> None:
    publish_seq(stream, ["a1"], 10)
    with stream.consumer("monitor", [TOPIC]) as first:
        seen = poll_until(first, 10)  # closed without commit: a crash before the commit
    with stream.consumer("monitor", [TOPIC]) as second:
        again = poll_until(second, 10)
    assert [(r.partition, r.offset) for r in again] == [(r.partition, r.offset) for r in seen]


def test_rollback_returns_the_same_records_again(stream: Stream) -> None:
    publish_seq(stream, ["a1"], 10)
    with stream.consumer("monitor", [TOPIC]) as consumer:
        seen = poll_until(consumer, 10)
        consumer.rollback()
        again = poll_until(consumer, 10)
    assert [r.offset for r in again] == [r.offset for r in seen]


def test_stats_report_end_offsets_size_and_lag(stream: Stream) -> None:
    publish_seq(stream, ["a1", "a2"], 5)
    with stream.consumer("monitor", [TOPIC]) as consumer:
        poll_until(consumer, 10)
        consumer.commit()
    publish_seq(stream, ["a1"], 7, start=5)
    stats = {s.topic: s for s in stream.stats()}
    assert stats[TOPIC].end_offset == 17
    assert stats[TOPIC].size == 17
    assert stats[TOPIC].lag == {"monitor": 7}


def test_run_batch_handles_then_commits(stream: Stream) -> None:
    publish_seq(stream, ["a1"], 6)
    handled: list[str] = []
    total = BatchResult()
    with stream.consumer("monitor", [TOPIC]) as consumer:
        while total.consumed < 6:
            total += run_batch(consumer, stream, lambda b: handled.extend(e.id for _, e in b))
    assert len(handled) == len(set(handled)) == 6
    assert {s.topic: s.lag for s in stream.stats()}[TOPIC] == {"monitor": 0}


def test_failed_handler_commits_nothing_and_the_batch_comes_back(stream: Stream) -> None:
    publish_seq(stream, ["a1"], 5)

    def fail(batch: object) -> None:
        raise RuntimeError("database down")

    with stream.consumer("monitor", [TOPIC]) as consumer:
        poll_until(consumer, 0)
        with pytest.raises(RuntimeError):
            while True:
                run_batch(consumer, stream, fail, timeout_s=0.5)
        handled: list[int] = []
        while len(handled) < 5:
            run_batch(consumer, stream, lambda b: handled.extend(e.payload["status"] for _, e in b))
    assert handled == [0, 1, 2, 3, 4]


def test_poison_message_goes_to_dead_letter_and_consumption_goes_on(stream: Stream) -> None:
    stream.publish(TOPIC, "a1", health("a1", 0))
    poison = Envelope("source.health", 1, "bad-1", "2024-05-01T08:00:00+07:00", {"url": 5})
    stream.publish(TOPIC, "a1", poison)
    stream.publish(TOPIC, "a1", Envelope("no.such.type", 1, "bad-2", "2024-05-01T08:00:00", {}))
    stream.publish(TOPIC, "a1", health("a1", 1))
    stream.flush()
    handled: list[int] = []
    total = BatchResult()
    with stream.consumer("monitor", [TOPIC]) as consumer:
        while total.consumed + total.dead_lettered < 4:
            total += run_batch(
                consumer, stream, lambda b: handled.extend(e.payload["status"] for _, e in b)
            )
    assert handled == [0, 1] and total.dead_lettered == 2
    with stream.consumer("ops", [DEAD_LETTER]) as dead:
        letters = [Envelope.decode(r.value) for r in poll_until(dead, 2)]
    assert [letter.type for letter in letters] == ["dead.letter", "dead.letter"]
    first = letters[0].payload
    assert first["topic"] == TOPIC and first["key"] == "a1" and first["value_encoding"] == "utf-8"
    assert json.loads(first["value"])["id"] == "bad-1"
    assert first["reason"].startswith("source.health: payload lacks required field")
    assert "unknown event type" in letters[1].payload["reason"]
    assert {s.topic: s.lag for s in stream.stats()}[TOPIC] == {"monitor": 0}
