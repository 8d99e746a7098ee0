"""The scheduled jobs of ``cchc run``, as importable module-level functions.

APScheduler's persistent job store keeps references ("cchc.jobs:weekly_digests_job"), so each
job opens its own settings from ``config`` (the --config file, or the environment).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from cchc.context import AppContext
from cchc.settings import Settings

log = logging.getLogger(__name__)


def _app(config: str | None) -> AppContext:
    return AppContext(Settings.load(Path(config) if config else None))


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def _today(app: AppContext) -> date:
    return today_in(app.settings.timezone)


def crawl_job(config: str | None = None, crawl: bool = True, **_: object) -> None:
    from cchc.commands.crawl import crawl_once

    app = _app(config)
    if not crawl or app.settings.sources_file is None:
        log.info("crawl job: crawling is off or no CCHC_SOURCES_FILE; nothing to do")
        return
    try:
        log.info("crawl job: %s", crawl_once(app, app.settings.sources_file))
    finally:
        app.close()


def evaluate_job(config: str | None = None, **_: object) -> None:
    from cchc.commands.evaluate import run_evaluation

    app = _app(config)
    try:
        verdicts = run_evaluation(app, None, _today(app))
        log.info("evaluate job: %d verdicts stored", len(verdicts))
    finally:
        app.close()


def weekly_digests_job(config: str | None = None, **_: object) -> None:
    """Agency digests and the Sở Nội vụ overview; the ledger makes a second call a no-op, so
    the separate overview slot only catches what the first one could not send."""
    app = _app(config)
    try:
        report = send_weekly(app, _today(app), outbox_dir=None)
        log.info("weekly digests: %s", report.summary())
    finally:
        app.close()


def retry_digests_job(config: str | None = None, **_: object) -> None:
    """This week's digests that could not be sent (SMTP down on Monday) are sent again; the
    ledger skips every one already delivered."""
    from notifier.digests import week_key
    from notifier.ledger import pending_retries

    app = _app(config)
    try:
        today = _today(app)
        with app.sessions() as session:
            waiting = pending_retries(session, week_key(today))
        if waiting:
            report = send_weekly(app, today, outbox_dir=None)
            log.info("digest retries (%d waiting): %s", waiting, report.summary())
    finally:
        app.close()


def reminders_job(config: str | None = None, **_: object) -> None:
    from notifier.digests import notify_reminders

    app = _app(config)
    try:
        as_of = _today(app)
        verdicts, plans = current_verdicts(app, as_of)
        with app.sessions() as session:
            report = notify_reminders(session, verdicts, _roster(plans, session), as_of=as_of,
                                      smtp_url=app.settings.smtp_url,
                                      outbox_dir=None if app.settings.smtp_url else app.settings.outbox_dir,
                                      sender=app.settings.mail_from)
            session.commit()
        log.info("reminders: %s", report.summary())
    finally:
        app.close()


def current_verdicts(app: AppContext, as_of: date) -> tuple[list[dict], list]:
    from cchc.commands.evaluate import run_evaluation

    plans = app.plans()
    return run_evaluation(app, None, as_of), plans


def send_weekly(app: AppContext, as_of: date, *, outbox_dir: Path | None, dry_run: bool = False):
    """Evaluate as of ``as_of`` (and a week earlier, for the change column) and send digests."""
    from cchc.commands.evaluate import run_evaluation
    from notifier.digests import notify

    verdicts, plans = current_verdicts(app, as_of)
    previous = run_evaluation(app, None, as_of - timedelta(days=7))
    smtp_url = None if dry_run else app.settings.smtp_url
    outbox = outbox_dir or (None if smtp_url else app.settings.outbox_dir)
    with app.sessions() as session:
        roster = _roster(plans, session)
        report = notify(None if dry_run else session, plans, verdicts, roster,
                        as_of=as_of, smtp_url=smtp_url, outbox_dir=outbox,
                        sender=app.settings.mail_from, prev_verdicts=previous)
        session.commit()
    return report


def _roster(plans: list, session: Session) -> list:
    """Every plan's agencies, with the e-mail addresses of the plan and the source registry."""
    from dataclasses import replace

    from monitor.agencies import load_agencies

    known = {agency.id: agency for agency in load_agencies(session)}
    seen: dict[str, object] = {}
    for plan in plans:
        for agency in plan.agencies:
            stored = known.get(agency.id)
            emails = tuple(dict.fromkeys((*agency.emails, *(stored.emails if stored else ()))))
            seen.setdefault(agency.id, replace(agency, emails=emails))
    return list(seen.values())
