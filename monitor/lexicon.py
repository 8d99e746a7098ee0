"""The weighted phrase lexicon behind CCHC relevance: loading and matching.

Matching is done on folded text with punctuation turned into spaces, so "thủ tục hành chính",
"thu tuc hanh chinh", NFD input and "kỷ luật, kỷ cương" / "kỷ luật kỷ cương" all match alike.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources
from itertools import product
from typing import Any

import ahocorasick
import yaml

from monitor.fastfold import _textscan, fold_unspaced, remember_recent

mark_punctuation = _textscan.mark_punctuation if _textscan is not None else None

_PUNCT = re.compile(r"[^\w\s]+[\W_]*")  # spaces before a run are collapsed with the rest


@remember_recent
def normalise(text: str) -> str:
    """Folded text with each run of punctuation as a "|" word, padded so phrases match on word
    edges: "điện tử, chữ ký" must not match "tự chủ". Remembered: relevance and language both
    read an article's title and body this way."""
    folded = fold_unspaced(text)
    return mark_punctuation(folded) if mark_punctuation else _mark_punctuation_steps(folded)


def _mark_punctuation_steps(folded: str) -> str:
    """``normalise`` of folded text (the extension's reference)."""
    marked = _PUNCT.sub(" | ", folded.replace("_", " "))
    return " " + " ".join(marked.split()) + " "


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
    # every accepted form of every phrase, " padded " -> (canonical phrase, rank in the pattern)
    _automaton: ahocorasick.Automaton = field(default_factory=ahocorasick.Automaton)

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Lexicon:
        weights = {str(k): float(v) for k, v in data["phrases"].items()}
        normalised = {p: normalise(p).strip() for p in weights}
        canonical = {n.replace(" | ", " "): p for p, n in normalised.items()}
        alternatives = sorted(normalised.values(), key=len, reverse=True)
        pattern = re.compile(r"(?<= )(" + "|".join(map(_phrase_regex, alternatives)) + r")(?= )")
        scoring = {k: float(v) for k, v in data["scoring"].items()}
        automaton = ahocorasick.Automaton()
        for rank, phrase in enumerate(alternatives):
            entry = canonical[phrase.replace(" | ", " ")]
            for words in _variants(phrase):
                key = " " + " ".join(words) + " "
                if key not in automaton:  # the pattern's first alternative wins
                    automaton.add_word(key, (len(key), rank, entry))
        automaton.make_automaton()
        version = int(data.get("version", 0))
        return cls(weights, scoring, version, pattern, canonical, automaton)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its phrases and weights (a few KB) and compiled again where it is loaded:
        the monitor's helper process receives it through a pipe before it can read much."""
        mapping = {"phrases": self.weights, "scoring": self.scoring, "version": self.version}
        return (Lexicon.from_mapping, (mapping,))

    @classmethod
    def default(cls) -> Lexicon:
        text = resources.files("monitor").joinpath("lexicon_cchc.yaml").read_text("utf-8")
        return cls.from_mapping(yaml.safe_load(text))

    def hits(self, normalised: str) -> list[Hit]:
        """Phrases found in ``normalise`` output, longest match first at each position."""
        counts: Counter[str] = Counter()
        first: dict[str, int] = {}
        for phrase, start in self._matches(normalised):
            counts[phrase] += 1
            first.setdefault(phrase, start)
        return [Hit(p, self.weights[p], counts[p], first[p]) for p in counts]

    def _matches(self, normalised: str) -> list[tuple[str, int]]:
        """(canonical phrase, offset) of each match, left to right without overlap.

        ``normalise`` output (single spaces, padded) goes through the Aho-Corasick automaton of
        every phrase form with its edge spaces, which reports all matches in C; of those that
        start at one place the pattern's first alternative wins, and a match starts after the
        previous one ended: exactly what the regular expression (``_pattern``, the reference
        the tests hold this to) finds in such text.
        """
        # (offset of the first letter, rank, key length, phrase) of every match
        found = sorted((end - size + 2, rank, size, phrase)
                       for end, (size, rank, phrase) in self._automaton.iter(normalised))
        out: list[tuple[str, int]] = []
        free_from = 0  # a match may begin on the space that ended the previous one
        for start, _rank, size, phrase in found:
            if start >= free_from:
                out.append((phrase, start))
                free_from = start + size - 1
        return out


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
