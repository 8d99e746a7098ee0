"""Fault 5: an agency's site could not be read for half a quarter.

Q1 2024 has 91 days. An agency whose source failed on 46 of them (and was read again later) and
that published 2 of the 5 required articles is ``unknown`` for Q1, with the reason — never a
``shortfall`` we cannot prove. With 45 days down the same 2 articles are a ``shortfall``.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from stream import open_stream
from stream.events import SOURCE_HEALTH, Envelope
from tests.faults.articles import article, publish
from tests.faults.helpers import Home

Q1 = date(2024, 1, 1)
DOWN_HALF, DOWN_LESS = "hg-huyen-vi-xuyen", "hg-huyen-dong-van"


def health(agency: str, day: date, ok: bool) -> Envelope:
    return Envelope.new("source.health", {
        "source_id": f"{agency}-web", "agency_id": agency, "url": f"https://{agency}.example/",
        "outcome": "ok" if ok else "http_error", "status": 200 if ok else 503,
        "detail": "" if ok else "HTTP 503 Service Unavailable",
        "at": datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC).isoformat(),
    })  # fmt: skip


def events_for(agency: str, down_days: int, rng: random.Random, serial: int) -> list[Envelope]:
    """Failures on the first ``down_days`` days of Q1, a good read on every other day of Q1 and
    in April, and two CCHC articles in Q1."""
    days = [Q1 + timedelta(days=i) for i in range(91)]
    found = [health(agency, day, ok=i >= down_days) for i, day in enumerate(days)]
    found.append(health(agency, date(2024, 4, 2), ok=True))
    found += [article(rng, serial + i, agency, date(2024, 3, 10 + i)) for i in range(2)]
    return found


@pytest.mark.slow
def test_half_a_quarter_down_is_unknown_never_shortfall(tmp_path: Path) -> None:
    home = Home.make(tmp_path, f"sqlite:///{tmp_path / 'cchc.db'}")
    rng = random.Random(5)
    stream = open_stream(home.stream_url)
    for agency, down in ((DOWN_HALF, 46), (DOWN_LESS, 45)):
        for event in events_for(agency, down, rng, 100 if down == 46 else 200):
            if event.type == "source.health":
                stream.publish(SOURCE_HEALTH, agency, event)
            else:
                publish(stream, [event])
    stream.flush()
    stream.close()
    done = home.run("consume", "--until-idle")
    assert done.returncode == 0, done.stderr

    shown = home.run("evaluate", "--plan", str(home.path / "plans" / "ha-giang-2024.yaml"),
                     "--as-of", "2024-07-01", "--format", "json")  # fmt: skip
    verdicts = {(v["rule"], v["agency"], v["period"]): v for v in json.loads(shown.stdout)}
    half = verdicts[("hg-03-tin-bai-quy", DOWN_HALF, "2024-Q1")]
    less = verdicts[("hg-03-tin-bai-quy", DOWN_LESS, "2024-Q1")]
    assert (half["count"], half["status"]) == (2, "unknown"), half
    assert "46/91 ngày" in half["reason"], half["reason"]
    assert (less["count"], less["status"]) == (2, "shortfall"), less
    assert less["needed"] == 3
    # Q2: read every day since April, nothing published: a shortfall for both
    for agency in (DOWN_HALF, DOWN_LESS):
        assert verdicts[("hg-03-tin-bai-quy", agency, "2024-Q2")]["status"] == "shortfall"
    assert shown.returncode == 1  # a shortfall was found
