"""The outbox keeps order across reopen and deletes only what was delivered."""

from __future__ import annotations

from pathlib import Path

from stream.outbox import Outbox, Row


def test_partial_delivery_keeps_the_rest_in_order_across_a_restart(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox.db", batch=4)
    box.add([("articles", f"k{i % 2}", f"v{i}".encode()) for i in range(10)])
    delivered: list[Row] = []

    def two_then_fail(rows: list[Row]) -> int:
        delivered.extend(rows[:2])
        return 2

    assert box.drain(two_then_fail) is False
    assert box.pending == 8
    box.close()

    box = Outbox(tmp_path / "outbox.db", batch=4)
    assert box.pending == 8

    def all_of_them(rows: list[Row]) -> int:
        delivered.extend(rows)
        return len(rows)

    assert box.drain(all_of_them) is True
    assert [value for _, _, value in delivered] == [f"v{i}".encode() for i in range(10)]
    assert box.pending == 0 and box.sent == 8
    assert box.drain(all_of_them) is True and len(delivered) == 10  # nothing sent twice
    box.close()
