"""Imports of articles from JSONL or CSV (agencies' self-reports, other systems' exports).

Rows become ``article.collected`` events and go through the same stream and monitor as crawled
articles. A bad row is reported with its line number and reason; good rows still go in.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cchc.errors import InputError
from cchc.vntext import nfc, parse_any_datetime
from monitor.agencies import AgencyDirectory
from stream.events import ARTICLES, Envelope

IMPORT_SOURCE = "import"  # the source_id of imported rows

REQUIRED = ("url", "title", "published")
KINDS = ("tin", "bai", "phong_su", "chuyen_muc", "chuong_trinh", "video")
KNOWN = {"url", "title", "text", "published", "agency", "channel", "kind", "language"}


@dataclass
class ImportReport:
    accepted: int = 0
    problems: list[str] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(line number, row) pairs; a row that cannot be read at all comes as an error string."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"Không đọc được {path}: {error.strerror}.") from error
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: không phải UTF-8 (byte {error.start}); lưu lại tệp dạng "
                         "UTF-8.") from error
    if path.suffix.lower() == ".csv":
        yield from _csv_rows(content)
    else:
        yield from _jsonl_rows(content)


def _jsonl_rows(content: str) -> Iterator[tuple[int, dict[str, str] | str]]:
    # "\n" only: splitlines() also splits at U+2028, form feeds etc., legal inside JSON strings
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, f"JSON không hợp lệ ({error.msg}, cột {error.colno})"
            continue
        yield number, row if isinstance(row, dict) else "mỗi dòng phải là một đối tượng JSON"


def _csv_rows(content: str) -> Iterator[tuple[int, dict[str, str] | str]]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    try:
        for row in reader:
            if None in row:
                yield reader.line_num, "dòng có nhiều cột hơn tiêu đề"
                continue
            yield reader.line_num, row
    except csv.Error as error:
        yield reader.line_num, f"CSV không hợp lệ: {error}"


def row_to_event(row: dict, directory: AgencyDirectory) -> Envelope:
    """An ``article.collected`` event for one import row; raises ValueError with the reason."""
    missing = [name for name in REQUIRED if not str(row.get(name) or "").strip()]
    if missing:
        raise ValueError(f"thiếu trường bắt buộc: {', '.join(missing)}")
    unknown = sorted(set(row) - KNOWN)
    if unknown:
        raise ValueError(f"trường không biết: {', '.join(unknown)} (dùng: {', '.join(sorted(KNOWN))})")
    url = str(row["url"]).strip()
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"url phải bắt đầu bằng http:// hoặc https://: {url[:80]!r}")
    published = parse_any_datetime(str(row["published"]))
    if published is None:
        raise ValueError(f"ngày đăng không đọc được: {row['published']!r} "
                         "(dùng 2024-08-15, 15/08/2024 hoặc 'ngày 15 tháng 8 năm 2024')")
    kind = str(row.get("kind") or "").strip()
    if kind and kind not in KINDS:
        raise ValueError(f"kind {kind!r} không hợp lệ; dùng một trong: {', '.join(KINDS)}")
    agency = _resolve(directory, row.get("agency"), "agency")
    channel = _resolve(directory, row.get("channel"), "channel")
    return Envelope.new("article.collected", {
        "url": url, "title": nfc(str(row["title"])), "text": nfc(str(row.get("text") or "")),
        "html": "", "published": published.isoformat(), "author": "", "source_line": "",
        "section": "", "kind_hint": kind,
        "language_hint": str(row.get("language") or ""), "duration_seconds": None,
        "agency_id": channel or agency or "", "channel_id": channel or agency or "",
        "source_id": IMPORT_SOURCE, "declared_agency": agency or "",
        "fetched_at": datetime.now(UTC).isoformat(), "update": False,
    })


def _resolve(directory: AgencyDirectory, value: object, field_name: str) -> str | None:
    text = str(value or "").strip()
    if not text:
        return None
    agency = directory.resolve(text)
    if agency is None:
        raise ValueError(f"{field_name} {text!r} không có trong danh mục cơ quan "
                         "(dùng mã hoặc tên chính thức)")
    return agency.id


def publish_file(path: Path, stream, directory: AgencyDirectory) -> ImportReport:
    report = ImportReport()
    for number, row in read_rows(path):
        if isinstance(row, str):
            report.problems.append(f"{path}:{number}: {row}")
            continue
        try:
            event = row_to_event(row, directory)
        except ValueError as error:
            report.problems.append(f"{path}:{number}: {error}")
            continue
        stream.publish(ARTICLES, event.payload["agency_id"] or "unattributed", event)
        report.accepted += 1
    stream.flush()
    return report
