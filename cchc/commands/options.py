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
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} không phải ngày hợp lệ; viết theo dạng YYYY-MM-DD, "
                      "ví dụ 2024-08-15.", param, ctx)


ISO_DATE = IsoDate()
