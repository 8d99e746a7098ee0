"""The monitor applying events to a real database (SQLite, or PostgreSQL in the second CI run)."""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from monitor.agencies import AgencyDirectory
from monitor.judge import Judge
from monitor.models import (
    ArticleRow, ClassificationRow, ProcessedEventRow, SnapshotRow, SourceHealthRow,
)
from monitor.relevance import RelevanceClassifier
from monitor.bulk import CLUSTERING_LOCK
from monitor.store import EventApplier
from rules.model import Agency
from stream.events import Envelope

AGENCIES = [
    Agency("hg-so-noi-vu", "Sở Nội vụ tỉnh Hà Giang", "so", aliases=("Sở Nội vụ",)),
    Agency("hg-so-tu-phap", "Sở Tư pháp tỉnh Hà Giang", "so"),
    Agency("hg-cong-ttdt", "Cổng Thông tin điện tử tỉnh Hà Giang", "portal"),
]
BODY = (
    "Sở Tư pháp tỉnh Hà Giang đẩy mạnh cải cách thủ tục hành chính, đưa 100% thủ tục lên dịch vụ "
    "công trực tuyến toàn trình. Bộ phận một cửa của sở tiếp nhận và trả kết quả đúng hạn cho người "
    "dân và doanh nghiệp, góp phần nâng cao chỉ số hài lòng SIPAS và chỉ số cải cách hành chính "
    "PAR INDEX của tỉnh trong năm 2024. Công chức được tập huấn về văn hóa công vụ và kỹ năng giao "
    "tiếp với người dân khi giải quyết hồ sơ tại Trung tâm Phục vụ hành chính công."
)


def collected(url: str, *, title: str = "Sở Tư pháp đẩy mạnh cải cách thủ tục hành chính",
              text: str = BODY, owner: str = "hg-so-tu-phap", html: str = "<html>1</html>",
              source_line: str = "", published: str = "2024-03-05T08:00:00+07:00") -> Envelope:
    return Envelope.new("article.collected", {
        "url": url, "title": title, "text": text, "html": html,
        "published": published, "source_line": source_line,
        "agency_id": owner, "channel_id": owner, "source_id": f"{owner}-rss",
        "fetched_at": datetime.now(UTC).isoformat(),
    })


def applier() -> EventApplier:
    return EventApplier(Judge(RelevanceClassifier(), AgencyDirectory(AGENCIES)))


def test_article_is_judged_attributed_and_snapshotted(sessions) -> None:
    with sessions() as session:
        stored = applier().apply(session, collected("https://www.sotp.gov.vn/a/1?utm_source=fb"))
        session.commit()
        row = session.scalars(select(ArticleRow)).one()
        assert stored is not None and stored.cchc and stored.agency_id == "hg-so-tu-phap"
        assert row.canonical_url == "https://sotp.gov.vn/a/1"
        assert row.published_at.astimezone(UTC) == datetime(2024, 3, 5, 1, 0, tzinfo=UTC)
        classification = session.get(ClassificationRow, row.id)
        assert classification.cchc and classification.evidence
        snapshot = session.scalars(select(SnapshotRow)).one()
        assert gzip.decompress(snapshot.html_gz) == b"<html>1</html>"
        assert snapshot.sha256 == hashlib.sha256(b"<html>1</html>").hexdigest() == row.content_sha256


def test_redelivered_event_and_unchanged_copy_change_nothing(sessions) -> None:
    event = collected("https://sotp.gov.vn/a/1")
    judge = applier()
    with sessions() as session:
        assert judge.apply(session, event) is not None
        session.commit()
        assert judge.apply(session, event) is None  # same event id
        assert judge.apply(session, collected("http://sotp.gov.vn/a/1/")) is None  # same content
        session.commit()
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 1
        assert session.scalar(select(func.count()).select_from(ProcessedEventRow)) == 2


def test_changed_article_is_an_update_with_a_new_snapshot(sessions) -> None:
    judge = applier()
    with sessions() as session:
        judge.apply(session, collected("https://sotp.gov.vn/a/1"))
        update = judge.apply(session, collected("https://sotp.gov.vn/a/1",
                                                html="<html>2</html>", title="Tiêu đề mới"))
        session.commit()
        assert update is not None and update.version == 2
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 1
        assert session.scalar(select(func.count()).select_from(SnapshotRow)) == 2


def test_syndicated_copy_joins_the_cluster_of_the_original(sessions) -> None:
    judge = applier()
    with sessions() as session:
        judge.apply(session, collected("https://sotp.gov.vn/a/1"))
        copy = BODY + "\nNguồn: Sở Tư pháp tỉnh Hà Giang"
        judge.apply(session, collected("https://hagiang.gov.vn/tin/99", owner="hg-cong-ttdt",
                                       text=copy, html="<html>portal</html>"))
        other = ("Mùa hoa tam giác mạch nở rộ trên cao nguyên đá Đồng Văn thu hút hàng nghìn du "
                 "khách. Các homestay kín phòng, người dân bán nông sản và đặc sản địa phương. "
                 "Ngành du lịch dự kiến đón thêm nhiều đoàn khách quốc tế trong tháng tới, "
                 "nhiều lễ hội văn hoá được tổ chức tại các xã vùng cao của huyện.")
        judge.apply(session, collected("https://hagiang.gov.vn/tin/100", owner="hg-cong-ttdt",
                                       text=other, title="Hoa tam giác mạch", html="<p>x</p>"))
        session.commit()
        rows = session.scalars(select(ArticleRow).order_by(ArticleRow.id)).all()
        assert rows[1].cluster_id == rows[0].cluster_id == rows[0].id
        assert rows[1].agency_id == "hg-so-tu-phap"  # portal copy credited by its source line
        assert rows[2].cluster_id == rows[2].id
        assert not session.get(ClassificationRow, rows[2].id).cchc


def test_health_event_is_stored_once(sessions) -> None:
    event = Envelope.new("source.health", {
        "source_id": "hg-so-tttt-list", "agency_id": "hg-so-tttt", "url": "http://x/list",
        "outcome": "http_error", "status": 503, "detail": "Service Unavailable",
        "at": "2024-08-01T07:00:00+07:00"})
    judge = applier()
    with sessions() as session:
        judge.apply(session, event)
        judge.apply(session, event)
        session.commit()
        row = session.scalars(select(SourceHealthRow)).one()
        assert (row.outcome, row.status) == ("http_error", 503)


def test_an_edit_reverted_or_a_mobile_copy_never_blocks_the_monitor(sessions) -> None:
    """A (www) → B (m. host, same canonical URL) → A again: three versions, two snapshots, and
    the batch that brings the revert back is stored, not failed on every retry."""
    judge = applier()
    with sessions() as session:
        judge.apply_batch(session, [collected("https://www.sotp.gov.vn/a/1", html="<p>A</p>")])
        judge.apply_batch(session, [collected("https://m.sotp.gov.vn/a/1", html="<p>B</p>")])
        session.commit()
        reverted = judge.apply_batch(session, [
            collected("https://sotp.gov.vn/a/1", html="<p>A</p>"),
            collected("https://sotp.gov.vn/a/1", html="<p>B</p>"),
            collected("https://sotp.gov.vn/a/1", html="<p>A</p>")])
        session.commit()
        assert [stored.version for stored in reverted if stored] == [3, 4, 5]
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 1
        assert session.scalar(select(func.count()).select_from(SnapshotRow)) == 2


def test_over_long_fields_are_cut_to_fit_every_database(sessions) -> None:
    event = collected("https://sotp.gov.vn/a/" + "x" * 2100, source_line="Nguồn: " + "Sở " * 200)
    event.payload["author"] = "Tác giả " * 100
    with sessions() as session:
        stored = applier().apply_batch(session, [event])
        session.commit()
        row = session.scalars(select(ArticleRow)).one()
    assert stored[0] is not None
    assert len(row.author) <= 300 and len(row.source_line) <= 300
    assert len(row.canonical_url) <= 2000 and "#sha256=" in row.canonical_url
    again = collected(event.payload["url"], source_line=event.payload["source_line"])
    with sessions() as session:  # the same long URL again is the same article, unchanged
        assert applier().apply_batch(session, [again]) == [None]
        session.commit()
        assert session.scalar(select(func.count()).select_from(ArticleRow)) == 1


def test_a_copy_stored_by_another_monitor_process_joins_its_cluster(sessions) -> None:
    """Two consumers (Kafka partitions are keyed by agency, so the original and the portal's
    copy can reach different processes): each clusters against what the other stored since it
    read its index, so the story is counted once."""
    first, second = applier(), applier()
    other = ("Mùa hoa tam giác mạch nở rộ trên cao nguyên đá Đồng Văn thu hút hàng nghìn du "
             "khách. Các homestay kín phòng, người dân bán nông sản và đặc sản địa phương. "
             "Ngành du lịch dự kiến đón thêm nhiều đoàn khách quốc tế trong tháng tới, "
             "nhiều lễ hội văn hoá được tổ chức tại các xã vùng cao của huyện.")
    with sessions() as session:  # the second process has read its index before the original
        second.apply(session, collected("https://hagiang.gov.vn/tin/1", owner="hg-cong-ttdt",
                                        text=other, title="Hoa tam giác mạch", html="<p>x</p>"))
        session.commit()
    with sessions() as session:
        first.apply(session, collected("https://sotp.gov.vn/a/1"))
        session.commit()
    with sessions() as session:
        second.apply(session, collected("https://hagiang.gov.vn/tin/99", owner="hg-cong-ttdt",
                                        text=BODY + "\nNguồn: Sở Tư pháp tỉnh Hà Giang",
                                        html="<html>portal</html>"))
        session.commit()
        rows = session.scalars(select(ArticleRow).order_by(ArticleRow.id)).all()
        assert [row.cluster_id for row in rows] == [rows[0].id, rows[1].id, rows[1].id]
    with sessions() as session:  # and the first process sees the copy the second one stored
        first.apply(session, collected("https://baohagiang.vn/b/7", owner="hg-cong-ttdt",
                                       text=BODY + "\nTheo Sở Tư pháp", html="<p>bao</p>"))
        session.commit()
        newest = session.scalars(select(ArticleRow).order_by(ArticleRow.id.desc())).first()
        assert newest.cluster_id == rows[1].id


def test_articles_are_inserted_under_the_clustering_lock(sessions, database_url: str) -> None:
    """On PostgreSQL another process waits for the advisory lock until this batch commits."""
    if not database_url.startswith("postgresql"):
        pytest.skip("advisory locks exist on PostgreSQL: run with CCHC_TEST_DATABASE=postgres")
    with sessions() as session, sessions() as observer:
        applier().apply(session, collected("https://sotp.gov.vn/a/1"))
        held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = :key"
        assert observer.execute(text(held), {"key": CLUSTERING_LOCK}).scalar_one() == 1
        session.commit()
        assert observer.execute(text(held), {"key": CLUSTERING_LOCK}).scalar_one() == 0


def test_the_same_text_a_month_apart_is_two_publications(sessions) -> None:
    """A district's monthly notice where only the month changes, a station's programme with its
    standing description: each month is a publication, not a copy of the first."""
    judge = applier()
    description = "Mời quý vị theo dõi chuyên mục Cải cách hành chính phát sóng trên sóng phát thanh."
    events = [
        collected("https://sotp.gov.vn/a/1", published="2024-03-05T08:00:00+07:00"),
        collected("https://hagiang.gov.vn/b/1", owner="hg-cong-ttdt", html="<html>2</html>",
                  published="2024-03-07T08:00:00+07:00"),  # a syndicated copy two days later
        collected("https://sotp.gov.vn/a/2", html="<html>3</html>", published="2024-04-05T08:00:00+07:00"),
        collected("https://dai.gov.vn/p/3", title="Phát thanh tiếng Mông số 3", text=description,
                  html="<html>4</html>", published="2024-03-01T19:00:00+07:00"),
        collected("https://dai.gov.vn/p/4", title="Phát thanh tiếng Mông số 4", text=description,
                  html="<html>5</html>", published="2024-03-08T19:00:00+07:00"),
    ]
    with sessions() as session:
        for event in events:
            EventApplier(judge.judge).apply(session, event)
        session.commit()
        clusters = {row.url: row.cluster_id for row in session.scalars(select(ArticleRow))}
    assert clusters["https://hagiang.gov.vn/b/1"] == clusters["https://sotp.gov.vn/a/1"]
    assert clusters["https://sotp.gov.vn/a/2"] != clusters["https://sotp.gov.vn/a/1"]
    assert clusters["https://dai.gov.vn/p/4"] != clusters["https://dai.gov.vn/p/3"]


def test_an_imported_record_of_a_crawled_page_leaves_the_page_as_crawled(sessions) -> None:
    """A self-report row (title, date, no text) for an article already crawled must not empty
    its text and turn it 'not CCHC'."""
    judge = applier()
    imported = Envelope.new("article.collected", {
        "url": "http://sotp.gov.vn/a/1/", "title": "Sở Tư pháp đẩy mạnh CCHC", "text": "", "html": "",
        "published": "2024-03-05T00:00:00+07:00", "agency_id": "hg-so-tu-phap",
        "channel_id": "hg-so-tu-phap", "source_id": "import", "declared_agency": "hg-so-tu-phap",
        "fetched_at": datetime.now(UTC).isoformat()})  # fmt: skip
    with sessions() as session:
        crawled = judge.apply(session, collected("https://sotp.gov.vn/a/1"))
        assert judge.apply(session, imported) is None
        session.commit()
        row = session.scalars(select(ArticleRow)).one()
        assert row.text == BODY and crawled is not None and crawled.cchc
        assert session.get(ClassificationRow, row.id).cchc


def test_a_long_credit_line_is_judged_on_arrival_as_reprocessing_judges_it(sessions) -> None:
    """The stored row keeps a source line cut to its column (300 characters); arrival judged the
    whole line, so an agency credited beyond the cut got the article until ``cchc reprocess``
    gave it back to the site owner: an auditor re-running the judgement must get the same."""
    judge = Judge(RelevanceClassifier(), AgencyDirectory(AGENCIES))
    event = collected("https://congtt.gov.vn/a/1", owner="hg-cong-ttdt",
                      text=BODY.replace("Sở Tư pháp tỉnh Hà Giang", "Đơn vị"),
                      source_line="Tin: " + "x " * 160 + "Nguồn: Sở Nội vụ tỉnh Hà Giang")
    with sessions() as session:
        EventApplier(judge).apply(session, event)
        session.commit()
        row = session.scalars(select(ArticleRow)).one()
        on_arrival = row.agency_id
        judge.assess(row)
        assert row.agency_id == on_arrival
