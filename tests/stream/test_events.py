"""Envelopes: round trips, and every way a poison message is caught."""

from __future__ import annotations

import json
import unicodedata

import pytest

from stream.events import BadEvent, Envelope


def article_payload(**changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "url": "https://sotuphap.hagiang.gov.vn/tin/1",
        "title": unicodedata.normalize("NFC", "Đẩy mạnh cải cách hành chính"),
        "text": "Sở Tư pháp tỉnh Hà Giang triển khai…",
        "html": "<html lang='vi'></html>",
        "published": "2024-05-02T08:30:00+07:00",
        "author": "Minh Anh",
        "source_line": "",
        "section": "Cải cách hành chính",
        "kind_hint": "tin",
        "language_hint": "vi",
        "duration_seconds": None,
        "agency_id": "hg-so-tu-phap",
        "channel_id": "hg-so-tu-phap",
        "source_id": "hg-so-tu-phap-rss",
        "fetched_at": "2024-05-02T09:00:00+07:00",
        "update": False,
    }
    payload.update(changes)
    return payload


def test_round_trip_keeps_vietnamese_text_and_fields() -> None:
    event = Envelope.new("article.collected", article_payload())
    data = event.encode()
    assert "cải cách".encode() in data  # UTF-8, not \\u escapes
    back = Envelope.decode(data)
    assert back == event
    assert back.version == 1 and len(back.id) == 32 and back.occurred_at.endswith("+00:00")


@pytest.mark.parametrize(
    ("event_type", "payload"),
    [
        ("source.health", {"source_id": "s", "agency_id": "a", "url": "u", "outcome": "timeout",
                           "status": None, "at": "2024-05-02T09:00:00Z"}),
        ("article.stored", {"article_id": 7, "canonical_url": "https://x.vn/a", "agency_id": None}),
    ],
)  # fmt: skip
def test_other_known_types_validate(event_type: str, payload: dict[str, object]) -> None:
    assert Envelope.decode(Envelope.new(event_type, payload).encode()).payload == payload


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe", "not UTF-8 JSON"),
        (b"{not json", "not UTF-8 JSON"),
        (b"[1, 2]", "not an object"),
        (b'{"type": "article.collected"}', "envelope lacks version, id, occurred_at, payload"),
    ],
)
def test_unreadable_bytes_are_bad_events(data: bytes, reason: str) -> None:
    with pytest.raises(BadEvent) as caught:
        Envelope.decode(data)
    assert reason in caught.value.reason


def envelope_bytes(**changes: object) -> bytes:
    body: dict[str, object] = {
        "type": "article.collected",
        "version": 1,
        "id": "abc",
        "occurred_at": "2024-05-02T09:00:00+00:00",
        "payload": article_payload(),
    }
    body.update(changes)
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"type": "article.deleted"}, "unknown event type/version 'article.deleted' v1"),
        ({"version": 2}, "unknown event type/version 'article.collected' v2"),
        ({"version": "1"}, "version an integer"),
        ({"id": ""}, "id must be a non-empty string"),
        ({"occurred_at": "hôm qua"}, "not an ISO-8601"),
        ({"payload": []}, "payload must be a JSON object"),
        ({"payload": article_payload(url=None)}, "field 'url' must be str"),
        ({"payload": article_payload(update="yes")}, "field 'update' must be bool"),
        (
            {"payload": article_payload(duration_seconds=True)},
            "'duration_seconds' must be int or null",
        ),
        ({"payload": article_payload(kind_hint="podcast")}, "field 'kind_hint' is 'podcast'"),
        (
            {"payload": article_payload(published="02/05/2024")},
            "'published' is '02/05/2024', not an ISO",
        ),
    ],
)
def test_invalid_envelopes_say_why(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(BadEvent) as caught:
        Envelope.decode(envelope_bytes(**changes))
    assert reason in caught.value.reason


def test_missing_required_field_is_named() -> None:
    payload = article_payload()
    del payload["agency_id"]
    with pytest.raises(BadEvent, match="lacks required field 'agency_id'"):
        Envelope.decode(envelope_bytes(payload=payload))


def test_optional_fields_may_be_absent() -> None:
    payload = article_payload()
    for name in ("html", "author", "duration_seconds", "update"):
        del payload[name]
    assert Envelope.decode(envelope_bytes(payload=payload)).payload == payload


def test_new_refuses_unknown_types_and_bad_payloads() -> None:
    with pytest.raises(BadEvent, match="unknown event type 'article.gone'"):
        Envelope.new("article.gone", {})
    with pytest.raises(BadEvent, match="lacks required field"):
        Envelope.new("source.health", {"source_id": "s"})
