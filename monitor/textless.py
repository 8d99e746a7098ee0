"""Articles with no text of their own, and the crawled page of the same story.

An agency's import row (``cchc ingest``: title and date) has no text, so its SimHash is of the
title alone and never meets the crawled page of the story it reports when that page is at
another address: the story counted twice for the agency. Such an article is the same story as
an article with text of the same agency, published the same day (in Vietnam) under the same
title of six words or more. Nothing looser: a station's weekly episodes share one title, and a
daily bulletin its title on consecutive days; so two articles of which one has no text are
near-duplicates by SimHash (its title's) only when published the same day, too.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cchc.vntext import VN_TZ
from monitor.models import ArticleRow
from monitor.neardup import title_key

# (agency, Vietnamese day ordinal, title key)
Key = tuple[str, int, int]


def story_key(agency_id: str | None, published: datetime | None, title: str) -> Key | None:
    """What a text-less article and the page of its story share; None when it cannot be told."""
    key = title_key(title)
    if key is None or not agency_id or published is None:
        return None
    return agency_id, published.astimezone(VN_TZ).toordinal(), key


def has_no_text(text: str | None) -> bool:
    return not text  # stored texts are stripped


class TextlessIndex:
    """The text-less articles by story key, in memory (few: import rows); articles with text are
    looked up in the database when a text-less one arrives (one indexed query by day)."""

    def __init__(self) -> None:
        self._ids: dict[Key, set[int]] = defaultdict(set)
        self._key_of: dict[int, Key] = {}
        self._textless: set[int] = set()

    def has_keys(self) -> bool:
        """Some text-less article has a story key (else none can match one with text)."""
        return bool(self._key_of)

    def holds(self, article_id: int) -> bool:
        """The article has no text of its own."""
        return article_id in self._textless

    def load(self, session: Session, above_id: int = 0) -> None:
        """Read the text-less articles stored with an id above ``above_id``."""
        query: Select = select(ArticleRow.id, ArticleRow.agency_id, ArticleRow.published_at,
                               ArticleRow.title).where(
            func.coalesce(ArticleRow.text, "") == "", ArticleRow.id > above_id)
        for article_id, agency_id, published, title in session.execute(query):
            self.add(article_id, story_key(agency_id, published, title), True)

    def add(self, article_id: int, key: Key | None, textless: bool) -> None:
        """Record an article (again after an update; forgotten once it has text)."""
        old = self._key_of.pop(article_id, None)
        if old is not None:
            self._ids[old].discard(article_id)
        self._textless.discard(article_id)
        if textless:
            self._textless.add(article_id)
            if key is not None:
                self._ids[key].add(article_id)
                self._key_of[article_id] = key

    def same_story(self, session: Session, article_id: int, key: Key | None,
                   textless: bool) -> list[int]:
        """The other articles of the same story under this rule: for a text-less article, those
        with text; for one with text, the text-less ones."""
        if key is None:
            return []
        if not textless:
            return sorted(self._ids.get(key, set()) - {article_id})
        agency_id, day, _title = key
        start = datetime.fromordinal(day).replace(tzinfo=VN_TZ)
        rows = session.execute(select(ArticleRow.id, ArticleRow.published_at, ArticleRow.title).where(
            ArticleRow.agency_id == agency_id, ArticleRow.published_at >= start,
            ArticleRow.published_at < start + timedelta(days=1),
            func.coalesce(ArticleRow.text, "") != "", ArticleRow.id != article_id))
        return [other for other, published, title in rows
                if story_key(agency_id, published, title) == key]
