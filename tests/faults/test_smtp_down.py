"""Fault 4: the mail server is down when the weekly digests go out.

``cchc notify`` against a closed port must fail loudly (non-zero exit, the server and the cause
named) and leave every ledger row ``failed``; with aiosmtpd listening on that port the next run
delivers each digest exactly once, and a third run sends nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from stream import open_stream
from tests.faults.articles import article_events, publish
from tests.faults.helpers import Home
from tests.notifier.conftest import SmtpServer

AS_OF = "2024-08-15"


def ledger(database_url: str) -> Counter[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as db:
            rows = db.execute(text("SELECT status FROM notifications")).scalars().all()
    finally:
        engine.dispose()
    return Counter(rows)


@pytest.mark.slow
def test_digests_wait_for_the_mail_server_and_go_out_once(tmp_path: Path) -> None:
    server = SmtpServer()
    url = f"smtp://127.0.0.1:{server.port}"
    home = Home.make(tmp_path, f"sqlite:///{tmp_path / 'cchc.db'}", CCHC_SMTP_URL=url)
    stream = open_stream(home.stream_url)
    publish(stream, article_events(60))
    stream.close()
    assert home.run("consume", "--until-idle").returncode == 0

    down = home.run("notify", "--as-of", AS_OF)
    assert down.returncode == 1, down.stdout
    assert url in down.stderr and "Connection refused" in down.stderr
    failed = ledger(home.database_url)
    assert set(failed) == {"failed"} and failed["failed"] > 20, failed
    digests = failed["failed"]
    assert f"lỗi {digests}" in down.stdout

    server.start()
    try:
        up = home.run("notify", "--as-of", AS_OF)
        assert up.returncode == 0, up.stderr
        assert ledger(home.database_url) == Counter(sent=digests)
        received = list(server.inbox.received)
        assert len(received) == digests
        ids = {r.message["Message-ID"] for r in received}
        assert len(ids) == digests
        # one digest per agency, and Sở Nội vụ also gets the overview: no pair twice
        pairs = Counter((tuple(r.rcpt_tos), r.message["Subject"]) for r in received)
        assert len(pairs) == digests, pairs

        again = home.run("notify", "--as-of", AS_OF)
        assert again.returncode == 0, again.stderr
        assert len(server.inbox.received) == digests
        assert f"bỏ qua (đã gửi trước) {digests}" in again.stdout
    finally:
        server.stop()
    print(f"smtp down: {digests} digests failed, then delivered once, third run sent 0")
