from __future__ import annotations

import unicodedata

import pytest

from cchc.vntext import fold
from monitor.language import detect_language, language_from_section

VI_TEXT = (
    "Sáng nay, Ủy ban nhân dân xã tổ chức hội nghị tuyên truyền về cải cách hành chính. "
    "Cán bộ bộ phận một cửa hướng dẫn người dân nộp hồ sơ trực tuyến trên Cổng dịch vụ công, "
    "giúp bà con không phải đi lại nhiều lần và tiết kiệm chi phí."
)
# Hand-written sentences in the Hmong Romanized Popular Alphabet (not taken from any corpus).
HMONG_TEXT = (
    "Tsoom fwv teb chaws tau hais txog txoj kev hloov kho kev tswj hwm rau cov neeg nyob hauv "
    "lub xeev thiab cov zos. Cov neeg muaj peev xwm mus ua ntawv ntawm lub chaw ua hauj lwm."
)
# Hand-written Tày–Nùng sentences with frequent Tày function words.
TAY_TEXT = (
    "Pỉ noọng bản Nà Hu mì slư đăng ký hồ sơ, bấu tỏ pây xã lai lần. Cần dú bản hăn "
    "cán bộ mừa hướng dẫn, pền đảy hẩu tằng bản kin dú đây."
)
# Hand-written sentences in the Iu Mien Unified Script.
MIEN_TEXT = (
    "Mbuo mienh yiem naaiv maaih nyei jauv zuqc gorngv caux mienh hnangv haaix nor "
    "mbuo oix zuqc longc nyei sou."
)


def code(**kwargs: str) -> str:
    result, reason = detect_language(**kwargs)
    assert reason
    return result


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("hmn", "hmn"),
        ("mww", "hmn"),
        ("Tiếng Mông", "hmn"),
        ("H'Mông", "hmn"),
        ("tày", "tay"),
        ("tyz", "tay"),
        ("Tiếng Tày", "tay"),
        ("nùng", "nung"),
        ("Dao", "dao"),
        ("Pà Thẻn", "pa_then"),
        ("khmer", "khmer"),
        ("km-KH", "khmer"),
        ("Chăm", "cham"),
        ("tiếng dân tộc Mông", "hmn"),
    ],
)
def test_hint_decides(hint: str, expected: str) -> None:
    assert code(title="Tin cải cách hành chính", text=VI_TEXT, hint=hint) == expected


def test_vietnamese_hint_does_not_override_the_text() -> None:
    assert code(title="Xov xwm", text=HMONG_TEXT, hint="vi") == "hmn"
    result, reason = detect_language(title="Tin", text=VI_TEXT, hint="vi-VN")
    assert result == "vi" and "vi-VN" in reason


def test_unknown_hint_is_ignored() -> None:
    assert code(title="Tin", text=VI_TEXT, hint="xx-unknown") == "vi"


def test_vietnamese_default() -> None:
    assert detect_language(title="Tin", text=VI_TEXT) == ("vi", "mặc định: tiếng Việt")
    assert code(title="Tin", text=fold(VI_TEXT)) == "vi"
    assert code(title="", text="") == "vi"
    assert code(title="News", text="The committee reviewed the reform of procedures today.") == "vi"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Chương trình phát thanh tiếng Mông ngày 5/3", "hmn"),
        ("Phát thanh tiếng Dao: Cải cách hành chính ở xã", "dao"),
        ("Bản tin truyền hình tiếng Tày số 12", "tay"),
        ("Thời sự tiếng Khmer 19h", "khmer"),
    ],
)
def test_broadcast_title_cue(title: str, expected: str) -> None:
    assert code(title=title, text=VI_TEXT) == expected
    assert code(title=unicodedata.normalize("NFD", title), text=VI_TEXT) == expected


def test_topic_title_with_vietnamese_body_stays_vietnamese() -> None:
    assert code(title="Mở lớp học tiếng Mông cho cán bộ xã", text=VI_TEXT) == "vi"


def test_bare_title_cue_on_item_without_text() -> None:
    assert code(title="Tin tiếng Mông: Thủ tục cấp căn cước", text="") == "hmn"


def test_hmong_rpa_text() -> None:
    result, reason = detect_language(title="Xov xwm", text=HMONG_TEXT)
    assert result == "hmn" and "RPA" in reason


def test_tay_text() -> None:
    result, reason = detect_language(title="Pỉ noọng", text=TAY_TEXT)
    assert result == "tay" and "Tày" in reason
    assert code(title="", text=unicodedata.normalize("NFD", TAY_TEXT)) == "tay"


def test_tay_text_known_by_its_word_starts_alone() -> None:
    """No listed Tày word, only words starting "sl", "pj", "bj", "mj", "kj": the pre-check that
    spares Vietnamese texts the full orthography tests must still let this one through."""
    text = "Slam pjoc slinh mjac kjeo bjac slao. Pjai slung mjam kjong slai bjuon."
    assert detect_language(title="Bản tin", text=text)[0] == "tay"


def test_vietnamese_with_some_tay_lookalikes_stays_vietnamese() -> None:
    text = VI_TEXT + " Buổi trưa cán bộ ăn mì, chiều đoàn viếng lăng và thăm bà con."
    assert code(title="Tin", text=text) == "vi"


def test_dao_text() -> None:
    assert code(title="", text=MIEN_TEXT) == "dao"


def test_scripts() -> None:
    assert code(title="", text="ការកែទម្រង់រដ្ឋបាលសាធារណៈ នៅខេត្ត") == "khmer"
    assert code(title="", text="ꨀꨇꨉ ꨆꨨꨪ ꨌꨗꨚ") == "cham"


def test_language_from_section() -> None:
    assert language_from_section("Chương trình tiếng Mông") == "hmn"
    assert language_from_section("Tiếng Pà Thẻn") == "pa_then"
    assert language_from_section("Cải cách hành chính") is None


def test_vietnamese_news_corpus_is_vietnamese(corpus_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    rows = [json.loads(line) for line in (corpus_dir / "cchc-dev.jsonl").open(encoding="utf-8")]
    wrong = [
        row["id"]
        for row in rows
        for text in (row["text"], fold(row["text"]))
        if code(title=row["title"], text=text) != "vi"
    ]
    assert rows and not wrong


def test_news_about_broadcasts_in_a_language_stays_vietnamese() -> None:
    title = "Tuyên truyền cải cách hành chính bằng tiếng Mông trên sóng phát thanh"
    assert code(title=title, text=VI_TEXT) == "vi"
