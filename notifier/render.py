"""Render digests (HTML + plain text + subject) from verdicts with Jinja2.

Templates live in ``notifier/templates``; an operator can override any of them by putting a file
of the same name in an override folder, which is searched first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from notifier.labels import STATUS, period_words, summary_words, vn_date
from notifier.views import QuotaView, Verdict, quota_views, status_counts
from rules.model import Agency


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str


def make_env(override_dir: Path | str | None = None) -> Environment:
    """A Jinja2 environment: override folder first, then the bundled templates.

    HTML templates (``*.html.j2``) are autoescaped; text templates are not, since they are sent
    as text/plain and never interpreted.
    """
    loaders: list[BaseLoader] = []
    if override_dir is not None:
        folder = Path(override_dir)
        if not folder.is_dir():
            raise FileNotFoundError(
                f"Thư mục mẫu email {folder} không tồn tại: tạo thư mục đó hoặc bỏ tuỳ chọn ghi đè mẫu."
            )
        loaders.append(FileSystemLoader(str(folder)))
    loaders.append(PackageLoader("notifier", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


_DEFAULT_ENV: Environment | None = None


def default_env() -> Environment:
    global _DEFAULT_ENV
    if _DEFAULT_ENV is None:
        _DEFAULT_ENV = make_env()
    return _DEFAULT_ENV


def _render(env: Environment, name: str, context: dict[str, object]) -> Rendered:
    subject = env.get_template(f"{name}.subject.j2").render(context)
    return Rendered(
        subject=" ".join(subject.split()),  # one line, whatever the template did
        html=env.get_template(f"{name}.html.j2").render(context),
        text=env.get_template(f"{name}.txt.j2").render(context),
    )


def _period_label(views: Sequence[QuotaView]) -> str:
    periods = sorted({v.period for v in views if v.period})
    return ", ".join(period_words(p) for p in periods)


def render_agency_digest(
    agency: Agency,
    verdicts: Iterable[Verdict],
    *,
    as_of: date,
    prev_verdicts: Iterable[Verdict] | None = None,
    env: Environment | None = None,
    plan_titles: dict[str, str] | None = None,
) -> Rendered:
    """The weekly digest of one agency: every quota, worst first, with what is still missing."""
    views = quota_views(verdicts, prev_verdicts)
    counts = status_counts(views)
    context: dict[str, object] = {
        "agency": agency,
        "as_of": vn_date(as_of),
        "periods": _period_label(views),
        "quotas": views,
        "counts": counts,
        "summary": summary_words(counts),
        "statuses": STATUS,
        "unreadable": [v for v in views if v.unreadable],
        "plan_titles": plan_titles or {},
        "has_previous": prev_verdicts is not None,
    }
    return _render(env or default_env(), "agency", context)


def render_overview(
    overseer: Agency,
    all_verdicts: Iterable[Verdict],
    agencies: Iterable[Agency],
    *,
    as_of: date,
    prev_verdicts: Iterable[Verdict] | None = None,
    env: Environment | None = None,
    plan_titles: dict[str, str] | None = None,
) -> Rendered:
    """The overview for Sở Nội vụ: all agencies × quotas, worst first, with week-on-week change."""
    roster = list(agencies)
    views = quota_views(all_verdicts, prev_verdicts)
    counts = status_counts(views)
    evaluated = {v.agency for v in views}
    changes = status_counts_of_change(views)
    context: dict[str, object] = {
        "overseer": overseer,
        "as_of": vn_date(as_of),
        "periods": _period_label(views),
        "quotas": views,
        "counts": counts,
        "summary": summary_words(counts),
        "statuses": STATUS,
        "agency_count": len(evaluated),
        "changes": changes,
        "without_email": [a for a in roster if not a.emails and not a.overseer],
        "not_evaluated": [a for a in roster if a.id not in evaluated and not a.overseer],
        "plan_titles": plan_titles or {},
        "has_previous": prev_verdicts is not None,
    }
    return _render(env or default_env(), "overview", context)


def render_reminder(
    agency: Agency,
    due_verdicts: Iterable[Verdict],
    *,
    as_of: date,
    days_left: int,
    env: Environment | None = None,
) -> Rendered:
    """A short reminder: these quotas are still missing and their deadline is near."""
    views = quota_views(due_verdicts)
    context: dict[str, object] = {
        "agency": agency,
        "as_of": vn_date(as_of),
        "quotas": views,
        "days_left": days_left,
        "statuses": STATUS,
    }
    return _render(env or default_env(), "reminder", context)


def status_counts_of_change(views: Iterable[QuotaView]) -> dict[str, int]:
    result = {"improved": 0, "worsened": 0, "new": 0, "same": 0}
    for view in views:
        if view.change is not None:
            result[view.change.kind] += 1
    return result
