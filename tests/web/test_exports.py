"""CSV and XLSX exports: complete, reproducible, and names that cannot walk the file system."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook

from tests.web.helpers import verdicts
from web.exports import COLUMNS

CSV = "/exports/ha-giang-2024_2024-08-15.csv"
XLSX = "/exports/ha-giang-2024_2024-08-15.xlsx"


def test_csv_has_every_verdict_and_evidence_item(app, login) -> None:
    response = login("auditor").get(CSV)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="cchc_ha-giang-2024_2024-08-15.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    stored = verdicts(app)
    assert len(rows) == sum(max(1, len(v["evidence_details"])) for v in stored)
    evidence = {(r["agency"], r["rule"], r["period"], r["evidence_url"]) for r in rows}
    for v in stored:
        for d in v["evidence_details"]:
            assert (v["agency"], v["rule"], v["period"], d["url"]) in evidence
    sample = next(r for r in rows if r["evidence_content_sha256"])
    assert len(sample["evidence_content_sha256"]) == 64 and sample["as_of"] == "2024-08-15"


def test_exports_are_byte_identical_when_repeated(app, login) -> None:
    client = login("auditor")
    assert client.get(CSV).content == client.get(CSV).content
    first, second = client.get(XLSX).content, client.get(XLSX).content
    assert first == second


def test_xlsx_content_and_pinned_properties(app, login) -> None:
    data = login("auditor").get(XLSX).content
    book = load_workbook(io.BytesIO(data))
    sheet = book["Đánh giá"]
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet.max_row - 1 == sum(max(1, len(v["evidence_details"])) for v in verdicts(app))
    assert book.properties.creator == "CCHC Monitor"
    assert book.properties.modified.isoformat().startswith("2024-08-15")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_export_names_are_validated(app, login) -> None:
    client = login("auditor")
    for name in ("ha-giang-2024_2024-08-15.csv%00.txt", "ha-giang-2024_2024-13-45.csv",
                 "ha-giang-2024_2024-08-15.exe", "..%5Cha-giang-2024_2024-08-15.csv",
                 "HA-GIANG_2024-08-15.csv", "..ha-giang-2024_2024-08-15.csv"):
        response = client.get(f"/exports/{name}")
        assert response.status_code == 400 and "không hợp lệ" in response.text, name
    for path in ("/exports/..%2F..%2Fetc%2Fpasswd", "/exports/../../etc/passwd",
                 "/exports/%2e%2e%2fpyproject.toml"):
        response = client.get(path)
        assert response.status_code in (400, 404) and "root:" not in response.text, path
    assert client.get("/exports/khong-co-ke-hoach_2024-08-15.csv").status_code == 404


def test_exports_page_lists_downloads_and_reports(app, login) -> None:
    page = login("viewer").get("/exports").text
    assert 'href="/exports/ha-giang-2024_2024-08-15.xlsx"' in page
    assert 'href="/report/ha-giang-2024/2024-Q3"' in page
