"""Realistic ``article.collected`` events for the fault tests, made deterministically from the
demo's Vietnamese paragraph bank (CCHC topics and "other" topics that must not count)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import yaml

from stream.abc import Stream
from stream.events import ARTICLES, Envelope

BANK = Path(__file__).resolve().parents[2] / "cchc" / "demo" / "sites" / "_content" / "paragraphs.yaml"
# (agency id in plans/ha-giang-2024.yaml, its site, name, weight) — departments and districts
# under rule hg-03 (5 a quarter); the weights leave the last few short in some quarters.
AGENCIES = (
    ("hg-so-tu-phap", "sotuphap.hagiang.gov.vn", "Sở Tư pháp", 30),
    ("hg-so-noi-vu", "sonoivu.hagiang.gov.vn", "Sở Nội vụ", 25),
    ("hg-so-y-te", "soyte.hagiang.gov.vn", "Sở Y tế", 15),
    ("hg-so-tai-chinh", "sotaichinh.hagiang.gov.vn", "Sở Tài chính", 10),
    ("hg-huyen-bac-quang", "bacquang.hagiang.gov.vn", "UBND huyện Bắc Quang", 8),
    ("hg-huyen-vi-xuyen", "vixuyen.hagiang.gov.vn", "UBND huyện Vị Xuyên", 6),
    ("hg-huyen-dong-van", "dongvan.hagiang.gov.vn", "UBND huyện Đồng Văn", 4),
    ("hg-huyen-meo-vac", "meovac.hagiang.gov.vn", "UBND huyện Mèo Vạc", 2),
)
PLACES = ("xã Việt Vinh", "thị trấn Việt Quang", "xã Tân Quang", "xã Lũng Cú", "xã Thanh Thủy")
PERSONS = ("Nguyễn Văn Hùng", "Lò Thị Mai", "Vàng Mí Sính", "Hoàng Văn Thắng", "Đặng Thị Hoa")
YEAR_START = date(2024, 1, 1)


@cache
def _bank() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    data = yaml.safe_load(BANK.read_text(encoding="utf-8"))
    return data["cchc"], data["other"]


def _fill(text: str, rng: random.Random, unit: str, serial: int) -> str:
    slots = {
        "unit": unit, "place": rng.choice(PLACES), "person": rng.choice(PERSONS),
        "n": rng.randint(20, 300), "n2": rng.randint(100, 5000), "big": 1000 + serial * 37,
        "pct": rng.randint(60, 99), "month": rng.randint(1, 9), "small": rng.randint(2, 9),
        "small2": rng.randint(2, 9),
    }  # fmt: skip
    for name, value in slots.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def article_events(count: int, seed: int = 2024) -> list[Envelope]:
    """``count`` distinct articles over 2024-01-01..2024-09-30, about 3 in 4 of them on CCHC.

    Each body mixes sentences of several paragraphs of one topic in a seeded order, with a lead
    naming the agency and a serial number, so no two bodies are near-duplicates.
    """
    rng = random.Random(seed)
    events = []
    for serial in range(count):
        agency = rng.choices(AGENCIES, weights=[a[3] for a in AGENCIES])[0]
        cchc = rng.random() < 0.75
        day = YEAR_START + timedelta(days=rng.randint(0, 273))
        events.append(article(rng, serial, agency[0], day, cchc=cchc))
    return events


def article(rng: random.Random, serial: int, agency_id: str, day: date, *,
            cchc: bool = True) -> Envelope:  # fmt: skip
    """One article of ``agency_id`` published on ``day``, on a CCHC topic or not."""
    _, host, unit, _ = next(a for a in AGENCIES if a[0] == agency_id)
    cchc_bank, other_bank = _bank()
    topics = cchc_bank if cchc else other_bank
    topic = rng.choice(sorted(topics))
    sentences = [s.strip() + "." for p in topics[topic] for s in p.split(". ") if s.strip()]
    rng.shuffle(sentences)
    lead = f"Bài số {serial}: {unit} thông tin về {topic.replace('_', ' ')} (mã {serial:04d})."
    body = [lead] + [_fill(s, rng, unit, serial) for s in sentences[:7]]
    published = datetime(day.year, day.month, day.day, 3, rng.randint(0, 59), tzinfo=UTC)
    return Envelope.new("article.collected", {
        "url": f"https://{host}/tin-tuc/{topic.replace('_', '-')}-{serial:04d}.html",
        "title": body[1][:90].rstrip(".") + f" ({serial})",
        "text": "\n".join(body),
        "html": f"<html><body><h1>{unit}</h1><p>{'</p><p>'.join(body)}</p></body></html>",
        "published": published.isoformat(), "author": rng.choice(PERSONS),
        "source_line": "", "section": "Tin tức", "kind_hint": "tin", "language_hint": "vi",
        "duration_seconds": None, "agency_id": agency_id, "channel_id": agency_id,
        "source_id": f"{agency_id}-web", "fetched_at": "2024-10-01T00:00:00+00:00",
        "update": False,
    })  # fmt: skip


def sources_yaml() -> str:
    """A registry naming one feed per agency above, so they count as monitored (a missing
    quota is then a shortfall, not "unknown: no source")."""
    lines = ["agencies:"]
    for agency, host, unit, _ in AGENCIES:
        lines += [f"  - id: {agency}", f"    name: {unit} tỉnh Hà Giang", "    sources:",
                  f"      - {{id: {agency}-web, kind: feed, url: 'https://{host}/rss.xml'}}"]
    return "\n".join(lines) + "\n"


def publish(stream: Stream, events: list[Envelope]) -> None:
    for event in events:
        stream.publish(ARTICLES, event.payload["agency_id"], event)
    stream.flush()
