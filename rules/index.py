"""Per-agency index of items: built once, then every (rule, period) cell is a few bisects.

Items are bucketed by signature (see :mod:`rules.matching`) and kept sorted by publication time,
with a parallel list of Vietnamese day ordinals, so counting a period is ``bisect`` per bucket.
Items needing per-item judgement — members of a near-duplicate cluster within the agency, or
items with a rule-specific override — go to a small ``special`` list handled one by one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from operator import attrgetter, methodcaller

from rules.items import Item, Override
from rules.matching import RuleMatcher, Signature, signature_of
from rules.periods import vn_ordinal

_VN_OFFSET_S = 7 * 3600
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
order_key = attrgetter("published_at", "article_id")
_published = attrgetter("published_at")
_timestamp = methodcaller("timestamp")


@dataclass(frozen=True, slots=True)
class Selection:
    """The items of one cell: counted ones in deterministic order, plus how each was judged."""

    items: tuple[Item, ...]
    notes: tuple[tuple[int, str], ...] = ()  # (article_id, counted_as) when not plain "counted"
    duplicates: tuple[tuple[Item, Item], ...] = ()  # (duplicate, the item counted instead)


class Bucket:
    __slots__ = ("days", "items")

    def __init__(self, items: list[Item]) -> None:
        items.sort(key=order_key)
        self.items = items
        self.days = [
            int(ts + _VN_OFFSET_S) // 86400 + _EPOCH_ORDINAL
            for ts in map(_timestamp, map(_published, items))
        ]

    def add(self, item: Item) -> None:
        position = bisect_right(self.items, order_key(item), key=order_key)
        self.items.insert(position, item)
        self.days.insert(position, vn_ordinal(item.published_at))

    def remove(self, item: Item) -> None:
        position = bisect_left(self.items, order_key(item), key=order_key)
        del self.items[position], self.days[position]


class AgencyIndex:
    """All items of one agency (general overrides already applied)."""

    def __init__(self, items: list[Item], rule_overrides: dict[tuple[int, str], Override]) -> None:
        self.rule_overrides = rule_overrides
        self._special_ids = {article_id for article_id, _ in rule_overrides}
        counts = Counter(map(attrgetter("cluster_id"), items))
        shared = {cluster for cluster, n in counts.items() if n > 1 and cluster is not None}
        grouped: dict[Signature, list[Item]] = {}
        self.special: list[Item] = []
        for item in items:
            if item.cluster_id in shared or item.article_id in self._special_ids:
                self.special.append(item)
            else:
                grouped.setdefault(signature_of(item), []).append(item)
        self.clusters = counts
        self.buckets = {sig: Bucket(grouped[sig]) for sig in sorted(grouped)}
        self._special_cache: dict[RuleMatcher, list[tuple[int, Item, str]]] = {}
        self._duplicates_cache: dict[RuleMatcher, list[tuple[Item, Item]]] = {}
        self._singletons: dict[int, Item] | None = None

    def select(self, matcher: RuleMatcher, first: int, last: int) -> Selection:
        """Counted items with a Vietnamese day ordinal in [first, last]."""
        found: list[Item] = []
        for signature, bucket in self.buckets.items():
            if matcher(signature):
                days = bucket.days
                lo = bisect_left(days, first)
                hi = bisect_right(days, last, lo)
                if hi > lo:
                    found += bucket.items[lo:hi]
        if not self.special:
            return Selection(tuple(found))
        return self._with_special(matcher, first, last, found)

    def _with_special(
        self, matcher: RuleMatcher, first: int, last: int, found: list[Item]
    ) -> Selection:
        notes: list[tuple[int, str]] = []
        kept_ids: set[int] = set()
        for day, item, how in self._representatives(matcher):
            if first <= day <= last:
                found.append(item)
                kept_ids.add(item.article_id)
                if how != "counted":
                    notes.append((item.article_id, how))
        duplicates = tuple(
            (dup, kept) for dup, kept in self._duplicates_cache[matcher]
            if kept.article_id in kept_ids
        )
        return Selection(tuple(found), tuple(notes), duplicates)

    def _representatives(self, matcher: RuleMatcher) -> list[tuple[int, Item, str]]:
        """Special items counting for the rule, the earliest of each cluster only (cached)."""
        cached = self._special_cache.get(matcher)
        if cached is not None:
            return cached
        chosen: dict[object, tuple[Item, str]] = {}
        duplicates: list[tuple[Item, Item]] = []
        for item in sorted(self.special, key=order_key):
            counts, how = matcher.item(item, self.rule_overrides)
            if not counts:
                continue
            key = item.article_id if item.cluster_id is None else ("c", item.cluster_id)
            if key in chosen:
                duplicates.append((item, chosen[key][0]))
            else:
                chosen[key] = (item, how)
        result = [(vn_ordinal(i.published_at), i, how) for i, how in chosen.values()]
        self._special_cache[matcher] = result
        self._duplicates_cache[matcher] = duplicates
        return result

    def add(self, item: Item) -> None:
        """Index one more item (incremental evaluation); a second cluster member turns special."""
        self._invalidate()
        cluster = item.cluster_id
        if cluster is not None:
            self.clusters[cluster] += 1
            if self.clusters[cluster] == 2:
                first = self._singleton_map().pop(cluster, None)
                if first is not None:
                    self.buckets[signature_of(first)].remove(first)
                    self.special.append(first)
        if (cluster is not None and self.clusters[cluster] > 1) or (
            item.article_id in self._special_ids
        ):
            self.special.append(item)
            return
        if cluster is not None:
            self._singleton_map()[cluster] = item
        signature = signature_of(item)
        bucket = self.buckets.get(signature)
        if bucket is None:
            self.buckets[signature] = Bucket([item])
            self.buckets = {sig: self.buckets[sig] for sig in sorted(self.buckets)}
        else:
            bucket.add(item)

    def remove(self, item: Item) -> None:
        """Forget an item (its article was updated); clusters left with one member stay special."""
        self._invalidate()
        if item in self.special:
            self.special.remove(item)
        else:
            self.buckets[signature_of(item)].remove(item)
            if item.cluster_id is not None:
                self._singleton_map().pop(item.cluster_id, None)
        if item.cluster_id is not None:
            self.clusters[item.cluster_id] -= 1

    def _singleton_map(self) -> dict[int, Item]:
        if self._singletons is None:
            self._singletons = {
                item.cluster_id: item
                for bucket in self.buckets.values() for item in bucket.items
                if item.cluster_id is not None
            }
        return self._singletons

    def _invalidate(self) -> None:
        self._special_cache.clear()
        self._duplicates_cache.clear()


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
        items = [adjust(item, general.get(item.article_id)) for item in items]
        items = [item for item in items if item is not None]
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
    adjusted, specific = apply_general_overrides(items, overrides)
    by_agency: dict[str, list[Item]] = {}
    for item in adjusted:
        by_agency.setdefault(item.agency_id, []).append(item)
    indexes = {agency: AgencyIndex(group, specific) for agency, group in by_agency.items()}
    return indexes, specific
