"""The C text passes (``monitor/_textscan.c``) against the Python code they replace, which stays
their reference: on generated text of every kind and on the labelled Vietnamese news."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import fastfold, lexicon, neardup
from monitor.fastfold import _describe, _unmarked_lower_steps

if fastfold._textscan is None:  # under CCHC_REQUIRE_ALL=1 (scripts/test) this skip fails
    pytest.skip("monitor._textscan was not built (no C compiler when the package was installed): "
                "`pip install -e .` again with gcc", allow_module_level=True)
textscan = fastfold._textscan

MANY = settings(max_examples=600, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
VIETNAMESE = "ạảãàáâậầấẩẫăắằặẳẵóòọõỏôộổỗồốơờớợởỡéèẻẹẽêếềệểễúùủũụưựữửừứíìỉịĩýỳỷỵỹđ"
# letters of other scripts, marks kept or dropped by NFD, the final-sigma letter, a digraph (ǅ),
# a dotted capital (İ), Hangul syllables (several letters in NFD), characters beyond the BMP
SPECIAL = "ΣσςΑΩДжİǅǄﬁ한글\u0301\u0345\u0f39\u1b44\ua953\u302e\U0001d165\U0001f600"
texts = st.text(st.one_of(
    st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + SPECIAL),
    st.sampled_from(" \t\n\r\u00a0\u2028_.,;:!?-–—()[]\"'|/%…"),
    st.characters(codec="utf-8"),
    st.characters(min_codepoint=0x20, max_codepoint=0x7e),
), max_size=80)


def labelled_texts(corpus_dir: Path) -> list[str]:
    items = [json.loads(line) for line in (corpus_dir / "cchc-dev.jsonl").open(encoding="utf-8")]
    return [text for item in items for text in (item["title"], item["text"])]


@MANY
@given(texts)
def test_folding_is_the_reference_or_defers_to_it(text: str) -> None:
    folded = textscan.fold_bmp(text)
    if folded is None:  # only for text that a character's table entry cannot fold alone
        assert any(ord(char) >= 0x10000 or _describe(char) is None for char in text)
    else:
        assert folded == _unmarked_lower_steps(text)


@MANY
@given(texts)
def test_punctuation_marking_is_the_reference(text: str) -> None:
    assert textscan.mark_punctuation(text) == lexicon._mark_punctuation_steps(text)


@MANY
@given(texts)
def test_word_count_is_the_number_of_split_words(text: str) -> None:
    assert textscan.word_count(text) == len(text.split())


def reference_simhash(lines: list[str]) -> int:
    words = [word for line in lines for word in neardup._words(line)]
    return neardup._majority(neardup._shingle_hashes(words))


@MANY
@given(texts)
def test_word_runs_are_the_words_the_reference_finds(text: str) -> None:
    assert textscan.word_runs(text) == len(neardup._WORD.findall(text))


WORDS = st.sampled_from(["cai", "cach", "hanh", "chinh", "mot", "cua", "so", "noi", "vu",
                         "2024", "x", "đ", "thủ", "_", "a_b", "Σ", "한"])


@MANY
@given(st.lists(st.builds(" ".join, st.lists(WORDS, max_size=12)).map(lambda line: line + ", ."),
                min_size=1, max_size=12))
def test_simhash_of_story_lines_is_the_reference(lines: list[str]) -> None:
    """Lines of words with many repeated shingles (only distinct ones vote), a shingle across
    a line break, words with "_" and letters of other scripts."""
    if sum(map(textscan.word_runs, lines)) < 3:
        with pytest.raises(ValueError):
            textscan.story_simhash(lines, neardup._WORD_HASHES)
    else:
        assert textscan.story_simhash(lines, neardup._WORD_HASHES) == reference_simhash(lines)


def test_more_distinct_words_than_the_c_table_keeps_still_hash_alike() -> None:
    """Past half of its 65,536 slots the table of known words starts again."""
    lines = [" ".join(f"tu{n}x{k}" for k in range(50)) for n in range(1_000)]  # 50,000 words
    for start in (0, 500):
        part = lines[start : start + 700]
        assert textscan.story_simhash(part, neardup._WORD_HASHES) == reference_simhash(part)


def test_the_labelled_news_folds_marks_and_hashes_as_the_reference(corpus_dir: Path) -> None:
    checked = 0
    for text in labelled_texts(corpus_dir):
        nfd = unicodedata.normalize("NFD", text)
        for form in (text, nfd):
            folded = textscan.fold_bmp(form)
            assert folded == _unmarked_lower_steps(form)
            assert textscan.mark_punctuation(folded) == lexicon._mark_punctuation_steps(folded)
        lines, count = neardup._story_lines(text)
        assert count == sum(len(neardup._words(line)) for line in lines)
        if count >= 3:
            assert textscan.story_simhash(lines, neardup._WORD_HASHES) == reference_simhash(lines)
            checked += 1
    assert checked > 100


def test_characters_that_fold_apart_from_their_neighbours_go_to_the_reference() -> None:
    assert _describe("Σ") is None  # "ΟΔΟΣ".lower() ends in ς, "ΣΑ".lower() starts with σ
    assert _describe("\u1b44") is None  # a kept mark (Mc) that NFD reorders
    assert textscan.fold_bmp("ΟΔΟΣ ΣΑ") is None
    assert fastfold.fold("ΟΔΟΣ ΣΑ") == "οδος σα"
    assert textscan.fold_bmp("Người ĐÃ İ ǅ") == "nguoi da i ǆ"  # ǅ has no canonical parts
    hangul = textscan.fold_bmp("한")  # one syllable, three letters (jamo) in NFD
    assert hangul == _unmarked_lower_steps("한") and len(hangul) == 3
    assert textscan.fold_bmp("a\U0001f600") is None  # beyond the BMP: the reference


def test_the_table_of_known_words_belongs_to_one_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """A word's value comes from the cache given, not from what another cache said of it."""
    lines = ["alpha beta gamma delta epsilon"]
    mine = {word: 1 << n for n, word in enumerate(lines[0].split())}
    assert textscan.story_simhash(lines, neardup._WORD_HASHES) == reference_simhash(lines)
    monkeypatch.setattr(neardup, "_WORD_HASHES", mine)
    assert textscan.story_simhash(lines, mine) == reference_simhash(lines)


def test_a_cache_that_runs_python_code_cannot_break_the_scan() -> None:
    """The cache may change the list of lines, or hash other lines itself, while a text is
    scanned: the scan reads its own copy of the lines and keeps the table consistent."""
    lines = [" ".join(f"xoa{n}" for n in range(100_000))]

    class Clearing(dict):
        def __missing__(self, word: str) -> int:
            lines.clear()
            value = self[word] = len(word)
            return value

    assert isinstance(textscan.story_simhash(lines, Clearing()), int) and lines == []

    class Reentrant(dict):
        def __missing__(self, word: str) -> int:
            value = self[word] = neardup._WORD_HASHES[word]
            textscan.story_simhash([f"{word} lai {word} nua"], self)
            return value

    nested = [" ".join(f"lap{n % 300}" for n in range(3_000))]
    assert textscan.story_simhash(nested, Reentrant()) == reference_simhash(nested)
