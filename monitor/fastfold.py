"""``cchc.vntext.fold`` at C speed, for the monitor's hot path (every article is folded several
times: lexicon, near-duplicates, kind, language, attribution).

The same steps as the reference (đ→d, NFD, drop combining marks, lower-case, single spaces), each
done by one C-level call instead of a Python loop over characters: the marks are dropped by one
regular expression whose class is every ``Mn`` code point of the Basic Multilingual Plane in this
Python's Unicode database, or, when ASCII and marks are all there is, by an ASCII encode. Text
with characters beyond that plane goes to the reference.

When the package was built with its C extension (``monitor/_textscan.c``), folding is one pass
over the text from a per-character table that ``_describe`` fills: faster again, and the same.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from cchc.vntext import fold as reference_fold

try:
    from monitor import _textscan
except ImportError:  # built without a C compiler: the Python steps below give the same result
    _textscan = None

_BMP_END = 0x10000
T = TypeVar("T")


def _mark_class() -> str:
    ranges: list[tuple[int, int]] = []
    for code in range(_BMP_END):
        if unicodedata.category(chr(code)) == "Mn":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in ranges)


_MARK_CLASS = _mark_class()
_MARKS = re.compile(f"[{_MARK_CLASS}]+")
_NOT_ASCII_OR_MARK = re.compile(f"[^\\x00-\\x7f{_MARK_CLASS}]")
_ASTRAL = re.compile("[\\U00010000-\\U0010ffff]")
_MARK_OR_ASTRAL = re.compile(f"[{_MARK_CLASS}\\U00010000-\\U0010ffff]")


def fold(text: str | None) -> str:
    """Lower-case, diacritics-free, single-spaced form; equal to ``cchc.vntext.fold(text)``."""
    if not text:
        return ""
    lowered = _unmarked_lower(text)
    return reference_fold(text) if lowered is None else " ".join(lowered.split())


def fold_unspaced(text: str | None) -> str:
    """``fold(text)`` before its whitespace is collapsed, for callers that split it anyway:
    ``" ".join(fold_unspaced(text).split()) == fold(text)``."""
    if not text:
        return ""
    lowered = _unmarked_lower(text)
    return reference_fold(text) if lowered is None else lowered


def word_count(text: str) -> int:
    """``len(text.split())``, without making the words when the C extension was built."""
    return _textscan.word_count(text) if _textscan is not None else len(text.split())


def folding_keeps_words(text: str) -> bool:
    """True when the words of ``fold(text)`` are the folded words of ``text``: no combining mark
    (dropping one would join the letters around it) and nothing beyond the BMP."""
    return _MARK_OR_ASTRAL.search(text) is None


def fold_lines_unspaced(text: str) -> list[str]:
    """``[fold_unspaced(line) for line in text.splitlines()]`` in one pass over the text: line
    breaks are untouched by decomposition, mark removal and lower-casing (unless dropping marks
    joins "\r" and "\n" into one break: then line by line)."""
    lowered = _unmarked_lower(text)
    lines = lowered.splitlines() if lowered is not None else []
    if lowered is None or len(lines) != len(text.splitlines()):
        return [fold_unspaced(line) for line in text.splitlines()]
    return lines


def remember_recent(compute: Callable[[str], T]) -> Callable[[str], T]:
    """``compute`` with its last few results kept by string object: relevance, SimHash, kind and
    language fold and normalise the same title and body (the same objects) one after the other,
    so each is computed once. An entry holds its string, so its id is not reused meanwhile."""
    recent: dict[int, tuple[str, T]] = {}

    @functools.wraps(compute)
    def remembered(text: str) -> T:
        known = recent.get(id(text))
        if known is not None and known[0] is text:  # the same live object, so the same text
            return known[1]
        value = compute(text)
        if len(recent) >= _RECENT:
            del recent[next(iter(recent))]  # the oldest
        recent[id(text)] = (text, value)
        return value

    return remembered


_RECENT = 16


@remember_recent
def _unmarked_lower(text: str) -> str | None:
    """đ→d, NFD, marks dropped, lower-cased; None when the text leaves the BMP."""
    if _textscan is not None:
        folded = _textscan.fold_bmp(text)
        if folded is not None:
            return folded
    return _unmarked_lower_steps(text)


def _unmarked_lower_steps(text: str) -> str | None:
    """``_unmarked_lower`` by C-level calls over the whole text (the extension's reference)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    if not _NOT_ASCII_OR_MARK.search(decomposed):  # plain Vietnamese: marks are all non-ASCII
        return decomposed.encode("ascii", "ignore").decode("ascii").lower()
    if _ASTRAL.search(decomposed):
        return None
    return _MARKS.sub("", decomposed).lower()


def _describe(char: str) -> str | None:
    """What ``_unmarked_lower`` makes of one character, for the extension's table; None where a
    text holding it must be folded whole: the final-sigma rule lower-cases Σ by its place in a
    word, and NFD may reorder a mark that is kept (not Mn) around the marks it drops."""
    if char == "Σ" or any(unicodedata.combining(part) and unicodedata.category(part) != "Mn"
                          for part in unicodedata.normalize("NFD", char)):
        return None
    return _unmarked_lower_steps(char)  # None beyond the BMP


if _textscan is not None:
    _textscan.configure(_describe)
