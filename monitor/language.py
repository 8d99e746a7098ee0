"""Which language an item is in: Vietnamese or an ethnic-minority language.

Plans set quotas for ethnic-language broadcasts ("12 programmes a year in Mông, Dao, Tày"), so the
decision must be explainable. Evidence, strongest first: a non-Vietnamese hint from the source
(``<html lang>``, meta, registry), a "tiếng X" section or broadcast title, the script (Khmer,
Cham, Tai Viet blocks), the orthography of the text itself (Hmong RPA, Iu Mien, Tày–Nùng), and a
bare "tiếng X" title on an item with almost no text. When in doubt the answer is Vietnamese:
sites often declare ``lang="vi"`` on every page, so a "vi" hint never overrides the text.

The Tày and Dao word lists are small and hand-picked (frequent function words that do not occur,
or are rare, as Vietnamese words); Nùng is written like Tày and is only told apart by a hint.
"""

from __future__ import annotations

import re
from collections import Counter

import ahocorasick

from cchc.vntext import nfc
from monitor.fastfold import fold, folding_keeps_words
from monitor.lexicon import normalise

_NAMES: dict[str, tuple[str, ...]] = {
    "vi": ("vi", "vie", "vi-vn", "viet", "tieng viet", "vietnamese", "kinh"),
    "hmn": (
        "hmn",
        "mww",
        "hnj",
        "blu",
        "hmv",
        "hmf",
        "mong",
        "hmong",
        "h'mong",
        "hmông",
        "meo",
        "mong hoa",
        "mong do",
        "mong den",
        "mong trang",
        "mong xanh",
    ),
    "tay": ("tay", "tyz", "tay nung"),
    "nung": ("nung", "nut"),
    "dao": ("dao", "ium", "mji", "mien", "iu mien", "kim mun", "dao do", "dao tien"),
    "pa_then": ("pa then", "pa_then", "pathen", "pha", "pa hung", "pa hng"),
    "cham": ("cham", "cjm", "cja", "tieng cham"),
    "khmer": ("khmer", "km", "khm", "khmer nam bo"),
    "thai": ("thai", "blt", "tmp", "tai dam", "tai don", "tai viet"),
    "ede": ("ede", "e de", "rad", "rhade"),
    "jrai": ("jrai", "jra", "gia rai", "gia-rai"),
    "bahnar": ("bahnar", "bdq", "ba na"),
    "koho": ("koho", "kpm", "co ho", "k'ho"),
}
_BY_NAME = {name: code for code, names in _NAMES.items() for name in names}
# Spoken names that follow "tiếng ..." (ISO codes such as "km" or "rad" would match words).
_SPOKEN = (
    "mong",
    "hmong",
    "h'mong",
    "meo",
    "tay",
    "nung",
    "dao",
    "iu mien",
    "pa then",
    "pa hung",
    "cham",
    "khmer",
    "thai",
    "e de",
    "ede",
    "jrai",
    "gia rai",
    "ba na",
    "bahnar",
    "co ho",
    "k'ho",
)
_LANG_NAMES = "|".join(re.escape(name) for name in sorted(_SPOKEN, key=len, reverse=True))
_TIENG = re.compile(rf"\btieng (?:dan toc )?({_LANG_NAMES})\b")
# A programme named by its language: the broadcast word right before it ("Phát thanh tiếng
# Mông", "Bản tin truyền hình tiếng Tày"). "Tuyên truyền ... bằng tiếng Mông trên sóng phát
# thanh" is Vietnamese news about such broadcasts.
_PROGRAMME_IN = re.compile(
    rf"\b(?:phat thanh|truyen hinh|chuong trinh|ban tin|thoi su|podcast) tieng (?:dan toc )?({_LANG_NAMES})\b"
)

_SCRIPTS = (("khmer", 0x1780, 0x17FF), ("cham", 0xAA00, 0xAA5F), ("thai", 0xAA80, 0xAADF))
_SCRIPT_CHARS = re.compile(
    "[" + "".join(f"\\u{lo:04x}-\\u{hi:04x}" for _, lo, hi in _SCRIPTS) + "]"
)
_WORD = re.compile(r"\w+")

_HMONG_WORDS = frozenset([
    "thiab", "nyob", "hauv", "tsoom", "fwv", "neeg", "cov", "yog", "kev", "ntawm", "muaj",
    "txog", "lub", "txoj", "xeev", "lawv", "peb", "nws", "thaum", "tseem", "yuav", "ntau",
    "tuaj", "kuv", "koj", "hmoob", "tsev", "neeg", "zej", "zog", "ntxiv", "tsis", "hnub",
    "xyoo",
])  # fmt: skip
_HMONG_TONE_END = re.compile(r"[aeiouw][bsjvgxd]$")
_HMONG_START = re.compile(r"^(ntx|nts|tx|ts|nt|np|nk|nq|hm|hn|hl|ny|xy|npl|dl|ndl|plh|qh)")
_MIEN_WORDS = frozenset([
    "nyei", "mienh", "mbuo", "maaih", "yiem", "caux", "zuqc", "gorngv", "nzaangc", "jiex",
    "yie", "meih", "ninh", "mv", "benx",
])  # fmt: skip
_MIEN_TONE = re.compile(r"(aa|ie|uo|ei|ai|ou|orng|aeng)[hcxvz]$|[aeiou]q[cv]$")
_TAY_WORDS = frozenset([
    "mì", "pây", "hẩu", "bấu", "dú", "nhằng", "noọng", "pỉ", "slư", "slon", "hăn", "nặm", "vằn",
    "bươn", "đảy", "pền", "tọ", "mừa", "khửn", "cạ", "phuối", "nẩy", "lăng", "tằng",
])  # fmt: skip
_TAY_STRONG_STARTS = ("sl", "pj", "bj", "mj", "kj")
_TAY_DOUBLE_VOWEL = re.compile(r"o[oóòỏõọ]|[oóòỏõọ]o")
_TAY_FOLDED: dict[str, list[str]] = {}  # folded form -> Tày words
for _word in sorted(_TAY_WORDS):
    _TAY_FOLDED.setdefault(fold(_word), []).append(_word)
_FOLDED_KNOWN = _HMONG_WORDS | _MIEN_WORDS | frozenset(_TAY_FOLDED)


def _orthography_cues() -> ahocorasick.Automaton:
    """Every known word as " word " (a whole word of normalised text) and every strong Tày
    word start as " sl" (a word's beginning), found in one C pass over the text."""
    automaton = ahocorasick.Automaton()
    for word in _FOLDED_KNOWN:
        automaton.add_word(f" {word} ", word)
    for start in _TAY_STRONG_STARTS:
        automaton.add_word(f" {start}", None)
    automaton.make_automaton()
    return automaton


_ORTHOGRAPHY_CUES = _orthography_cues()


def detect_language(*, title: str, text: str, hint: str = "") -> tuple[str, str]:
    """Return ``(code, reason)``; the code is one of the keys of the language table, "vi" when
    unsure, and the reason says (in Vietnamese) what decided it."""
    hinted = _from_name(hint)
    if hinted and hinted != "vi":
        return hinted, f"nguồn khai báo ngôn ngữ: {hint.strip()}"
    folded_title = fold(title)
    cue = _TIENG.search(folded_title)
    programme = _PROGRAMME_IN.search(folded_title)
    if programme:
        return _BY_NAME[programme.group(1)], f"tiêu đề chương trình: {nfc(title)[:80]}"
    body = nfc(f"{title}\n{text}")
    found = _by_script(body)
    if found:
        return found
    if _may_be_written_minority(title, text, body.lower()):
        words = _words(body)
        for detector in (_by_hmong, _by_mien, _by_tay):
            found = detector(words)
            if found:
                return found
    if cue and len(text.split()) < 30:
        return _BY_NAME[cue.group(1)], f"tiêu đề ghi tiếng dân tộc: {nfc(title)[:80]}"
    if hinted == "vi":
        return "vi", f"nguồn khai báo ngôn ngữ: {hint.strip()}"
    return "vi", "mặc định: tiếng Việt"


def language_from_section(section: str) -> str | None:
    """Code of a "Tiếng Mông" / "Chương trình tiếng Dao" section, if the section names one."""
    cue = _TIENG.search(fold(section))
    return _BY_NAME[cue.group(1)] if cue else None


def _from_name(hint: str) -> str | None:
    folded = fold(hint).replace("_", " ").strip()
    if not folded:
        return None
    if folded in _BY_NAME:
        return _BY_NAME[folded]
    base = folded.split("-")[0].split(";")[0].strip()
    if base in _BY_NAME:
        return _BY_NAME[base]
    cue = _TIENG.search(folded) or _TIENG.search("tieng " + folded)
    return _BY_NAME[cue.group(1)] if cue else None


def _by_script(body: str) -> tuple[str, str] | None:
    if not _SCRIPT_CHARS.search(body):
        return None
    letters = [ch for ch in body if ch.isalpha()]
    if not letters:
        return None
    for code, low, high in _SCRIPTS:
        share = sum(low <= ord(ch) <= high for ch in letters) / len(letters)
        if share >= 0.3:
            return code, f"chữ viết riêng ({round(share * 100)}% ký tự)"
    return None


def _words(body: str) -> list[str]:
    return list(filter(str.isalpha, _WORD.findall(body.lower())))


def _may_be_written_minority(title: str, text: str, lowered: str) -> bool:
    """False when none of the orthography tests can succeed, judged from the folded words the
    relevance classifier already made instead of splitting the text again. Each test needs a
    few distinct known words or Tày word shapes; folding keeps each of them recognisable (a
    folded Tày word is confirmed by a substring test), so the counts here can only be higher,
    unless folding joins words: then True."""
    if not folding_keeps_words(lowered):
        return True
    folded = normalise(title) + normalise(text)
    cues = [word for _end, word in _ORTHOGRAPHY_CUES.iter(folded)]
    found = {word for word in cues if word is not None}
    if len(found & _HMONG_WORDS) >= 2 or len(found & _MIEN_WORDS) >= 2:
        return True
    if "oo" in folded and _TAY_DOUBLE_VOWEL.search(lowered):
        return True
    tay = sum(word in lowered for key in found for word in _TAY_FOLDED.get(key, ()))
    return tay + cues.count(None) >= 3  # Tày words found, and words with a Tày start


def _by_hmong(words: list[str]) -> tuple[str, str] | None:
    if len(words) < 5:
        return None
    known = sorted(_HMONG_WORDS.intersection(words))  # every known word is ASCII and looks Hmong
    if len(known) < 2:
        return None
    hits = [w for w in words if w.isascii() and _looks_hmong(w)]
    if len(hits) >= 0.3 * len(words) and len(known) >= 2:
        return "hmn", f"chữ Mông (RPA): {len(hits)}/{len(words)} từ, ví dụ {', '.join(known[:5])}"
    return None


def _looks_hmong(word: str) -> bool:
    return word in _HMONG_WORDS or bool(_HMONG_TONE_END.search(word) or _HMONG_START.match(word))


def _by_mien(words: list[str]) -> tuple[str, str] | None:
    if len(words) < 5:
        return None
    known = sorted(_MIEN_WORDS.intersection(words))  # every known word is ASCII
    if len(known) < 2:
        return None
    hits = [w for w in words if w.isascii() and (w in _MIEN_WORDS or _MIEN_TONE.search(w))]
    if len(hits) >= 0.25 * len(words) and len(known) >= 2:
        return (
            "dao",
            f"chữ Dao (Iu Mien): {len(hits)}/{len(words)} từ, ví dụ {', '.join(known[:5])}",
        )
    return None


def _by_tay(tokens: list[str]) -> tuple[str, str] | None:
    if len(tokens) < 5:
        return None
    counts = Counter(tokens)
    distinct = set(_TAY_WORDS.intersection(counts))
    distinct.update(t for t in counts if t.startswith(_TAY_STRONG_STARTS))
    distinct.update(  # the double-vowel pattern always holds a plain "o"
        t for t in counts if "o" in t and not t.isascii() and _TAY_DOUBLE_VOWEL.search(t)
    )
    hits = sum(counts[t] for t in distinct)
    if len(distinct) >= 3 and hits >= 0.06 * len(tokens):
        sample = ", ".join(sorted(distinct)[:6])
        return "tay", f"chữ Tày–Nùng: {hits}/{len(tokens)} từ đặc trưng, ví dụ {sample}"
    return None
