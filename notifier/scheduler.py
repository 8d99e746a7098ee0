"""APScheduler 3.x jobs of the notifier: crawl, evaluate, weekly digests, overview, reminders.

Jobs live in a persistent SQLAlchemy job store, so they are stored as textual references
("module:function"): the callables the lead wires in must be importable module-level functions.

Downtime: every job has ``coalesce=True`` and a ``misfire_grace_time`` of one period of its own
cadence (a week for the weekly digests). When the notifier comes back after missing one or many
runs, the job runs ONCE, then returns to its cadence. Re-registering the jobs at start-up keeps a
stored run time that is already due (APScheduler's ``replace_existing`` alone would push it to the
next slot and the missed digest would never go out).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.util import obj_to_ref, ref_to_obj

log = logging.getLogger(__name__)

JobRef = str | Callable[..., Any]

JOB_TITLES = {
    "crawl": "Thu thập tin bài từ các nguồn",
    "evaluate": "Đánh giá chỉ tiêu",
    "agency_digests": "Báo cáo tuần gửi các cơ quan",
    "overview": "Báo cáo tổng hợp tuần gửi Sở Nội vụ",
    "reminders": "Kiểm tra hạn và gửi nhắc hạn",
    "retries": "Gửi lại các báo cáo tuần chưa gửi được",
}


@dataclass(frozen=True)
class JobCallables:
    """What each job runs: "module:function" or an importable module-level function."""

    crawl: JobRef
    evaluate: JobRef
    agency_digests: JobRef
    overview: JobRef
    reminders: JobRef
    kwargs: Mapping[str, Any] = field(default_factory=dict)  # given to every job; picklable
    retries: JobRef | None = None  # re-sends this week's digests that failed (ledger: no doubles)


@dataclass(frozen=True)
class Cadence:
    """Crontab lines (minute hour day month day-of-week), in the scheduler's timezone."""

    crawl: str = "15 */6 * * *"
    evaluate: str = "45 * * * *"  # evaluations are at most an hour old when digests go out
    agency_digests: str = "30 7 * * mon"
    overview: str = "0 8 * * mon"
    reminders: str = "0 7 * * *"
    retries: str = "20 * * * *"  # a digest that failed on Monday is retried hourly that week


def _ref(name: str, target: JobRef) -> str:
    """A textual reference that the job store can keep; a clear error for lambdas and typos."""
    try:
        ref = target if isinstance(target, str) else obj_to_ref(target)
        ref_to_obj(ref)
    except (ValueError, LookupError, TypeError) as exc:
        raise ValueError(
            f"Công việc {name!r}: {target!r} không dùng được trong lịch chạy ({exc}). Hãy truyền "
            "một hàm cấp module nhập được, dạng 'goi.module:ten_ham'."
        ) from None
    return ref


def _trigger(name: str, crontab: str, tz: ZoneInfo) -> CronTrigger:
    try:
        return CronTrigger.from_crontab(crontab, timezone=tz)
    except ValueError as exc:
        raise ValueError(f"Lịch của {name!r} không hợp lệ: {crontab!r} ({exc}).") from None


def _period_seconds(trigger: CronTrigger, tz: ZoneInfo) -> int:
    """Length of one period of a cron cadence: the gap between two consecutive fire times."""
    first = trigger.get_next_fire_time(None, datetime.now(tz))
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    return int((second - first).total_seconds()) if first and second else 86400


def _stored_runs(jobstore_url: str, scheduler: BaseScheduler) -> dict[str, datetime | None]:
    """Next run times already in the job store (None = paused), read before re-registering."""
    reader = SQLAlchemyJobStore(url=jobstore_url)
    reader.start(scheduler, "default")
    try:
        return {job.id: job.next_run_time for job in reader.get_all_jobs()}
    finally:
        reader.shutdown()


def build_scheduler(
    jobstore_url: str,
    jobs: JobCallables,
    *,
    timezone: str = "Asia/Ho_Chi_Minh",
    cadence: Cadence = Cadence(),
    blocking: bool = False,
) -> BaseScheduler:
    """A scheduler (not started) with the five jobs registered in the persistent job store."""
    tz = ZoneInfo(timezone)
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(url=jobstore_url)},
        executors={"default": ThreadPoolExecutor(2)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=tz,
    )
    stored = _stored_runs(jobstore_url, scheduler)
    now = datetime.now(tz)
    for spec in fields(Cadence):
        name = spec.name
        if getattr(jobs, name) is None:
            continue
        trigger = _trigger(name, getattr(cadence, name), tz)
        extra: dict[str, Any] = {}
        if name in stored and (stored[name] is None or stored[name] <= now):
            extra["next_run_time"] = stored[name]  # paused stays paused; due stays due
            log.info("job %s keeps its stored run time %s", name, stored[name])
        scheduler.add_job(
            _ref(name, getattr(jobs, name)),
            trigger,
            id=name,
            name=JOB_TITLES[name],
            kwargs=dict(jobs.kwargs),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=_period_seconds(trigger, tz),
            replace_existing=True,
            **extra,
        )
    return scheduler


def describe_next_runs(
    scheduler: BaseScheduler, *, now: datetime | None = None
) -> list[tuple[str, datetime]]:
    """(job id, next run) for ``cchc schedule list``, soonest first; paused jobs are left out.

    Works on a scheduler that is not started: jobs then have no run time yet, so it is computed
    from the trigger and ``now`` (a fixed ``now`` gives reproducible output).
    """
    moment = now or datetime.now(scheduler.timezone)
    runs = [(job.id, _next_run(job, moment)) for job in scheduler.get_jobs()]
    return sorted(((i, t) for i, t in runs if t is not None), key=lambda r: r[1])


def _next_run(job: Job, now: datetime) -> datetime | None:
    if hasattr(job, "next_run_time"):
        return job.next_run_time
    return job.trigger.get_next_fire_time(None, now)
