"""Building the per-agency index at C speed (``map``/``compress`` over parallel lists, one
append loop), because it touches every stored article; see :mod:`rules.index` for the structure.
Input in publication order (as :mod:`rules.db_source` reads it) needs no sorting at all."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from itertools import compress, islice, repeat
from operator import attrgetter, le, not_, or_, sub

from rules.index import AgencyIndex, Bucket
from rules.items import Item, Override

_published = attrgetter("published_at")
_days = attrgetter("days")
_cluster_id = attrgetter("cluster_id")
_agency_signature = attrgetter("agency_id", "cchc", "kind", "language", "channel_id", "section")
_agency_cluster = attrgetter("agency_id", "cluster_id")
_article_id = attrgetter("article_id")
# 01/01/1970 00:00 in Vietnam, written in UTC: the database returns UTC datetimes, and
# subtracting datetimes sharing one tzinfo skips the utcoffset() calls (4x faster).
_VN_EPOCH = datetime(1969, 12, 31, 17, tzinfo=UTC)


def apply_general_overrides(
    items: Iterable[Item], overrides: Iterable[Override]
) -> tuple[list[Item], dict[tuple[int, str], Override]]:
    """Apply every-rule overrides to the items; return them and the rule-specific overrides."""
    general: dict[int, Override] = {}
    specific: dict[tuple[int, str], Override] = {}
    for override in overrides:
        if override.rule_id:
            specific[(override.article_id, override.rule_id)] = override
        else:
            general[override.article_id] = override
    items = list(items)
    if general:
        adjusted = (adjust(item, general.get(item.article_id)) for item in items)
        items = [item for item in adjusted if item is not None]
    return items, specific


def adjust(item: Item, general: Override | None) -> Item | None:
    """An every-rule override: counts=False removes the item, counts=True marks it CCHC."""
    if general is None:
        return item
    if not general.counts:
        return None
    return item if item.cchc else replace(item, cchc=True)


def placements(item: Item, owners: Mapping[str, str]) -> list[Item]:
    """Where an item counts: for the agency it is attributed to and, when it appeared on a
    channel another agency owns (a Sở's story on the province portal, credited to the Sở), also
    for the owner, whose rules ask for stories on its channel ("tin bài CCHC trên Cổng TTĐT")."""
    owner = owners.get(item.channel_id)
    if owner and owner != item.agency_id:
        return [item, replace(item, agency_id=owner)]
    return [item]


def with_owners(items: Iterable[Item], owners: Mapping[str, str]) -> Iterable[Item]:
    """Every placement of every item, in the items' order."""
    if not owners:
        return items
    return [placed for item in items for placed in placements(item, owners)]


def build_indexes(
    items: Iterable[Item], overrides: Iterable[Override]
) -> tuple[dict[str, AgencyIndex], dict[tuple[int, str], Override]]:
    """Index every item by agency and signature; one sort over parallel lists does the work.

    The garbage collector is paused meanwhile: the build allocates millions of acyclic tuples
    and lists, and full collections over them would cost more than the build itself.
    """
    with gc_paused():
        return _build(*apply_general_overrides(items, overrides))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while allocating many acyclic objects."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(
    items: list[Item], specific: dict[tuple[int, str], Override]
) -> tuple[dict[str, AgencyIndex], dict[tuple[int, str], Override]]:
    days = list(map(_days, map(sub, map(_published, items), repeat(_VN_EPOCH))))
    indexes: dict[str, AgencyIndex] = {}
    flags = _special_flags(items, specific)
    if flags:
        for item in compress(items, flags):
            _agency(indexes, item.agency_id, specific).special.append(item)
        keep = list(map(not_, flags))
        items, days = list(compress(items, keep)), list(compress(days, keep))
    signatures = list(map(_agency_signature, items))
    groups: dict[tuple, tuple[list[Item], list[int]]] = {
        sig: ([], []) for sig in sorted(set(signatures))}
    for (members, member_days), item, day in zip(
            map(groups.__getitem__, signatures), items, days):
        members.append(item)
        member_days.append(day)
    presorted = _ascending(days)
    for sig, (members, member_days) in groups.items():
        if not presorted and not _ascending(member_days):
            order = sorted(range(len(member_days)), key=member_days.__getitem__)
            members = list(map(members.__getitem__, order))
            member_days = list(map(member_days.__getitem__, order))
        _agency(indexes, sig[0], specific).buckets[sig[1:]] = Bucket(members, member_days)
    return indexes, specific


def _ascending(values: list[int]) -> bool:
    return all(map(le, values, islice(values, 1, None)))


def _agency(indexes: dict[str, AgencyIndex], agency_id: str,
            specific: dict[tuple[int, str], Override]) -> AgencyIndex:
    index = indexes.get(agency_id)
    if index is None:
        index = indexes[agency_id] = AgencyIndex({}, [], specific)
    return index


def _special_flags(items: list[Item], specific: dict[tuple[int, str], Override]) -> list[bool]:
    """True for items in a cluster shared within their agency, or with a rule override;
    [] when there are none. Only clusters seen twice anywhere are looked at item by item."""
    cluster_ids = list(map(_cluster_id, items))
    repeated = {c for c, n in Counter(cluster_ids).items() if n > 1 and c is not None}
    candidates = list(map(repeated.__contains__, cluster_ids))
    per_agency = Counter(map(_agency_cluster, compress(items, candidates)))
    shared = {key for key, n in per_agency.items() if n > 1}
    ids = {article_id for article_id, _ in specific}
    if not shared and not ids:
        return []
    flags = [False] * len(items)
    for position in compress(range(len(items)), candidates):
        flags[position] = _agency_cluster(items[position]) in shared
    if ids:
        flags = list(map(or_, flags, map(ids.__contains__, map(_article_id, items))))
    return flags
