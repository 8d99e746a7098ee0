"""Render and send 1,000 agency digests to a local aiosmtpd server, against a baseline.

    python bench/digest_bench.py [--json] [--n 1000]

digests_1000_s: build (Jinja2 HTML + text, MIME) and deliver 1,000 digests through
notifier.delivery.deliver (ledger in a temporary SQLite database opened like the app opens it,
monitor.database.open_database; one SMTP connection per batch).
baseline_plain_1000_s: send the same number of pre-rendered plain-text messages with smtplib over
one connection, no rendering and no ledger. ratio = digests / baseline. Goal: digests_1000_s < 30.
"""

from __future__ import annotations

import argparse
import json
import smtplib
import socket
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from monitor.database import open_database
from notifier.delivery import Outgoing, deliver
from notifier.digests import week_key
from notifier.messages import build_agency_digest
from notifier.render import make_env
from notifier.sample import AS_OF, sample_previous, sample_verdicts
from rules.model import Agency

SENDER = "CCHC Monitor <cchc@sonoivu.hagiang.gov.vn>"


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def agencies(n: int) -> list[Agency]:
    return [
        Agency(
            id=f"hg-co-quan-{i:04d}",
            name=f"Cơ quan số {i} tỉnh Hà Giang",
            kind="so",
            emails=(f"coquan{i}@hagiang.gov.vn",),
        )
        for i in range(n)
    ]


def run_digests(n: int, port: int, folder: Path) -> tuple[float, float]:
    sessions = open_database(f"sqlite:///{folder / 'cchc.db'}")  # the app's own engine settings
    env = make_env()
    start = time.perf_counter()
    messages = []
    for agency in agencies(n):
        msg = build_agency_digest(
            agency,
            sample_verdicts(agency),
            as_of=AS_OF,
            sender=SENDER,
            prev_verdicts=sample_previous(agency),
            env=env,
        )
        messages.append(
            Outgoing(agency.emails, "agency_weekly", week_key(AS_OF), msg, key=agency.id)
        )
    rendered = time.perf_counter() - start
    with sessions() as session:
        report = deliver(
            messages, session=session, smtp_url=f"smtp://127.0.0.1:{port}", outbox_dir=None
        )
    total = time.perf_counter() - start
    sessions.kw["bind"].dispose()
    if len(report.sent) != n:
        sys.exit(f"only {len(report.sent)} of {n} digests were sent: {report.summary()}")
    return total, rendered


def run_baseline(n: int, port: int) -> float:
    plain = []
    for i in range(n):
        msg = EmailMessage()
        msg["Subject"], msg["From"] = f"Bao cao {i}", "cchc@sonoivu.hagiang.gov.vn"
        msg["To"] = f"coquan{i}@hagiang.gov.vn"
        msg.set_content("Tinh hinh tuyen truyen CCHC.\n" * 40)
        plain.append(msg)
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for msg in plain:
            client.send_message(msg)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description="notifier digest benchmark")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    handler = Counter()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            digests_s, render_s = run_digests(args.n, controller.port, Path(tmp))
        baseline_s = run_baseline(args.n, controller.port)
    finally:
        controller.stop()
    if handler.count != 2 * args.n:
        sys.exit(f"server received {handler.count} messages, expected {2 * args.n}")
    result = {
        "digests_n": args.n,
        "digests_1000_s": round(digests_s * 1000 / args.n, 3),
        "digests_render_1000_s": round(render_s * 1000 / args.n, 3),
        "baseline_plain_1000_s": round(baseline_s * 1000 / args.n, 3),
        "digests_ratio_to_plain": round(digests_s / baseline_s, 2),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"digests_1000_s          {result['digests_1000_s']:8.3f}  (goal < 30 s; "
        "render + MIME + ledger + SMTP)"
    )
    print(
        f"digests_render_1000_s   {result['digests_render_1000_s']:8.3f}  (of which: render + MIME)"
    )
    print(
        f"baseline_plain_1000_s   {result['baseline_plain_1000_s']:8.3f}  "
        "(pre-rendered plain messages, smtplib, one connection)"
    )
    print(f"ratio                   {result['digests_ratio_to_plain']:8.2f}")


if __name__ == "__main__":
    main()
