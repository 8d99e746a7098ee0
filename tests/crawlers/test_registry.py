from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cchc.errors import InputError
from crawlers.registry import load_registry, validate_registry_file

REPO = Path(__file__).resolve().parents[2]
BAD = """\
agencies:
  - id: hg-so-tu-phap
    name: Sở Tư pháp
    kind: sso
    sources:
      - id: a
        kind: feeed
        url: ftp://x
        link: "css:a"
      - id: a
        kind: listing
        url: https://x.vn/
        next_page: "css:a["
        max_pages: 0
        article:
          titel: "xpath://h1["
  - id: hg-so-tu-phap
    nam: x
"""


def test_example_registry_of_ha_giang_validates_and_loads() -> None:
    path = REPO / "docs" / "examples" / "sources-ha-giang.yaml"
    assert validate_registry_file(path) == []
    registry = load_registry(path)
    hosts = {source.host for source in registry.sources}
    assert {"hagiang.gov.vn", "baohagiang.vn", "hagiangtv.vn"} <= hosts
    source = registry.source("bao-ha-giang-cchc")
    assert source.agency_id == "bao-ha-giang" and source.max_pages == 3
    assert registry.source("hg-so-noi-vu-cchc").channel == "hg-so-noi-vu"  # defaults to the agency
    with pytest.raises(dataclasses.FrozenInstanceError):
        source.url = "x"  # type: ignore[misc]


def test_every_problem_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(BAD, encoding="utf-8")
    problems = validate_registry_file(path)
    expected = {
        4: "có phải ý bạn là 'so'", 7: "có phải ý bạn là 'feed'", 8: "http://", 9: "ý bạn là 'links'",
        10: "bị trùng", 13: "bộ chọn css không hợp lệ", 14: "max_pages", 16: "ý bạn là 'title'",
        17: "thiếu khoá bắt buộc 'name'", 18: "ý bạn là 'name'",
    }  # fmt: skip
    for line, fragment in expected.items():
        assert any(p.startswith(f"{path}:{line}: ") and fragment in p for p in problems), (
            line,
            problems,
        )
    assert any(":16: " in p and "xpath không hợp lệ" in p for p in problems)
    assert any(":10: " in p and "cần khoá 'links'" in p for p in problems)
    with pytest.raises(InputError) as raised:
        load_registry(path)
    assert str(raised.value).count("\n") == len(problems) - 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("agencies: [\n", ":2: YAML không hợp lệ"),
        ("", ":1: tệp rỗng"),
        ("nguon: []\n", "khoá không biết 'nguon'"),
    ],
)
def test_unreadable_files(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    assert any(fragment in problem for problem in validate_registry_file(path))
    assert validate_registry_file(tmp_path / "missing.yaml")[0].startswith(
        f"{tmp_path / 'missing.yaml'}:1:"
    )
