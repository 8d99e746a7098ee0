"""Dead letters keep what the poison message held, readable or not."""

from __future__ import annotations

import base64

from stream.abc import Record
from stream.consume import dead_letter
from stream.events import Envelope


def test_binary_values_are_kept_as_base64() -> None:
    record = Record("articles", 2, 41, "hg-so-tu-phap", b"\x00\xffgarbage")
    letter = Envelope.decode(dead_letter(record, "not UTF-8 JSON").encode())
    assert letter.type == "dead.letter"
    assert letter.payload["value_encoding"] == "base64"
    assert base64.b64decode(letter.payload["value"]) == b"\x00\xffgarbage"
    assert (letter.payload["topic"], letter.payload["partition"], letter.payload["offset"]) == (
        "articles",
        2,
        41,
    )
    assert letter.payload["reason"] == "not UTF-8 JSON"
