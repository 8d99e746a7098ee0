"""The in-memory shape of a plan file, shared by the loader, the engine and the notifier.

Frozen dataclasses: a loaded plan never changes, so verdicts computed from it are reproducible
(together with ``Plan.sha256``, the hash of the file it came from).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

RULE_KINDS = ("count", "cadence", "duration", "coverage", "deadline", "manual")
PERIOD_UNITS = ("week", "month", "quarter", "year")
ITEM_KINDS = ("tin", "bai", "phong_su", "chuyen_muc", "chuong_trinh", "video")
AGENCY_KINDS = (
    "so", "ubnd_tinh", "ubnd_huyen", "ubnd_xa", "newspaper", "broadcaster", "portal", "other",
)


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    kind: str
    groups: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    overseer: bool = False  # receives the overview digest (Sở Nội vụ)


@dataclass(frozen=True)
class Target:
    """At least ``min``; when ``max`` is set the plan gave a range such as 10–15."""

    min: int
    max: int | None = None
    unit: str = "bài"


@dataclass(frozen=True)
class Match:
    """Which stored items a rule counts. Empty tuples mean "any"."""

    topic: str | None = "cchc"
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # "vi" or ethnic languages: "tay", "hmn" (Mông), "dao", ...
    channels: tuple[str, ...] = ()  # channel ids or names: e.g. "nhan-dan", "vietnamnet"
    section: str | None = None  # folded substring of the section/column name


@dataclass(frozen=True)
class Scope:
    agencies: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()  # "except": a group's member the rule does not bind (the
    # department that receives the reports it asks for, say)

    def binds(self, agency: Agency) -> bool:
        return ((agency.id in self.agencies or bool(set(agency.groups) & set(self.groups)))
                and agency.id not in self.excluded)


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    title: str
    cite: str  # "Hà Giang 2024, Phụ lục, mục 3"
    scope: Scope
    match: Match = Match()
    target: Target = Target(1)
    per: str = "year"
    active_periods: tuple[str, ...] = ()  # e.g. ("Q2", "Q3", "Q4") or ("W1".."W52"), empty = all
    window_days: int | None = None  # cadence: at least one item every N days
    tolerance_days: int = 0  # cadence: gap tolerated beyond the window
    min_minutes: float | None = None  # duration
    max_minutes: float | None = None  # duration
    max_age_days: int | None = None  # coverage: CCHC column updated within D days
    due: date | None = None  # deadline
    starts: date | None = None  # rule applies from this date (default: plan start)
    ends: date | None = None  # and until this date (default: plan end)
    line: int = 0  # line in the plan file, for error messages
    # A deadline whose plan entry names no ``match``: a plan issued, a report sent, a budget
    # allotted are seen only in attested evidence, never in "any CCHC article".
    attested_only: bool = False


@dataclass(frozen=True)
class Plan:
    id: str
    title: str
    document: str  # "Kế hoạch số 04/KH-UBND ngày 08/01/2024 của UBND tỉnh Hà Giang"
    province: str
    starts: date
    ends: date
    agencies: tuple[Agency, ...]
    rules: tuple[Rule, ...]
    path: str = ""
    sha256: str = ""
    group_names: dict[str, str] = field(default_factory=dict)  # group id -> Vietnamese label

    def agency(self, key: str) -> Agency | None:
        """Find an agency by id, name or alias (case- and diacritics-insensitive)."""
        from cchc.vntext import fold

        wanted = fold(key)
        for agency in self.agencies:
            names = (agency.id, agency.name, *agency.aliases)
            if any(fold(name) == wanted for name in names):
                return agency
        return None

    def scope_agencies(self, scope: Scope) -> list[Agency]:
        return [agency for agency in self.agencies if scope.binds(agency)]
