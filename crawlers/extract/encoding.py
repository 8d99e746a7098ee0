"""Decode fetched bytes to NFC text even when the site lies about its charset.

Order of trust: a byte-order mark; bytes that are valid UTF-8 (a strong signal on its own, so a
header saying ISO-8859-1 over UTF-8 bytes is overruled); otherwise the declared charsets (HTTP
header, ``<meta>``) and Windows-1258, scored by how Vietnamese the result reads. Windows-1258
yields combining tone marks, so everything ends NFC-normalised.
"""

from __future__ import annotations

import codecs
import unicodedata

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

_VN_LOWER = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
VN_LETTERS = frozenset(_VN_LOWER + _VN_LOWER.upper())
_NEUTRAL = frozenset("\u00a0“”‘’–—…•©®°«»·×€")


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return ``(nfc_text, encoding_used)`` for an HTML/XML body."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding:
        return _nfc(body[len(bom) :].decode(bom_encoding, errors="replace")), bom_encoding
    try:
        return _nfc(body.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    best: tuple[int, str, str] | None = None
    for encoding in _candidates(body, content_type):
        text = _nfc(body.decode(encoding, errors="replace"))
        score = vietnamese_score(text)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    assert best is not None
    return best[1], best[2]


def vietnamese_score(text: str) -> int:
    """Vietnamese letters minus (twice) stray non-ASCII characters that signal mojibake."""
    good = bad = 0
    for char in text:
        if char < "\x80":
            continue
        if char in VN_LETTERS:
            good += 1
        elif char not in _NEUTRAL:
            bad += 1
    return good - 2 * bad


def _candidates(body: bytes, content_type: str | None) -> list[str]:
    declared = [
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(body[:4096]),
    ]
    names: list[str] = []
    for name in [*declared, "cp1258", "cp1252"]:
        normalised = _codec(name)
        if normalised and normalised not in names and normalised != "utf-8":
            names.append(normalised)
    return names


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
