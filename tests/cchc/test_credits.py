from __future__ import annotations

import pytest

from cchc.credits import credited_sources


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("Nguồn: Sở Nội vụ tỉnh Hà Giang", "Sở Nội vụ tỉnh Hà Giang"),
        ("NGUỒN TIN: Báo Hà Giang.", "Báo Hà Giang"),
        ("(Theo Báo Hà Giang)", "Báo Hà Giang"),
        ("Theo Trung tâm Phục vụ hành chính công tỉnh Hà Giang", "Trung tâm Phục vụ hành chính công tỉnh Hà Giang"),
        ("Theo Sở Y tế, toàn tỉnh có 95% hồ sơ trực tuyến.", None),
        ("Theo kế hoạch; các xã hoàn thành trong quý II.", None),
        ("Theo ông Nguyễn Văn A cho biết người dân đã quen với việc nộp hồ sơ trên điện thoại rồi", None),
        ("Nguồn vốn do Sở Tài chính cấp.", None),
        ("Bài viết theo Sở Nội vụ", None),
    ],
)  # fmt: skip
def test_a_credit_line_names_its_source_and_a_sentence_does_not(
    line: str, named: str | None
) -> None:
    assert credited_sources([line]) == ([named] if named else [])


def test_labelled_credits_come_before_theo_credits() -> None:
    lines = ["(Theo Báo Hà Giang)", "Nội dung bài.", "Nguồn: Sở Tư pháp"]
    assert credited_sources(lines) == ["Sở Tư pháp", "Báo Hà Giang"]
