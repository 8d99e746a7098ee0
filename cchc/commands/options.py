"""Parameter types shared by commands."""

from __future__ import annotations

from datetime import date

import click


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} không phải ngày hợp lệ; viết theo dạng YYYY-MM-DD, "
                      "ví dụ 2024-08-15.", param, ctx)
        if not 2000 <= day.year <= 2100:
            self.fail(f"{value!r}: năm phải trong khoảng 2000–2100.", param, ctx)
        return day


ISO_DATE = IsoDate()
