"""Small readers of stored test data and rendered pages."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from monitor.models import EvaluationRow
from tests.web.dataset import AS_OF
from web.labels import STATUS

CLASS_TO_STATUS = {css: status for status, (_w, css, _r) in STATUS.items()}


def verdicts(app: Any, **where: str) -> list[dict[str, Any]]:
    with app.state.web.sessions() as session:
        rows = session.scalars(select(EvaluationRow.result).where(EvaluationRow.as_of == AS_OF))
        return [r for r in rows if all(r.get(k) == v for k, v in where.items())]


def drill_path(v: dict[str, Any]) -> str:
    return f"/drill/{v['plan']}/{v['agency']}/{v['rule']}/{v['period']}?as_of={v['as_of']}"


def matrix_rows(html: str) -> list[tuple[str, list[str]]]:
    """(agency id, statuses of its cells) per matrix row, in page order."""
    rows = []
    for row in re.findall(r'<tr><td class="agency">(.*?)</tr>', html, re.DOTALL):
        agency = re.search(r'/agency/[^/]+/([^?"]+)', row).group(1)
        classes = re.findall(r'<td class="cell (st-[a-z-]+)"', row)
        rows.append((agency, [CLASS_TO_STATUS[c] for c in classes]))
    return rows
