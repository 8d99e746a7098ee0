"""XLSX writing with pinned metadata, so the same rows always give the same bytes.

openpyxl stamps the save time into docProps/core.xml and the zip entries; both are rewritten to
the as-of date (and a fixed zip time) after saving.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
WIDTHS = {"rule_title": 60, "agency_name": 36, "reason": 50, "evidence_title": 60,
          "evidence_url": 50, "cite": 28}


def workbook_bytes(columns: Sequence[str], rows: list[list[Any]], *, plan: str,
                   as_of: date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Đánh giá"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS.get(name, 14)
    sheet.freeze_panes = "A2"
    stamp = datetime(as_of.year, as_of.month, as_of.day)
    props = workbook.properties
    props.creator = props.lastModifiedBy = "CCHC Monitor"
    props.title = f"Đánh giá {plan} đến ngày {as_of:%d/%m/%Y}"
    props.created = props.modified = stamp
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _pin(buffer.getvalue(), stamp)


def _pin(data: bytes, stamp: datetime) -> bytes:
    fixed = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _STAMP.sub(rb"\g<1>" + fixed + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
