"""Building the per-agency index at C speed (``map``/``sorted`` over parallel lists), because it
touches every stored article; see :mod:`rules.index` for the structure it builds."""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from itertools import compress, repeat
from operator import add, attrgetter, not_, or_, sub

from rules.index import AgencyIndex, Bucket
from rules.items import Item, Override

_SHIFT = 1 << 24  # keys are code * _SHIFT + days since 1970 (Vietnam time)
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
    signatures = list(map(_agency_signature, items))
    distinct = sorted(set(signatures))
    code = {sig: n * _SHIFT for n, sig in enumerate(distinct)}
    days = map(_days, map(sub, map(_published, items), repeat(_VN_EPOCH)))
    keys = list(map(add, map(code.__getitem__, signatures), days))
    order = sorted(range(len(keys)), key=keys.__getitem__)
    ordered = list(map(items.__getitem__, order))
    ordered_keys = list(map(keys.__getitem__, order))
    flags = _special_flags(items, specific)
    special_flags = list(map(flags.__getitem__, order)) if flags else None
    indexes: dict[str, AgencyIndex] = {}
    lo = 0
    for sig in distinct:
        hi = bisect_left(ordered_keys, code[sig] + _SHIFT, lo)
        index = indexes.get(sig[0])
        if index is None:
            index = indexes[sig[0]] = AgencyIndex({}, [], specific)
        marks = special_flags[lo:hi] if special_flags else None
        if marks and any(marks):
            index.special += compress(ordered[lo:hi], marks)
            keep = list(map(not_, marks))
            bucket = Bucket(list(compress(ordered[lo:hi], keep)),
                            list(compress(ordered_keys[lo:hi], keep)), code[sig])
        else:
            bucket = Bucket(ordered[lo:hi], ordered_keys[lo:hi], code[sig])
        index.buckets[sig[1:]] = bucket
        lo = hi
    return indexes, specific


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
