"""The monitor applies a large poll in parts, one transaction each, so that its helper process
judges the next part while one is written. A part that fails must not lose, repeat or leave
unannounced what the parts before it stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from monitor import consumer as consumer_module
from monitor.agencies import AgencyDirectory
from monitor.assessment import Fields
from monitor.consumer import MonitorConsumer
from monitor.judge import Judge
from monitor.models import ArticleRow, ClassificationRow, ProcessedEventRow
from monitor.relevance import RelevanceClassifier
from monitor.store import EventApplier, fields_of
from stream import open_stream
from stream.events import ARTICLE_STORED, ARTICLES, Envelope
from tests.monitor.test_store import AGENCIES, BODY, collected


def stored_announcements(stream) -> list[int]:
    with stream.consumer("audit", [ARTICLE_STORED]) as reader:
        records = reader.poll(max_records=1000, timeout_s=0.5)
        return [Envelope.decode(r.value).payload["article_id"] for r in records]


def test_a_failed_part_keeps_the_parts_before_it_and_the_poll_is_redelivered(
    sessions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(consumer_module, "PART_EVENTS", 5)
    stream = open_stream(f"embedded://{tmp_path / 'stream.db'}")
    events = [collected(f"https://sotp.gov.vn/p/{n}", text=f"{BODY} Bài {n}.") for n in range(12)]
    for event in events:
        stream.publish(ARTICLES, "hg-so-tu-phap", event)
    stream.flush()
    original = EventApplier.apply_batch
    failed: list[str] = []

    def failing_once(self, session, part):
        if events[7].id in {event.id for event in part} and not failed:
            failed.append(events[7].id)
            raise RuntimeError("database went away in the second part")
        return original(self, session, part)

    monkeypatch.setattr(EventApplier, "apply_batch", failing_once)
    judge = Judge(RelevanceClassifier(), AgencyDirectory(AGENCIES))
    monitor = MonitorConsumer(stream, sessions, judge, helper=False)
    with pytest.raises(RuntimeError, match="second part"):
        monitor.run(until_idle=True)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 5
    first = stored_announcements(stream)
    assert len(first) == 5  # the first part, committed, is announced despite the failure

    report = monitor.run(until_idle=True)  # the whole poll again: the first part is skipped
    monitor.close()
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 12
        assert session.scalar(select(func.count()).select_from(ClassificationRow)) == 12
        assert session.scalar(select(func.count()).select_from(ProcessedEventRow)) == 12
    assert len(report.stored) == 7
    everything = stored_announcements(stream)
    assert sorted(everything) == sorted(set(everything)) and len(everything) == 12
    stream.close()


def test_foreseen_fields_are_the_fields_the_store_judges(sessions) -> None:
    """The helper judges what ``fields_of`` makes of an event before the event is applied; the
    store then takes that judgement only for equal fields, so they must be equal, and equal to
    what reprocessing reads back from the stored row."""
    judge = Judge(RelevanceClassifier(), AgencyDirectory(AGENCIES))
    event = collected("https://sotp.gov.vn/a/1", title="Cải cách  hành chính", text=BODY,
                      source_line="Nguồn: Sở Tư pháp " + "x" * 400)  # cut when stored
    seen: list = []
    original = judge.assess_all

    def recording(fields, meanwhile=lambda: None, keys=None):
        seen.extend(fields)
        return original(fields, meanwhile, keys)

    judge.assess_all = recording
    with sessions() as session:
        EventApplier(judge).apply_batch(session, [event])
        session.commit()
        stored = session.scalars(select(ArticleRow)).one()
        assert Fields.of(stored) == fields_of(event.payload)  # what `cchc reprocess` judges
    assert seen == [fields_of(event.payload)]
