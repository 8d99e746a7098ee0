from __future__ import annotations

import itertools
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from notifier.scheduler import Cadence, JobCallables, build_scheduler, describe_next_runs
from tests.notifier import jobs_for_tests
from tests.notifier.jobs_for_tests import CALLS

VN = ZoneInfo("Asia/Ho_Chi_Minh")
JOBS = JobCallables(
    crawl="tests.notifier.jobs_for_tests:crawl",
    evaluate=jobs_for_tests.evaluate,  # a function object is stored as its textual ref
    agency_digests="tests.notifier.jobs_for_tests:agency_digests",
    overview="tests.notifier.jobs_for_tests:overview",
    reminders="tests.notifier.jobs_for_tests:reminders",
    kwargs={"config_file": "/etc/cchc.yaml"},
)


@pytest.fixture
def jobstore(tmp_path: Path) -> str:
    CALLS.clear()
    return f"sqlite:///{tmp_path / 'jobs.db'}"


def test_weekly_cadence_from_a_fixed_clock(jobstore: str) -> None:
    scheduler = build_scheduler(jobstore, JOBS)
    thursday = datetime(2024, 8, 15, 10, 0, tzinfo=VN)
    runs = dict(describe_next_runs(scheduler, now=thursday))
    assert runs["agency_digests"] == datetime(2024, 8, 19, 7, 30, tzinfo=VN)
    assert runs["overview"] == datetime(2024, 8, 19, 8, 0, tzinfo=VN)
    assert runs["reminders"] == datetime(2024, 8, 16, 7, 0, tzinfo=VN)
    assert runs["crawl"] == datetime(2024, 8, 15, 12, 15, tzinfo=VN)
    assert runs["evaluate"] == datetime(2024, 8, 15, 10, 45, tzinfo=VN)
    assert next(name for name, _ in describe_next_runs(scheduler, now=thursday)) == "evaluate"
    digest = scheduler.get_job("agency_digests")
    fire, fires = None, []
    for _ in range(3):
        fire = digest.trigger.get_next_fire_time(
            fire, fire + timedelta(seconds=1) if fire else thursday
        )
        fires.append(fire)
    assert [f.strftime("%a %H:%M %z") for f in fires] == ["Mon 07:30 +0700"] * 3
    assert [b - a for a, b in itertools.pairwise(fires)] == [timedelta(days=7)] * 2
    assert digest.coalesce is True and digest.misfire_grace_time == 7 * 86400
    assert scheduler.get_job("reminders").misfire_grace_time == 86400


# Every job but the digest far from any wall-clock time the suite may run at (an hourly job
# at :45 would otherwise fire during the test when it runs at 04:45).
QUIET = Cadence(crawl="0 3 1 1 *", evaluate="0 3 1 1 *", overview="0 3 1 1 *",
                reminders="0 3 1 1 *", retries="0 3 1 1 *")


def test_missed_weekly_digest_runs_once_after_downtime(jobstore: str) -> None:
    first = build_scheduler(jobstore, JOBS, cadence=QUIET)
    first.start(paused=True)  # registers the jobs in the SQLite job store, runs nothing
    first.shutdown(wait=False)
    # the notifier was down for three weeks: the stored run time is three Mondays late
    three_weeks_ago = datetime.now(VN) - timedelta(days=21)
    store = SQLAlchemyJobStore(url=jobstore)
    store.start(BackgroundScheduler(timezone=VN), "default")
    job = store.lookup_job("agency_digests")
    job.next_run_time = three_weeks_ago
    store.update_job(job)
    store.shutdown()

    second = build_scheduler(jobstore, JOBS, cadence=QUIET)
    assert dict(describe_next_runs(second))["agency_digests"] == three_weeks_ago
    second.start()
    try:
        deadline = time.monotonic() + 10
        while not CALLS and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # time for any extra (wrong) runs to show up
        assert CALLS == ["agency_digests"]  # once, not once per missed Monday
        next_run = second.get_job("agency_digests").next_run_time
        assert next_run > datetime.now(VN) and next_run.strftime("%a %H:%M") == "Mon 07:30"
        assert len(second.get_jobs()) == 5
    finally:
        second.shutdown(wait=True)


def test_restart_keeps_future_runs_and_does_not_duplicate_jobs(jobstore: str) -> None:
    first = build_scheduler(jobstore, JOBS)
    first.start(paused=True)
    before = {j.id: j.next_run_time for j in first.get_jobs()}
    first.shutdown(wait=False)
    second = build_scheduler(jobstore, JOBS)
    second.start(paused=True)
    try:
        assert {j.id: j.next_run_time for j in second.get_jobs()} == before
        assert second.get_job("crawl").kwargs == {"config_file": "/etc/cchc.yaml"}
    finally:
        second.shutdown(wait=False)
    assert CALLS == []


def test_unimportable_job_is_a_clear_error(jobstore: str) -> None:
    bad = JobCallables(**{**JOBS.__dict__, "crawl": lambda: None})
    with pytest.raises(ValueError, match="'crawl'.*hàm cấp module"):
        build_scheduler(jobstore, bad)
    typo = JobCallables(**{**JOBS.__dict__, "overview": "tests.notifier.jobs_for_tests:khong_co"})
    with pytest.raises(ValueError, match="'overview'"):
        build_scheduler(jobstore, typo)
