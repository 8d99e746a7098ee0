from __future__ import annotations

import pytest

from monitor.agencies import AgencyDirectory
from monitor.attribution import attribute
from rules.model import Agency

AGENCIES = [
    Agency("hg-so-noi-vu", "Sở Nội vụ tỉnh Hà Giang", "so", aliases=("Sở Nội vụ",)),
    Agency("hg-so-tu-phap", "Sở Tư pháp tỉnh Hà Giang", "so"),
    Agency("hg-huyen-bac-quang", "UBND huyện Bắc Quang", "ubnd_huyen"),
    Agency("hg-cong-ttdt", "Cổng Thông tin điện tử tỉnh Hà Giang", "portal"),
    Agency("hg-bao-ha-giang", "Báo Hà Giang", "newspaper"),
    Agency("nt-so-noi-vu", "Sở Nội vụ tỉnh Ninh Thuận", "so", aliases=("Sở Nội vụ",)),
]
DIRECTORY = AgencyDirectory(AGENCIES)


def test_own_website_counts_for_its_owner_whatever_the_source_line() -> None:
    result = attribute(DIRECTORY, site_owner="hg-so-tu-phap", source_line="Nguồn: Sở Nội vụ")
    assert result.agency_id == "hg-so-tu-phap"
    assert "trang" in result.reason


def test_portal_item_counts_for_the_agency_named_in_its_source_line() -> None:
    result = attribute(DIRECTORY, site_owner="hg-cong-ttdt", source_line="Sở Nội vụ")
    assert result.agency_id == "hg-so-noi-vu"  # same province as the portal, not Ninh Thuận
    assert "Sở Nội vụ" in result.reason


def test_source_line_matches_without_diacritics_and_in_nfd() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Theo UBND huyện Bắc Quang")
    assert attribute(DIRECTORY, site_owner="hg-bao-ha-giang", source_line=nfd).agency_id == (
        "hg-huyen-bac-quang"
    )
    plain = attribute(DIRECTORY, site_owner="hg-bao-ha-giang", author="ubnd huyen bac quang")
    assert plain.agency_id == "hg-huyen-bac-quang"


def test_trailing_nguon_line_in_the_text_is_read() -> None:
    text = "Sáng nay, ... nội dung bài.\nNguồn: Sở Tư pháp tỉnh Hà Giang"
    assert attribute(DIRECTORY, site_owner="hg-cong-ttdt", text=text).agency_id == "hg-so-tu-phap"


def test_shared_channel_without_a_named_agency_counts_for_the_channel() -> None:
    result = attribute(DIRECTORY, site_owner="hg-bao-ha-giang", source_line="Nguồn: TTXVN")
    assert result.agency_id == "hg-bao-ha-giang"


def test_declared_agency_by_name_or_id_wins_and_unknown_is_explained() -> None:
    assert attribute(DIRECTORY, site_owner=None, declared="so tu phap tinh ha giang").agency_id == (
        "hg-so-tu-phap"
    )
    unknown = attribute(DIRECTORY, site_owner=None, declared="Sở Không Có")
    assert unknown.agency_id is None and "Sở Không Có" in unknown.reason


@pytest.mark.parametrize(
    "last_paragraph",
    [
        "Theo Sở Nội vụ, toàn tỉnh có 95% hồ sơ được giải quyết trực tuyến.",
        "Theo Sở Nội vụ tỉnh Hà Giang thì toàn tỉnh có 95% hồ sơ được giải quyết trực tuyến.",
        "Nguồn vốn thực hiện do Sở Tư pháp tỉnh Hà Giang bố trí.",
    ],
)
def test_a_sentence_quoting_an_agency_is_not_a_source_line(last_paragraph: str) -> None:
    """The portal's own story quotes an agency: it still counts for the portal."""
    text = "Cổng thông tin tỉnh đưa tin về cải cách hành chính.\n" + last_paragraph
    result = attribute(DIRECTORY, site_owner="hg-cong-ttdt", text=text)
    assert result.agency_id == "hg-cong-ttdt", result.reason


def test_a_theo_credit_alone_on_its_line_is_read() -> None:
    text = "Huyện đẩy mạnh dịch vụ công trực tuyến.\n(Theo UBND huyện Bắc Quang)"
    result = attribute(DIRECTORY, site_owner="hg-bao-ha-giang", text=text)
    assert result.agency_id == "hg-huyen-bac-quang"


@pytest.mark.parametrize(
    ("source_line", "expected"),
    [
        ("Nguồn: Sở Nội vụ tỉnh Tuyên Quang", None),  # another province's department
        ("Nguồn: Ủy ban Dân tộc", None),  # a national committee, not the province's Ban Dân tộc
        ("Theo Cổng Thông tin điện tử Chính phủ", None),
        ("Nguồn: Sở Nội vụ tỉnh Ninh Thuận", "nt-so-noi-vu"),  # its full name beats the province
        ("Nguồn: Sở Nội vụ", "hg-so-noi-vu"),
        ("Nguồn: Ban Dân tộc", "hg-ban-dan-toc"),
    ],
)
def test_a_name_qualified_by_another_place_is_another_body(
    source_line: str, expected: str | None
) -> None:
    directory = AgencyDirectory([
        *AGENCIES,
        Agency("hg-ban-dan-toc", "Ban Dân tộc tỉnh Hà Giang", "so"),
        Agency("hg-thanh-tra-tinh", "Thanh tra tỉnh Hà Giang", "so"),
    ])  # fmt: skip
    result = attribute(directory, site_owner="hg-cong-ttdt", source_line=source_line)
    assert result.agency_id == (expected or "hg-cong-ttdt"), result.reason


def test_a_byline_that_is_a_persons_name_is_not_an_agency() -> None:
    directory = AgencyDirectory(
        [*AGENCIES, Agency("hg-thanh-tra-tinh", "Thanh tra tỉnh Hà Giang", "so")]
    )
    result = attribute(directory, site_owner="hg-bao-ha-giang", author="Thanh Trà")
    assert result.agency_id == "hg-bao-ha-giang"
