"""Reading an EvaluationInput from the database, and storing verdicts back.

``load_input`` gives the items published by the end of ``as_of`` (Vietnam time) with everything
known about them now: health records of any date (a failed read after the period still means its
items could not be seen) and people's decisions. With ``known_at`` it reproduces instead what was
known at that moment (items first seen, health and decisions recorded before it), so an old report
can be re-created exactly. Only the columns the rules read are selected, in publication order, so
the index build finds its runs presorted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cchc.vntext import VN_TZ
from monitor.models import (
    ArticleRow,
    AttestationRow,
    ClassificationRow,
    EvaluationRow,
    ExemptionRow,
    OverrideRow,
    SourceHealthRow,
    SourceRow,
)
from rules.items import Attestation, EvaluationInput, Exemption, Health, Item, Override
from rules.model import Plan
from rules.verdict import Verdict

_ITEM_COLUMNS = (
    ArticleRow.id, ArticleRow.url, ArticleRow.title, ArticleRow.published_at,
    ArticleRow.agency_id, ArticleRow.kind, ArticleRow.language, ArticleRow.channel_id,
    ArticleRow.section, ClassificationRow.cchc, ArticleRow.duration_seconds,
    ArticleRow.cluster_id, ArticleRow.content_sha256, ArticleRow.source_id,
)


def end_of_day(as_of: date) -> datetime:
    """The first instant after ``as_of`` in Vietnam, in UTC."""
    return datetime.combine(as_of + timedelta(days=1), time(0), VN_TZ).astimezone(UTC)


_FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


def load_input(session: Session, plans: Iterable[Plan], as_of: date, *,
               known_at: datetime | None = None) -> EvaluationInput:
    plans = list(plans)
    cutoff = end_of_day(as_of)
    known = known_at or _FAR_FUTURE
    agencies = sorted({agency.id for plan in plans for agency in plan.agencies})
    channels = session.execute(select(SourceRow.channel, SourceRow.agency_id).distinct()).all()
    ours = set(agencies)
    return EvaluationInput(
        items=_items(session, plans, agencies, cutoff, known),
        health=_health(session, plans, agencies, known),
        attestations=_attestations(session, plans, as_of, known),
        overrides=_overrides(session, known),
        exemptions=_exemptions(session, plans, known),
        # One read of the registered sources: which agencies and channels are read, and who
        # owns each channel (monitor.sources stores a channel, defaulting to its agency's id).
        monitored_agencies=frozenset(agency for _, agency in channels if agency in ours),
        monitored_channels=frozenset(channel for channel, _ in channels),
        channel_owners={channel: agency for channel, agency in channels if agency in ours},
    )


def _earliest(plans: list[Plan]) -> datetime:
    """Start of the earliest plan, less the longest coverage look-back (or the days of a week
    begun before the plan: weeks are judged whole)."""
    reach = max((max(rule.max_age_days or 0, 6 if rule.per == "week" else 0)
                 for plan in plans for rule in plan.rules), default=0)  # fmt: skip
    first = min((plan.starts for plan in plans), default=date.today())
    return datetime.combine(first - timedelta(days=reach), time(0), VN_TZ).astimezone(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _items(session: Session, plans: list[Plan], agencies: list[str],
           cutoff: datetime, known: datetime) -> list[Item]:
    query = (
        select(*_ITEM_COLUMNS)
        .outerjoin(ClassificationRow, ClassificationRow.article_id == ArticleRow.id)
        .where(and_(ArticleRow.published_at >= _earliest(plans),
                    ArticleRow.published_at < cutoff, ArticleRow.first_seen_at < known,
                    ArticleRow.agency_id.in_(agencies)))
        .order_by(ArticleRow.published_at, ArticleRow.id)
    )
    return [
        Item(row[0], row[1], row[2], _aware(row[3]), row[4], row[5], row[6], row[7], row[8],
             bool(row[9]), row[10], row[11], row[12], row[13])
        for row in session.execute(query)
    ]


def _health(session: Session, plans: list[Plan], agencies: list[str],
            known: datetime) -> list[Health]:
    query = select(SourceHealthRow.source_id, SourceHealthRow.agency_id, SourceHealthRow.at,
                   SourceHealthRow.outcome).where(
        SourceHealthRow.at >= _earliest(plans), SourceHealthRow.at < known,
        SourceHealthRow.agency_id.in_(agencies))
    return [Health(source, agency, _aware(at), outcome == "ok", outcome)
            for source, agency, at, outcome in session.execute(query)]


def _attestations(session: Session, plans: list[Plan], as_of: date,
                  known: datetime) -> list[Attestation]:
    rows = session.scalars(select(AttestationRow).where(
        AttestationRow.plan_id.in_([plan.id for plan in plans]),
        AttestationRow.on_date <= as_of, AttestationRow.created_at < known))
    return [Attestation(r.rule_id, r.agency_id, r.on_date, r.quantity, r.what, r.document_no,
                        r.link, r.who, r.plan_id) for r in rows]


def _overrides(session: Session, known: datetime) -> list[Override]:
    rows = session.scalars(select(OverrideRow).where(OverrideRow.created_at < known)
                           .order_by(OverrideRow.created_at, OverrideRow.id))
    return [Override(r.article_id, r.rule_id, r.counts, r.reason, r.who) for r in rows]


def _exemptions(session: Session, plans: list[Plan], known: datetime) -> list[Exemption]:
    rows = session.scalars(select(ExemptionRow).where(
        ExemptionRow.plan_id.in_([plan.id for plan in plans]), ExemptionRow.created_at < known))
    return [Exemption(r.rule_id, r.agency_id, r.period, r.reason, r.who, r.expires, r.plan_id)
            for r in rows]


def store_verdicts(session: Session, verdicts: Iterable[Verdict], *, overwrite: bool = True,
                   complete: bool = False, chunk: int = 500) -> int:
    """One EvaluationRow per (plan, rule, agency, period, as_of); returns rows given.

    ``overwrite=False`` keeps a row already stored for the same key: a report made for a past
    date is then never rewritten by a later evaluation that knows more. ``complete``: the
    verdicts are the whole evaluation of each plan they name for their as-of date, so a row
    of that plan and date that is not among them goes (with ``overwrite`` only): a rule or an
    agency the edited plan no longer binds must not stay on the matrix."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        raise ValueError(f"store_verdicts supports SQLite and PostgreSQL, not {dialect}")
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    now = datetime.now(UTC)
    rows = [_row(verdict, now) for verdict in verdicts]
    if complete and overwrite:
        _remove_stale(session, rows, chunk)
    for start in range(0, len(rows), chunk):
        statement = insert(EvaluationRow).values(rows[start:start + chunk])
        keys = ["plan_id", "rule_id", "agency_id", "period", "as_of"]
        session.execute(statement.on_conflict_do_update(
            index_elements=keys,
            set_={name: statement.excluded[name] for name in (
                "plan_sha256", "count", "target", "status", "result", "computed_at")},
        ) if overwrite else statement.on_conflict_do_nothing(index_elements=keys))
    return len(rows)


def _remove_stale(session: Session, rows: list[dict[str, object]], chunk: int) -> None:
    """Delete the stored rows of each (plan, as_of) in ``rows`` that ``rows`` do not hold."""
    fresh: dict[tuple[object, object], set[tuple[object, object, object]]] = {}
    for row in rows:
        key = (row["plan_id"], row["as_of"])
        fresh.setdefault(key, set()).add((row["rule_id"], row["agency_id"], row["period"]))
    table = EvaluationRow
    for (plan_id, as_of), keys in fresh.items():
        stored = session.execute(
            select(table.id, table.rule_id, table.agency_id, table.period)
            .where(table.plan_id == plan_id, table.as_of == as_of))
        stale = [row_id for row_id, *key in stored if tuple(key) not in keys]
        for start in range(0, len(stale), chunk):
            session.execute(delete(table).where(table.id.in_(stale[start:start + chunk])))


def _row(verdict: Verdict, now: datetime) -> dict[str, object]:
    return {
        "plan_id": verdict.plan, "plan_sha256": verdict.plan_sha256, "rule_id": verdict.rule,
        "agency_id": verdict.agency, "period": verdict.period.label, "as_of": verdict.as_of,
        "count": verdict.count, "target": verdict.target, "status": verdict.status,
        "result": verdict.to_json(), "computed_at": now,
    }


def items_by_id(session: Session, article_ids: Iterable[int]) -> list[Item]:
    """The current state of some stored articles, for incremental evaluation."""
    ids = sorted(set(article_ids))
    if not ids:
        return []
    query = (select(*_ITEM_COLUMNS)
             .outerjoin(ClassificationRow, ClassificationRow.article_id == ArticleRow.id)
             .where(ArticleRow.id.in_(ids), ArticleRow.published_at.is_not(None),
                    ArticleRow.agency_id.is_not(None)))
    return [
        Item(row[0], row[1], row[2], _aware(row[3]), row[4], row[5], row[6], row[7], row[8],
             bool(row[9]), row[10], row[11], row[12], row[13])
        for row in session.execute(query)
    ]
