from __future__ import annotations

import unicodedata

import pytest

from monitor.kind import KINDS, detect_kind


def kind(**kwargs: object) -> str:
    result, reason = detect_kind(**kwargs)  # type: ignore[arg-type]
    assert result in KINDS and reason
    return result


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("phong_su", "phong_su"),
        ("Phóng sự", "phong_su"),
        ("chuyen-muc", "chuyen_muc"),
        ("video", "video"),
        ("chuong_trinh", "chuong_trinh"),
        ("bai", "bai"),
        ("tin", "tin"),
    ],
)
def test_explicit_hint_wins(hint: str, expected: str) -> None:
    assert kind(kind_hint=hint, url="https://x.vn/video/1", section="Chuyên mục CCHC") == expected


def test_unknown_hint_is_ignored() -> None:
    assert kind(kind_hint="gì đó", url="https://x.vn/video/abc") == "video"


def test_jsonld_video_object() -> None:
    assert kind(jsonld_type="VideoObject", duration_seconds=95) == "video"
    assert kind(jsonld_type="https://schema.org/VideoObject") == "video"


def test_video_object_that_is_a_programme() -> None:
    result, reason = detect_kind(jsonld_type="VideoObject", section="Chương trình truyền hình")
    assert result == "chuong_trinh" and "VideoObject" in reason
    assert kind(jsonld_type="VideoObject", duration_seconds=13 * 60) == "chuong_trinh"
    assert (
        kind(jsonld_type="VideoObject", url="https://dai.vn/chuong-trinh/cchc-so-12")
        == "chuong_trinh"
    )


def test_jsonld_episode_and_reportage() -> None:
    assert kind(jsonld_type="TVEpisode") == "chuong_trinh"
    assert kind(jsonld_type="ReportageNewsArticle") == "phong_su"


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("Chuyên mục Cải cách hành chính", "chuyen_muc"),
        ("Trao đổi ý kiến bạn đọc", "chuyen_muc"),
        ("Hỏi - đáp pháp luật", "chuyen_muc"),
        ("Phóng sự", "phong_su"),
        ("Phóng sự - Ký sự", "phong_su"),
        ("Chương trình phát thanh tiếng Mông", "chuong_trinh"),
        ("Truyền hình", "chuong_trinh"),
        ("Video", "video"),
        ("Tin tức - Sự kiện", "tin"),
    ],
)
def test_section_names(section: str, expected: str) -> None:
    assert kind(section=section) == expected
    assert kind(section=unicodedata.normalize("NFD", section)) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://baohagiang.vn/video/cchc-vi-xuyen-123.html", "video"),
        ("https://hagiangtv.vn/chuong-trinh/cai-cach-hanh-chinh/so-5", "chuong_trinh"),
        ("https://baohagiang.vn/phong-su/nguoi-dan-o-mot-cua-9.html", "phong_su"),
        ("https://x.vn/hoi-dap/thu-tuc-ho-tich", "chuyen_muc"),
        ("https://baohagiang.vn/tin-tuc/cchc-2024.html", "tin"),
        ("https://x.vn/videogame-review", "tin"),
    ],
)
def test_url_patterns(url: str, expected: str) -> None:
    assert kind(url=url) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("[Video] Một cửa huyện Vị Xuyên đón dân từ sớm", "video"),
        ("Video: Hướng dẫn nộp hồ sơ trực tuyến", "video"),
        ("Phóng sự: Một ngày ở Trung tâm phục vụ hành chính công", "phong_su"),
        ("Trao giải cuộc thi phóng sự về cải cách hành chính", "tin"),
        ("Chuyên mục Cải cách hành chính số 3 năm 2024", "chuyen_muc"),
        ("Trao đổi ý kiến bạn đọc: thủ tục cấp đổi giấy phép lái xe", "chuyen_muc"),
        ("Bài 2: Dịch vụ công trực tuyến về tận bản", "bai"),
        ("Kỳ 1: Những người giữ cửa một cửa", "bai"),
    ],
)
def test_title_cues(title: str, expected: str) -> None:
    assert kind(title=title) == expected


def test_duration_without_other_cues() -> None:
    assert kind(duration_seconds=120) == "video"
    assert kind(duration_seconds=14 * 60) == "chuong_trinh"


def test_length_decides_between_tin_and_bai() -> None:
    assert kind(text="Huyện tổ chức hội nghị. " * 20) == "tin"
    assert kind(text="Huyện tổ chức hội nghị tổng kết năm. " * 150) == "bai"
    assert detect_kind() == ("tin", "mặc định: tin")


def test_section_beats_url_and_title() -> None:
    result, reason = detect_kind(
        section="Phóng sự", url="https://x.vn/video/1", title="[Video] Người dân hài lòng"
    )
    assert result == "phong_su" and "Phóng sự" in reason


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Tọa đàm về cải cách hành chính tại huyện Bắc Mê", "tin"),
        ("Đối thoại trực tuyến với doanh nghiệp về thủ tục đầu tư", "tin"),
        ("Tọa đàm: Chuyển đổi số trong giải quyết thủ tục hành chính", "chuyen_muc"),
        ("[Tọa đàm] Người dân chấm điểm cơ quan hành chính", "chuyen_muc"),
        ("Hỏi đáp về thủ tục cấp căn cước", "chuyen_muc"),
    ],
)
def test_a_title_opening_on_an_event_is_news_about_it(title: str, expected: str) -> None:
    assert detect_kind(title=title, text="Nội dung bài viết ngắn.")[0] == expected
