from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from monitor.models import (
    ArticleRow,
    AttestationRow,
    Base,
    ClassificationRow,
    EvaluationRow,
    ExemptionRow,
    OverrideRow,
    SourceHealthRow,
    SourceRow,
)
from rules.db_source import load_input, store_verdicts
from rules.engine import evaluate_plan
from rules.items import Item
from rules.model import Target
from tests.rules.builders import item, plan, rule

NOW = datetime(2024, 1, 1, tzinfo=UTC)


def store_items(session: Session, items: list[Item], seen: datetime | None = None) -> None:
    """Write items as the monitor would: an article row and a classification row each."""
    session.add_all(ArticleRow(
        id=i.article_id, canonical_url=i.url, url=i.url, title=i.title,
        published_at=i.published_at, agency_id=i.agency_id, kind=i.kind, language=i.language,
        channel_id=i.channel_id, section=i.section, duration_seconds=i.duration_seconds,
        cluster_id=i.cluster_id, content_sha256=i.content_sha256, source_id=i.source_id,
        first_seen_at=seen or i.published_at, updated_at=seen or i.published_at,
    ) for i in items)
    session.flush()
    session.add_all(ClassificationRow(
        article_id=i.article_id, cchc=i.cchc, score=1.0 if i.cchc else 0.0, threshold=0.5,
        model_version="test", classified_at=NOW) for i in items)
    session.flush()


@pytest.fixture
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as db:
        db.add_all([SourceRow(id="a1-rss", agency_id="a1", kind="feed", url="https://a1/rss")])
        yield db
    engine.dispose()


QUARTERLY = plan(rule("r1", per="quarter", target=Target(2)))


def test_as_of_cuts_at_the_end_of_the_vietnamese_day(session: Session) -> None:
    edge = item(datetime(2024, 3, 31, 17, 30, tzinfo=UTC))  # 1 April 00:30 in Vietnam
    inside = item(datetime(2024, 3, 31, 16, 59, tzinfo=UTC))
    store_items(session, [edge, inside, item(date(2024, 2, 1), "outsider")])
    loaded = load_input(session, [QUARTERLY], date(2024, 3, 31))
    assert [i.article_id for i in loaded.items] == [inside.article_id]
    assert loaded.items[0] == inside and loaded.items[0].published_at.tzinfo is not None
    later = load_input(session, [QUARTERLY], date(2024, 4, 1))
    assert [i.article_id for i in later.items] == [inside.article_id, edge.article_id]
    assert later.monitored_agencies == frozenset({"a1"})


def test_known_at_reproduces_what_was_known_then(session: Session) -> None:
    backdated = item(date(2024, 2, 1))
    store_items(session, [backdated], seen=datetime(2024, 5, 1, tzinfo=UTC))
    assert len(load_input(session, [QUARTERLY], date(2024, 4, 1)).items) == 1  # known now
    then = datetime(2024, 4, 2, tzinfo=UTC)
    assert load_input(session, [QUARTERLY], date(2024, 4, 1), known_at=then).items == []
    later = datetime(2024, 5, 2, tzinfo=UTC)
    assert len(load_input(session, [QUARTERLY], date(2024, 4, 1), known_at=later).items) == 1


def test_health_decisions_and_attestations_are_loaded(session: Session) -> None:
    article = item(date(2024, 1, 5), cchc=False)
    store_items(session, [article])
    session.add_all([
        SourceHealthRow(event_id="h1", source_id="a1-rss", agency_id="a1", url="u",
                        outcome="timeout", at=datetime(2024, 1, 2, 3, tzinfo=UTC)),
        OverrideRow(article_id=article.article_id, rule_id="r1", counts=True, reason="CCHC",
                    who="cv", created_at=datetime(2024, 1, 6, tzinfo=UTC)),
        AttestationRow(plan_id="p1", rule_id="r1", agency_id="a1", what="Lớp", quantity=3,
                       on_date=date(2024, 1, 9), who="cv", created_at=NOW),
        AttestationRow(plan_id="other", rule_id="r1", agency_id="a1", what="Lớp", quantity=3,
                       on_date=date(2024, 1, 9), who="cv", created_at=NOW),
        ExemptionRow(plan_id="p1", rule_id="r1", agency_id="a2", period="2024-Q1",
                     reason="Sáp nhập", who="cv", expires=None, created_at=NOW),
    ])
    session.flush()
    loaded = load_input(session, [QUARTERLY], date(2024, 1, 10))
    assert [(h.ok, h.outcome) for h in loaded.health] == [(False, "timeout")]
    assert [(o.article_id, o.counts) for o in loaded.overrides] == [(article.article_id, True)]
    assert [a.quantity for a in loaded.attestations] == [3]
    assert [e.agency_id for e in loaded.exemptions] == ["a2"]
    assert load_input(session, [QUARTERLY], date(2024, 1, 5),
                      known_at=datetime(2024, 1, 5, 17, tzinfo=UTC)).overrides == []
    statuses = {v.agency: (v.count, v.status) for v in evaluate_plan(
        QUARTERLY, loaded, date(2024, 1, 10))}
    assert statuses == {"a1": (1, "on_track"), "a2": (0, "exempt")}


def test_store_verdicts_upserts_by_cell_and_date(session: Session) -> None:
    store_items(session, [item(date(2024, 1, 5))])
    first = evaluate_plan(QUARTERLY, load_input(session, [QUARTERLY], date(2024, 1, 10)),
                          date(2024, 1, 10))
    assert store_verdicts(session, first) == 2
    store_items(session, [item(date(2024, 1, 8))])
    again = evaluate_plan(QUARTERLY, load_input(session, [QUARTERLY], date(2024, 1, 10)),
                          date(2024, 1, 10))
    store_verdicts(session, again)
    store_verdicts(session, evaluate_plan(QUARTERLY, load_input(
        session, [QUARTERLY], date(2024, 1, 11)), date(2024, 1, 11)))
    session.commit()
    assert session.scalar(select(func.count()).select_from(EvaluationRow)) == 4
    row = session.scalars(select(EvaluationRow).where(
        EvaluationRow.agency_id == "a1", EvaluationRow.as_of == date(2024, 1, 10))).one()
    assert (row.count, row.status, row.period) == (2, "met", "2024-Q1")
    assert row.result == again[0].to_json() and len(row.result["evidence"]) == 2


def test_items_before_the_plan_are_left_out_but_coverage_look_back_is_kept(
        session: Session) -> None:
    column = plan(rule("r1", "coverage", per="month", max_age_days=20))
    old = item(date(2023, 12, 20))
    older = item(date(2023, 11, 1))
    store_items(session, [old, older])
    loaded = load_input(session, [column], date(2024, 1, 5))
    assert [i.article_id for i in loaded.items] == [old.article_id]
    assert loaded.items[0].published_at - old.published_at == timedelta(0)


def test_a_stored_past_report_is_not_rewritten_unless_asked(session: Session) -> None:
    store_items(session, [item(date(2024, 1, 5))])
    as_of = date(2024, 1, 10)
    first = evaluate_plan(QUARTERLY, load_input(session, [QUARTERLY], as_of), as_of)
    store_verdicts(session, first, overwrite=False)
    store_items(session, [item(date(2024, 1, 8))])  # found later
    later = evaluate_plan(QUARTERLY, load_input(session, [QUARTERLY], as_of), as_of)
    store_verdicts(session, later, overwrite=False)
    counts = {row.agency_id: row.count for row in session.scalars(select(EvaluationRow))}
    assert counts["a1"] == 1  # the report made on 10/01 is kept
    store_verdicts(session, later, overwrite=True)
    counts = {row.agency_id: row.count for row in session.scalars(select(EvaluationRow))}
    assert counts["a1"] == 2


def test_a_whole_evaluation_removes_cells_the_plan_no_longer_binds(session: Session) -> None:
    """After a plan edit that takes an agency out of a rule's scope (``except``), re-evaluating
    the same date must not leave its old verdict on the matrix; partial stores (the rules
    consumer's changed verdicts) and kept past reports remove nothing."""
    store_items(session, [item(date(2024, 1, 5))])
    as_of = date(2024, 1, 10)
    both = evaluate_plan(QUARTERLY, load_input(session, [QUARTERLY], as_of), as_of)
    assert {v.agency for v in both} == {"a1", "a2"}
    store_verdicts(session, both)
    without_a2 = [v for v in both if v.agency != "a2"]  # what the edited plan evaluates

    def stored() -> set[str]:
        return {row.agency_id for row in session.scalars(select(EvaluationRow))}

    store_verdicts(session, without_a2)  # a partial store: the rest stays
    assert stored() == {"a1", "a2"}
    store_verdicts(session, without_a2, complete=True, overwrite=False)  # a past report
    assert stored() == {"a1", "a2"}
    store_verdicts(session, without_a2, complete=True)
    assert stored() == {"a1"}
    store_verdicts(session, evaluate_plan(QUARTERLY, load_input(
        session, [QUARTERLY], date(2024, 1, 11)), date(2024, 1, 11)), complete=True)
    assert {(r.agency_id, r.as_of.day) for r in session.scalars(select(EvaluationRow))} == {
        ("a1", 10), ("a1", 11), ("a2", 11)}  # another date's evaluation leaves this one alone
