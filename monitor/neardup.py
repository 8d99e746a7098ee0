"""Near-duplicate detection for articles syndicated across portals.

A provincial story is often republished by the province portal, the newspaper and a district
site with a different header, footer, "Nguồn:" line or title. SimHash over 3-word shingles of the
folded body survives such edits; a banded index finds candidates without comparing every pair.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable
from hashlib import blake2b

from monitor.fastfold import fold, fold_lines

SHINGLE_WORDS = 3
MIN_WORDS = 30
BANDS = 4
BAND_BITS = 16
_MASK64 = (1 << 64) - 1
_WORD = re.compile(r"\w+")
# Credit, source and share lines differ between portals and say nothing about the story.
_BOILERPLATE = re.compile(
    r"^(?:nguon|theo|tac gia|anh|tin,? anh|bai,? anh|video|chia se|in bai|ban quyen|"
    r"cap nhat|ngay dang|luot xem|tu khoa|tags?|xem them|tin lien quan|doc them)\b"
)
_MIN_LINE_WORDS = 6
_MAX_CREDIT_WORDS = 25
_MAX_HEADLINE_WORDS = 25


def _stable_hash(data: str) -> int:
    return int.from_bytes(blake2b(data.encode("utf-8"), digest_size=8).digest(), "big")


def _to_signed(value: int) -> int:
    """Fit an unsigned 64-bit value into a signed BIGINT column."""
    return value - (1 << 64) if value >= 1 << 63 else value


def simhash(text: str) -> int:
    """64-bit SimHash of ``text`` (the body, optionally after a title line) as a signed int64.

    Texts with fewer than ``MIN_WORDS`` story words get a hash of their whole folded form instead:
    too few shingles make SimHash noisy, so short texts only match when they are equal once folded.
    """
    words = _body_words(text)
    if len(words) < MIN_WORDS:
        return _to_signed(_stable_hash("short\x00" + " ".join(_WORD.findall(fold(text)))))
    encoded = " ".join(words).encode("utf-8").split(b" ")  # one encode for every shingle
    shingles = {b" ".join(gram) for gram in zip(*(encoded[i:] for i in range(SHINGLE_WORDS)))}
    digests = b"".join([blake2b(shingle, digest_size=8).digest() for shingle in shingles])
    return _to_signed(_combine(digests, len(shingles)))


def _body_words(text: str) -> list[str]:
    """Folded words of the story lines: credit/share lines, short header/footer lines and a
    leading headline (portals rewrite titles when they republish) are left out."""
    text = text or ""
    lines = [folded for line, folded in zip(text.splitlines(), fold_lines(text)) if line.strip()]
    if len(lines) > 1 and _is_headline(lines[0]):
        lines = lines[1:]
    words: list[str] = []
    for line in lines:
        line_words = _WORD.findall(line)
        short = len(line_words) < _MIN_LINE_WORDS
        if short or (len(line_words) <= _MAX_CREDIT_WORDS and _BOILERPLATE.match(line)):
            continue
        words.extend(line_words)
    return words


def _is_headline(line: str) -> bool:
    return len(_WORD.findall(line)) <= _MAX_HEADLINE_WORDS and not line.endswith(
        (".", "!", "?", "…")
    )


def _combine(digests: bytes, count: int) -> int:
    """Set each bit held by more than half of ``count`` concatenated 8-byte big-endian hashes.

    Counted per byte column with C-level ``translate``/``count`` rather than bit by bit.
    """
    result = 0
    for column in range(8):
        values = digests[column::8]
        shift = (7 - column) * 8
        for bit in range(8):
            if 2 * values.translate(_BIT_SET[bit]).count(1) > count:
                result |= 1 << (shift + bit)
    return result


_BIT_SET = [bytes(value >> bit & 1 for value in range(256)) for bit in range(8)]


def hamming(a: int, b: int) -> int:
    """Number of differing bits between two SimHashes (signed or unsigned)."""
    return ((a ^ b) & _MASK64).bit_count()


class NearDuplicateIndex:
    """Banded LSH over 64-bit SimHashes: 4 bands of 16 bits.

    Two hashes within 3 bits agree exactly on at least one band (pigeonhole), so ``find`` with
    ``max_distance <= 3`` is exact; larger distances fall back to a full scan.
    """

    def __init__(self) -> None:
        self._bands: list[dict[int, list[Hashable]]] = [defaultdict(list) for _ in range(BANDS)]
        self._hashes: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self._hashes)

    def add(self, key: Hashable, simhash: int) -> None:
        if key in self._hashes:
            self.remove(key)
        self._hashes[key] = simhash
        for band, value in enumerate(_band_values(simhash)):
            self._bands[band][value].append(key)

    def remove(self, key: Hashable) -> None:
        old = self._hashes.pop(key, None)
        if old is None:
            return
        for band, value in enumerate(_band_values(old)):
            bucket = self._bands[band][value]
            bucket.remove(key)
            if not bucket:
                del self._bands[band][value]

    def find(self, simhash: int, max_distance: int = 3) -> list[Hashable]:
        """Keys whose hash is within ``max_distance`` bits, nearest first."""
        if max_distance >= BANDS:
            candidates: Iterable[Hashable] = self._hashes
        else:
            candidates = {
                key
                for band, value in enumerate(_band_values(simhash))
                for key in self._bands[band].get(value, ())
            }
        scored = [(hamming(simhash, self._hashes[key]), key) for key in candidates]
        hits = [(distance, key) for distance, key in scored if distance <= max_distance]
        hits.sort(key=lambda pair: (pair[0], str(pair[1])))
        return [key for _, key in hits]


def _band_values(simhash: int) -> list[int]:
    unsigned = simhash & _MASK64
    mask = (1 << BAND_BITS) - 1
    return [unsigned >> (band * BAND_BITS) & mask for band in range(BANDS)]
