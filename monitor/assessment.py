"""What the monitor decides from an article's own text and fields: relevance, kind, language,
agency and SimHash. No database, so the same code runs in the consumer, in its helper process
and in ``cchc reprocess``, and always decides alike."""

from __future__ import annotations

from operator import attrgetter
from typing import NamedTuple, Protocol

from monitor.agencies import AgencyDirectory
from monitor.attribution import attribute
from monitor.kind import detect_kind
from monitor.language import detect_language, language_from_section
from monitor.neardup import simhash
from monitor.relevance import Relevance, RelevanceClassifier


class Judged(Protocol):
    """An article row (``ArticleRow`` or the store's draft of a new one): the judgement reads
    the fields named by ``Fields`` and writes these."""

    kind: str
    language: str
    agency_id: str | None
    attribution: str
    simhash: int


class Fields(NamedTuple):
    """What the judgement reads of an article."""

    url: str
    title: str
    text: str
    section: str
    source_line: str
    author: str
    duration_seconds: int | None
    hints: dict[str, str]

    @classmethod
    def of(cls, row: Judged) -> Fields:
        read = _READ(row)
        return cls(*read[:-1], read[-1] or {})


_READ = attrgetter(*Fields._fields)


class Assessment(NamedTuple):
    """What the judgement decides from those fields."""

    relevance: Relevance
    kind: str
    language: str
    agency_id: str | None
    attribution: str
    simhash: int

    def apply_to(self, row: Judged) -> None:
        row.kind, row.language, row.simhash = self.kind, self.language, self.simhash
        row.agency_id, row.attribution = self.agency_id, self.attribution


def assess_fields(classifier: RelevanceClassifier, directory: AgencyDirectory,
                  fields: Fields) -> Assessment:
    hints = fields.hints
    relevance = classifier.classify(fields.title, fields.text)
    kind, _ = detect_kind(url=fields.url, section=fields.section, title=fields.title,
                          text=fields.text, kind_hint=hints.get("kind", ""),
                          duration_seconds=fields.duration_seconds)
    language_hint = hints.get("language") or language_from_section(fields.section) or ""
    language, _ = detect_language(title=fields.title, text=fields.text, hint=language_hint)
    who = attribute(directory, site_owner=hints.get("site_owner") or None,
                    source_line=fields.source_line, author=fields.author, text=fields.text,
                    declared=hints.get("declared_agency") or None)
    signature = simhash(fields.text or fields.title, fields.title if fields.text else "")
    return Assessment(relevance, kind, language, who.agency_id, who.reason, signature)
