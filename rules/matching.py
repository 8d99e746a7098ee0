"""The one place that decides whether an item counts for a rule (topic, kind, language, channel,
section, officer overrides).

Items are compared through their *signature* (the fields a Match looks at), so a rule's decision
is computed once per distinct signature rather than once per item.
"""

from __future__ import annotations

from operator import attrgetter

from cchc.vntext import fold
from rules.items import Item, Override
from rules.model import Match, Rule

Signature = tuple[bool, str, str, str, str]  # cchc, kind, language, channel_id, section
signature_of = attrgetter("cchc", "kind", "language", "channel_id", "section")


def signature_matches(match: Match, signature: Signature) -> bool:
    cchc, kind, language, channel, section = signature
    if match.topic == "cchc" and not cchc:
        return False
    if match.kinds and kind not in match.kinds:
        return False
    if match.languages and language not in match.languages:
        return False
    if match.channels and channel not in match.channels:
        return False
    return not match.section or fold(match.section) in fold(section)


class RuleMatcher:
    """A rule's match, memoised per signature; shared by every agency of the rule."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self._cache: dict[Signature, bool] = {}

    def __call__(self, signature: Signature) -> bool:
        known = self._cache.get(signature)
        if known is None:
            known = self._cache[signature] = signature_matches(self.rule.match, signature)
        return known

    def item(self, item: Item, overrides: dict[tuple[int, str], Override]) -> tuple[bool, str]:
        """Whether ``item`` counts, and how ("counted" or "override"), given rule overrides."""
        decision = overrides.get((item.article_id, self.rule.id))
        if decision is not None:
            return decision.counts, "override" if decision.counts else "excluded"
        return self(signature_of(item)), "counted"
