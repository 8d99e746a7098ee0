"""The weighted phrase lexicon behind CCHC relevance: loading and matching.

Matching is done on folded text with punctuation turned into spaces, so "thủ tục hành chính",
"thu tuc hanh chinh", NFD input and "kỷ luật, kỷ cương" / "kỷ luật kỷ cương" all match alike.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from itertools import compress, count, product
from typing import Any

import yaml

from monitor.fastfold import fold_unspaced

_OTHER_SPACE = re.compile(r"[^\S ]")
_PUNCT = re.compile(r"[^\w\s]+[\W_]*")  # spaces before a run are collapsed with the rest


def normalise(text: str) -> str:
    """Folded text with each run of punctuation as a "|" word, padded so phrases match on word
    edges: "điện tử, chữ ký" must not match "tự chủ".

    The last few results are kept by object: relevance and language both read an article's
    title and body this way."""
    known = _recent.get(id(text))
    if known is not None and known[0] is text:
        return known[1]
    marked = _PUNCT.sub(" | ", fold_unspaced(text).replace("_", " "))
    normalised = " " + " ".join(marked.split()) + " "
    if len(_recent) >= _RECENT:
        del _recent[next(iter(_recent))]  # the oldest
    _recent[id(text)] = (text, normalised)
    return normalised


_RECENT = 16
_recent: dict[int, tuple[str, str]] = {}


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
    # first word -> (words, canonical phrase), in the pattern's order of alternatives
    _by_first: dict[str, list[tuple[list[str], str]]] = field(default_factory=dict)
    # first word -> the words that can follow it in a phrase (none for one-word phrases)
    _seconds: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Lexicon:
        weights = {str(k): float(v) for k, v in data["phrases"].items()}
        normalised = {p: normalise(p).strip() for p in weights}
        canonical = {n.replace(" | ", " "): p for p, n in normalised.items()}
        alternatives = sorted(normalised.values(), key=len, reverse=True)
        pattern = re.compile(r"(?<= )(" + "|".join(map(_phrase_regex, alternatives)) + r")(?= )")
        scoring = {k: float(v) for k, v in data["scoring"].items()}
        by_first: dict[str, list[tuple[list[str], str]]] = {}
        for phrase in alternatives:
            entry = canonical[phrase.replace(" | ", " ")]
            for words in _variants(phrase):
                by_first.setdefault(words[0], []).append((words, entry))
        seconds = {
            first: frozenset(words[1] for words, _ in entries)
            for first, entries in by_first.items()
            if all(len(words) > 1 for words, _ in entries)
        }
        version = int(data.get("version", 0))
        return cls(weights, scoring, version, pattern, canonical, by_first, seconds)

    @classmethod
    def default(cls) -> Lexicon:
        text = resources.files("monitor").joinpath("lexicon_cchc.yaml").read_text("utf-8")
        return cls.from_mapping(yaml.safe_load(text))

    def hits(self, normalised: str) -> list[Hit]:
        """Phrases found in already normalised text, longest match first at each position."""
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for phrase, start in self._matches(normalised):
            counts[phrase] += 1
            first.setdefault(phrase, start)
        return [Hit(p, self.weights[p], counts[p], first[p]) for p in counts]

    def _matches(self, normalised: str) -> list[tuple[str, int]]:
        """(canonical phrase, offset) of each match, left to right without overlap.

        ``normalise`` output (single spaces, padded) is matched word by word: a phrase can only
        start on one of its first words (found by C-level lookups) followed by one of its second
        words; there the first alternative of the pattern that fits wins, exactly as in the
        regular expression, which still serves any other spacing.
        """
        words = normalised.split(" ")
        if len(words) < 3 or "  " in normalised or _OTHER_SPACE.search(normalised):
            return [(self._canonical[m.group(1).replace(" | ", " ")], m.start())
                    for m in self._pattern.finditer(normalised)]
        by_first, seconds = self._by_first, self._seconds
        found: list[tuple[int, str]] = []
        index, end = 1, len(words) - 1
        for start in compress(count(), map(by_first.__contains__, words)):
            if start < index:
                continue  # inside the previous match
            followers = seconds.get(words[start])
            if followers is not None and words[start + 1] not in followers:
                continue
            for phrase_words, phrase in by_first[words[start]]:
                after = start + len(phrase_words)
                if after <= end and words[start:after] == phrase_words:
                    found.append((start, phrase))
                    index = after
                    break
        return list(_with_offsets(words, found))


def _with_offsets(words: list[str], found: list[tuple[int, str]]) -> Iterator[tuple[str, int]]:
    """Character offset of each word index: the letters and spaces before it."""
    offset = previous = 0
    for index, phrase in found:
        offset += sum(map(len, words[previous:index])) + index - previous
        previous = index
        yield phrase, offset


def _variants(normalised_phrase: str) -> list[list[str]]:
    """The word sequences a phrase's pattern accepts: each "|" (a comma) present or left out."""
    parts = normalised_phrase.split(" | ")
    out = []
    for kept in product((True, False), repeat=len(parts) - 1):
        words = parts[0].split(" ")
        for keep, part in zip(kept, parts[1:], strict=True):
            words += (["|"] if keep else []) + part.split(" ")
        out.append(words)
    return out
