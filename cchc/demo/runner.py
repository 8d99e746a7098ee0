"""``cchc demo``: the whole pipeline, offline, on embedded defaults.

Sample sites are served on 127.0.0.1, crawled with the real spiders, passed through the embedded
event stream, judged and stored by the monitor, evaluated against the Hà Giang 2024 plan, and
reported as digest e-mails in an outbox folder.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from rich.console import Console

from cchc.commands.crawl import describe
from cchc.commands.evaluate import run_evaluation
from cchc.context import AppContext
from cchc.demo.server import serve_sites
from cchc.report import print_table, status_counts, to_json
from cchc.settings import REPO_ROOT, Settings

DEFAULT_AS_OF = date(2024, 8, 15)
PLAN_FILE = REPO_ROOT / "plans" / "ha-giang-2024.yaml"
SOURCES_TEMPLATE = Path(__file__).with_name("sources.yaml")
DEMO_RULES = ("hg-03-tin-bai-quy", "hg-08-tieng-dan-toc", "hg-09-trao-doi-ban-doc")
# The sample sites are our own server on loopback: politeness delays would only slow the demo.
# Real sources keep the defaults of crawlers/settings.py (robots.txt, AutoThrottle, delays).
# No sample site is slow on purpose (the slow page is only requested by crawler tests), so the
# timeout is the production one: a loaded machine must not turn a busy local server into a
# "timeout" health record and lost articles (seen once in CI: 5 s was too short under load).
LOOPBACK_CRAWL = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                  "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "DOWNLOAD_TIMEOUT": 30, "RETRY_TIMES": 0,
                  "LOG_LEVEL": "ERROR"}
_OWN_FILES = ("cchc.db", "cchc.db-wal", "cchc.db-shm", "stream.db", "stream.db-wal",
              "stream.db-shm", "outbox-cli.db", "outbox-crawler.db", "evaluation.json", "sources.yaml")
_OWN_DIRS = ("outbox", "crawl-state")


@dataclass(frozen=True)
class DemoResult:
    workdir: Path
    verdicts: list[dict]
    emails: list[Path]


def run_demo(workdir: Path, as_of: date, *, settings: Settings, console: Console) -> DemoResult:
    workdir = workdir.resolve()
    _reset(workdir)
    app = AppContext(replace(Settings.for_home(workdir), smtp_url=settings.smtp_url,
                             mail_from=settings.mail_from, plans_dir=PLAN_FILE.parent))
    try:
        with _step(console, "Phục vụ các trang mẫu trên 127.0.0.1"), serve_sites() as server:
            registry = _write_registry(workdir, server.base_url)
            console.print(f"  [dim]{server.base_url} — {len(registry.sources)} nguồn của "
                          f"{len(registry.agencies)} cơ quan[/dim]")
            app.sync_directory(registry)
            with _step(console, "Thu thập bằng Scrapy (feedparser cho RSS)"):
                crawl = _crawl(registry, app, workdir)
            console.print(f"  [dim]{describe(crawl)}[/dim]")
        with _step(console, "Giám sát: khử trùng lặp, phân loại, quy cơ quan, lưu SQLite"):
            stored = app.drain_if_embedded()
        console.print(f"  [dim]{stored} bài được lưu[/dim]")
        with _step(console, f"Đánh giá kế hoạch Hà Giang 2024 đến {as_of:%d/%m/%Y}"):
            verdicts = run_evaluation(app, [PLAN_FILE], as_of)
            (workdir / "evaluation.json").write_text(to_json(verdicts), encoding="utf-8")
        with _step(console, "Soạn email tổng hợp cho từng cơ quan và Sở Nội vụ"):
            emails = _notify(app, verdicts, as_of)
    finally:
        app.close()
    monitored = {source.agency_id for source in registry.sources}
    shown = [v for v in verdicts
             if v["rule"] in DEMO_RULES and (v["agency"] in monitored or v["count"])]
    print_table(shown, title=f"Hà Giang 2024 — đến hết ngày {as_of:%d/%m/%Y}", console=console)
    console.print(f"Tất cả {len(verdicts)} kết luận: {status_counts(verdicts)}")
    console.print(f"Kết quả: {workdir / 'evaluation.json'}; email: {workdir / 'outbox'} "
                  f"({len(emails)} thư); CSDL: {workdir / 'cchc.db'}")
    return DemoResult(workdir, verdicts, emails)


def _reset(workdir: Path) -> None:
    """Start from nothing, touching only what the demo itself writes."""
    workdir.mkdir(parents=True, exist_ok=True)
    for name in _OWN_FILES:
        (workdir / name).unlink(missing_ok=True)
    for name in _OWN_DIRS:
        shutil.rmtree(workdir / name, ignore_errors=True)


def _write_registry(workdir: Path, base_url: str):
    from crawlers.registry import load_registry

    text = SOURCES_TEMPLATE.read_text(encoding="utf-8").replace("{base}", base_url)
    path = workdir / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return load_registry(path)


def _crawl(registry, app: AppContext, workdir: Path):
    from crawlers.run import run_crawl

    return run_crawl(registry, app.settings.stream_url, state_dir=workdir / "crawl-state",
                     settings={**LOOPBACK_CRAWL,
                               "CCHC_STREAM_OUTBOX": str(app.outbox_path("crawler"))})


def _notify(app: AppContext, verdicts: list[dict], as_of: date) -> list[Path]:
    from notifier.digests import notify

    plans = app.plans([PLAN_FILE])
    with app.sessions() as session:
        notify(session, plans, verdicts, plans[0].agencies, as_of=as_of,
               smtp_url=app.settings.smtp_url, outbox_dir=app.settings.outbox_dir,
               sender=app.settings.mail_from)
        session.commit()
    return sorted(app.settings.outbox_dir.glob("*.eml"))


@contextmanager
def _step(console: Console, label: str) -> Iterator[None]:
    started = time.monotonic()
    with console.status(label):
        yield
    console.print(f"[green]✓[/green] {label} [dim]({time.monotonic() - started:.1f} s)[/dim]")


