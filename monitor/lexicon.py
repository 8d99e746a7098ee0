"""The weighted phrase lexicon behind CCHC relevance: loading and matching.

Matching is done on folded text with punctuation turned into spaces, so "thủ tục hành chính",
"thu tuc hanh chinh", NFD input and "kỷ luật, kỷ cương" / "kỷ luật kỷ cương" all match alike.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from cchc.vntext import fold

_PUNCT = re.compile(r"\s*[^\w\s]+[\W_]*")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Folded text with each run of punctuation as a "|" word, padded so phrases match on word
    edges: "điện tử, chữ ký" must not match "tự chủ"."""
    marked = _PUNCT.sub(" | ", fold(text).replace("_", " "))
    return " " + _SPACES.sub(" ", marked).strip() + " "


def _phrase_regex(normalised_phrase: str) -> str:
    """A phrase written with a comma also matches without it ("kỷ luật, kỷ cương")."""
    return re.escape(normalised_phrase).replace(r"\ \|\ ", r" (?:\| )?")


@dataclass(frozen=True)
class Hit:
    phrase: str  # canonical lexicon form, with diacritics
    weight: float
    count: int
    first: int  # offset of the first occurrence in the normalised text


@dataclass(frozen=True)
class Lexicon:
    weights: dict[str, float]  # canonical phrase -> weight
    scoring: dict[str, float]
    version: int
    _pattern: re.Pattern[str]
    _canonical: dict[str, str]  # normalised phrase -> canonical phrase

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Lexicon:
        weights = {str(k): float(v) for k, v in data["phrases"].items()}
        normalised = {p: normalise(p).strip() for p in weights}
        canonical = {n.replace(" | ", " "): p for p, n in normalised.items()}
        alternatives = sorted(normalised.values(), key=len, reverse=True)
        pattern = re.compile(r"(?<= )(" + "|".join(map(_phrase_regex, alternatives)) + r")(?= )")
        scoring = {k: float(v) for k, v in data["scoring"].items()}
        return cls(weights, scoring, int(data.get("version", 0)), pattern, canonical)

    @classmethod
    def default(cls) -> Lexicon:
        text = resources.files("monitor").joinpath("lexicon_cchc.yaml").read_text("utf-8")
        return cls.from_mapping(yaml.safe_load(text))

    def hits(self, normalised: str) -> list[Hit]:
        """Phrases found in already normalised text, longest match first at each position."""
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        position = 0
        while True:
            match = self._pattern.search(normalised, position)
            if match is None:
                break
            phrase = self._canonical[match.group(1).replace(" | ", " ")]
            counts[phrase] += 1
            first.setdefault(phrase, match.start())
            position = match.end()
        return [Hit(p, self.weights[p], counts[p], first[p]) for p in counts]
