"""The monitor's helper process judges part of a large batch: the stored state must be exactly
what one process stores, and a helper that dies must not lose or change anything."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.agencies import AgencyDirectory
from monitor.consumer import HELPER_BACKLOG, MonitorConsumer
from monitor.helper import Chunk, Helper
from monitor.judge import Judge
from monitor.models import ArticleRow, ClassificationRow
from monitor.relevance import RelevanceClassifier
from stream import open_stream
from stream.events import ARTICLES
from tests.monitor.test_store import AGENCIES, BODY, collected

OTHER = ("Mùa hoa tam giác mạch nở rộ trên cao nguyên đá, du khách về Đồng Văn đông kỷ lục; "
         "người dân bán nông sản, homestay kín phòng suốt tuần lễ hội văn hoá vùng cao. ")


def stored_state(tmp_path: Path, name: str, *, helper: bool, kill_helper: bool = False) -> list:
    from monitor.database import open_database

    judge = Judge(RelevanceClassifier(), AgencyDirectory(AGENCIES))
    if helper:  # started now, so that it can be killed before the first batch
        judge._helper = Helper(judge.classifier, judge.directory)
        deadline = time.monotonic() + 60
        while judge.helper_starting() and time.monotonic() < deadline:
            time.sleep(0.05)  # until ready, articles are judged here, not by the helper
    if kill_helper:
        os.kill(next(iter(judge._helper._pool._processes)), signal.SIGKILL)
    sessions = open_database(f"sqlite:///{tmp_path / (name + '.db')}")
    stream = open_stream(f"embedded://{tmp_path / (name + '-stream.db')}")
    for n in range(HELPER_BACKLOG + 40):
        text = (BODY if n % 3 else OTHER) + f" Bài số {n}, tuần {n % 52}."
        title = "Cải cách thủ tục hành chính" if n % 3 else "Hoa tam giác mạch nở rộ"
        stream.publish(ARTICLES, "hg-so-tu-phap", collected(
            f"https://sotp.gov.vn/a/{n}", title=title, text=text, html=f"<p>{n}</p>"))
    stream.flush()
    consumer = MonitorConsumer(stream, sessions, judge, helper=helper)
    assert len(consumer.run(until_idle=True).stored) == HELPER_BACKLOG + 40
    consumer.close()
    stream.close()
    with sessions() as session:
        rows = session.execute(select(
            ArticleRow.canonical_url, ArticleRow.kind, ArticleRow.language, ArticleRow.agency_id,
            ArticleRow.simhash, ClassificationRow.cchc, ClassificationRow.score,
            ClassificationRow.evidence).join(ClassificationRow).order_by(ArticleRow.canonical_url))
        return [tuple(row) for row in rows]


def test_helper_gives_exactly_the_one_process_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = stored_state(tmp_path, "alone", helper=False)
    by_helper: list[int] = []
    original = Chunk.wait

    def counting(self: Chunk):
        if self.assessments is None:  # not judged here: the helper's result
            by_helper.append(len(self.fields))
        return original(self)

    monkeypatch.setattr(Chunk, "wait", counting)
    shared = stored_state(tmp_path, "shared", helper=True)
    assert sum(by_helper) > 0  # the helper judged part of the batch
    assert shared == alone and len(alone) == HELPER_BACKLOG + 40
    assert any(row[5] for row in alone) and not all(row[5] for row in alone)


def test_a_killed_helper_falls_back_to_judging_here(tmp_path: Path) -> None:
    alone = stored_state(tmp_path, "alone", helper=False)
    assert stored_state(tmp_path, "killed", helper=True, kill_helper=True) == alone


def test_the_consumer_starts_its_helper_beside_other_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``cchc run`` keeps scheduler and rules threads, and the embedded stream its flusher: the
    helper is still started for a backlog (spawned, so no lock of theirs is copied) and used."""
    from monitor.database import open_database

    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()  # like the scheduler's thread
    judge = Judge(RelevanceClassifier(), AgencyDirectory(AGENCIES))
    used: list[int] = []
    original = Helper.submit

    def counting(self: Helper, fields):
        chunks = original(self, fields)
        used.append(len(fields) if chunks else 0)
        return chunks

    stream = open_stream(f"embedded://{tmp_path / 'stream.db'}")

    def backlog(folder: str) -> None:
        for n in range(HELPER_BACKLOG + 10):
            stream.publish(ARTICLES, "hg-so-tu-phap", collected(
                f"https://sotp.gov.vn/{folder}/{n}", title="Cải cách thủ tục hành chính",
                text=f"{BODY} {folder} {n}"))
        stream.flush()

    consumer = MonitorConsumer(stream, open_database(f"sqlite:///{tmp_path / 'c.db'}"), judge,
                               helper=True)  # fmt: skip
    monkeypatch.setattr(Helper, "submit", counting)
    try:
        backlog("b")  # starts the helper; judged here while it starts
        assert len(consumer.run(until_idle=True).stored) == HELPER_BACKLOG + 10
        deadline = time.monotonic() + 60
        while judge.helper_starting() and time.monotonic() < deadline:
            time.sleep(0.05)
        backlog("c")  # the next backlog is shared with the ready helper
        assert len(consumer.run(until_idle=True).stored) == HELPER_BACKLOG + 10
    finally:
        consumer.close()
        stream.close()
        stop.set()
    assert threading.active_count() > 1 and sum(used) == HELPER_BACKLOG + 10
