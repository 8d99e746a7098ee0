"""Per-agency index of items: built once, then every (rule, period) cell is a few bisects.

Items are bucketed by agency and signature (see :mod:`rules.matching`) and sorted by their
Vietnamese day, so counting a period is two ``bisect`` calls per matching bucket (built by
:mod:`rules.index_build`).
Items needing per-item judgement — members of a near-duplicate cluster within one agency, or
items with a rule-specific override — go to a small ``special`` list handled one by one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import add, attrgetter, sub

from rules.items import Item, Override
from rules.matching import RuleMatcher, Signature, signature_of
from rules.model import Match
from rules.periods import vn_ordinal

EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()
order_key = attrgetter("published_at", "article_id")


@dataclass(frozen=True, slots=True)
class Selection:
    """The items of one cell (deterministic order), plus how each was judged."""

    items: tuple[Item, ...]
    notes: tuple[tuple[int, str], ...] = ()  # (article_id, counted_as) when not plain "counted"
    duplicates: tuple[tuple[Item, Item], ...] = ()  # (duplicate, the item counted instead)


class Bucket:
    """Items of one signature sorted by day; ``keys`` are ``base`` + days since 1970."""

    __slots__ = ("base", "items", "keys")

    def __init__(self, items: list[Item], keys: list[int], base: int = 0) -> None:
        self.items, self.keys, self.base = items, keys, base

    def span(self, first: int, last: int) -> list[Item]:
        """Items whose day ordinal is in [first, last]."""
        keys = self.keys
        lo = bisect_left(keys, self.base + first - EPOCH_ORDINAL)
        return self.items[lo:bisect_right(keys, self.base + last - EPOCH_ORDINAL, lo)]

    def add(self, item: Item) -> None:
        key = self.base + vn_ordinal(item.published_at) - EPOCH_ORDINAL
        position = bisect_right(self.keys, key)
        self.keys.insert(position, key)
        self.items.insert(position, item)

    def remove(self, item: Item) -> None:
        key = self.base + vn_ordinal(item.published_at) - EPOCH_ORDINAL
        position = bisect_left(self.keys, key)
        while self.items[position].article_id != item.article_id:
            position += 1
        del self.items[position], self.keys[position]


class AgencyIndex:
    """All items of one agency (every-rule overrides already applied)."""

    def __init__(self, buckets: dict[Signature, Bucket], special: list[Item],
                 rule_overrides: dict[tuple[int, str], Override]) -> None:
        self.buckets = buckets
        self.special = special
        self.rule_overrides = rule_overrides
        self._special_ids = {article_id for article_id, _ in rule_overrides}
        # caches keyed by what decides them (a rule's Match; rule id too, for overrides)
        self._matching: dict[Match, list[Bucket]] = {}
        self._special_cache: dict[tuple[str, Match], list[tuple[int, Item, str]]] = {}
        self._duplicates_cache: dict[tuple[str, Match], list[tuple[Item, Item]]] = {}
        self._clusters: Counter[int] | None = None
        self._singletons: dict[int, Item] | None = None
        # incremental mode: one day-sorted bucket per Match, kept up to date on add/remove
        self.merged: dict[Match, tuple[RuleMatcher, Bucket]] | None = None

    def select(self, matcher: RuleMatcher, first: int, last: int) -> Selection:
        """Counted items with a Vietnamese day ordinal in [first, last]."""
        if self.merged is not None:
            found = self._merged(matcher).span(first, last)
        else:
            found = []
            for bucket in self._matching_buckets(matcher):
                found += bucket.span(first, last)
        if not self.special:
            return Selection(tuple(found))
        return self._with_special(matcher, first, last, found)

    def active_days(self, matcher: RuleMatcher, first: int, last: int) -> list[int]:
        """Sorted distinct day ordinals in [first, last] holding a counted item."""
        buckets = ([self._merged(matcher)] if self.merged is not None
                   else self._matching_buckets(matcher))
        days: set[int] = set()
        for bucket in buckets:
            keys = bucket.keys
            lo = bisect_left(keys, bucket.base + first - EPOCH_ORDINAL)
            hi = bisect_right(keys, bucket.base + last - EPOCH_ORDINAL, lo)
            days.update(map(add, keys[lo:hi], repeat(EPOCH_ORDINAL - bucket.base)))
        if self.special:
            days.update(day for day, _, _ in self._representatives(matcher)
                        if first <= day <= last)
        return sorted(days)

    def _matching_buckets(self, matcher: RuleMatcher) -> list[Bucket]:
        buckets = self._matching.get(matcher.rule.match)
        if buckets is None:
            buckets = self._matching[matcher.rule.match] = [
                b for sig, b in sorted(self.buckets.items()) if matcher(sig)]
        return buckets

    def _merged(self, matcher: RuleMatcher) -> Bucket:
        """All fast-path items the rule's Match accepts, in one day-sorted bucket."""
        assert self.merged is not None
        known = self.merged.get(matcher.rule.match)
        if known is not None:
            return known[1]
        items: list[Item] = []
        days: list[int] = []
        for bucket in self._matching_buckets(matcher):
            items += bucket.items
            days += map(sub, bucket.keys, repeat(bucket.base))
        order = sorted(range(len(days)), key=days.__getitem__)
        merged = Bucket(list(map(items.__getitem__, order)), list(map(days.__getitem__, order)))
        self.merged[matcher.rule.match] = (matcher, merged)
        return merged

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
            (dup, kept) for dup, kept in self._duplicates_cache[_special_key(matcher)]
            if kept.article_id in kept_ids
        )
        return Selection(tuple(found), tuple(notes), duplicates)

    def _representatives(self, matcher: RuleMatcher) -> list[tuple[int, Item, str]]:
        """Special items counting for the rule, the earliest of each cluster only (cached)."""
        cached = self._special_cache.get(_special_key(matcher))
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
        self._special_cache[_special_key(matcher)] = result
        self._duplicates_cache[_special_key(matcher)] = duplicates
        return result

    def add(self, item: Item) -> None:
        """Index one more item (incremental evaluation); a second cluster member turns special."""
        self._invalidate()
        cluster = item.cluster_id
        clusters = self._cluster_counts()
        if cluster is not None:
            clusters[cluster] += 1
            if clusters[cluster] == 2:
                first = self._singleton_map().pop(cluster, None)
                if first is not None:
                    self._unbucket(first)
                    self.special.append(first)
        if (cluster is not None and clusters[cluster] > 1) or item.article_id in self._special_ids:
            self.special.append(item)
            return
        if cluster is not None:
            self._singleton_map()[cluster] = item
        signature = signature_of(item)
        if signature not in self.buckets:
            self.buckets[signature] = Bucket([], [])
            self._matching.clear()
        self.buckets[signature].add(item)
        for matcher, bucket in (self.merged or {}).values():
            if matcher(signature):
                bucket.add(item)

    def remove(self, item: Item) -> None:
        """Forget an item (its article was updated); clusters left with one member stay special."""
        self._invalidate()
        if item in self.special:
            self.special.remove(item)
        else:
            self._unbucket(item)
            if item.cluster_id is not None:
                self._singleton_map().pop(item.cluster_id, None)
        if item.cluster_id is not None:
            self._cluster_counts()[item.cluster_id] -= 1

    def _unbucket(self, item: Item) -> None:
        signature = signature_of(item)
        self.buckets[signature].remove(item)
        for matcher, bucket in (self.merged or {}).values():
            if matcher(signature):
                bucket.remove(item)

    def _all_items(self) -> Iterable[Item]:
        for bucket in self.buckets.values():
            yield from bucket.items
        yield from self.special

    def _cluster_counts(self) -> Counter[int]:
        if self._clusters is None:
            self._clusters = Counter(i.cluster_id for i in self._all_items() if i.cluster_id)
        return self._clusters

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


def _special_key(matcher: RuleMatcher) -> tuple[str, Match]:
    return matcher.rule.id, matcher.rule.match
