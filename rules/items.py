"""What the engine evaluates: stored items and the facts around them, detached from the database.

Everything here is frozen so a verdict computed from an :class:`EvaluationInput` is reproducible;
:mod:`rules.db_source` builds one from the tables, tests build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Item:
    """One stored article as the rules see it (published_at is timezone-aware)."""

    article_id: int
    url: str
    title: str
    published_at: datetime
    agency_id: str
    kind: str
    language: str
    channel_id: str
    section: str
    cchc: bool
    duration_seconds: int | None = None
    cluster_id: int | None = None
    content_sha256: str = ""
    source_id: str = ""


@dataclass(frozen=True, slots=True)
class Health:
    """One crawl attempt of a source; a day with failures and no success counts as unreadable."""

    source_id: str
    agency_id: str
    at: datetime
    ok: bool
    outcome: str = ""


@dataclass(frozen=True, slots=True)
class Attestation:
    """A person's statement that something was done (training class held, plan sent).

    ``plan_id`` "" applies to a rule of that id in any plan.
    """

    rule_id: str
    agency_id: str
    on_date: date
    quantity: int = 1
    what: str = ""
    document_no: str = ""
    link: str = ""
    who: str = ""
    plan_id: str = ""


@dataclass(frozen=True, slots=True)
class Override:
    """An officer's decision on one article.

    For one rule (``rule_id`` set) it decides inclusion outright; for every rule (``rule_id`` "")
    it corrects the CCHC classification (counts=True) or removes the article (counts=False).
    """

    article_id: int
    rule_id: str
    counts: bool
    reason: str = ""
    who: str = ""


@dataclass(frozen=True, slots=True)
class Exemption:
    """An agency excused from one rule for one period label, until ``expires`` (inclusive)."""

    rule_id: str
    agency_id: str
    period: str
    reason: str = ""
    who: str = ""
    expires: date | None = None
    plan_id: str = ""


@dataclass(frozen=True)
class EvaluationInput:
    """Everything one evaluation reads. ``monitored_agencies``: agencies with a registered source."""

    items: tuple[Item, ...] | list[Item] = ()
    health: tuple[Health, ...] | list[Health] = ()
    attestations: tuple[Attestation, ...] | list[Attestation] = ()
    overrides: tuple[Override, ...] | list[Override] = ()
    exemptions: tuple[Exemption, ...] | list[Exemption] = ()
    monitored_agencies: frozenset[str] | set[str] = field(default_factory=frozenset)
    # Channels some registered source reads; None when not known (then not checked).
    monitored_channels: frozenset[str] | set[str] | None = None
    # channel id -> the agency that owns the channel (the province portal, a newspaper)
    channel_owners: dict[str, str] = field(default_factory=dict)
