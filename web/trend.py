"""Per-agency trend over the year: items counted per month against the monthly pace of the target.

Drawn as inline SVG on the server (no script, nothing to load), one small chart per quota.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from web.labels import to_date

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 560, 170, 34, 24, 12
MONTHS_PER = {"year": 12.0, "quarter": 3.0, "month": 1.0, "week": 12 / 52}
CHARTED_KINDS = ("count", "duration", "cadence", "coverage")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int


@dataclass(frozen=True)
class Chart:
    rule: str
    title: str
    bars: list[Bar]
    pace: float  # items per month the target asks for
    pace_y: float
    top: int  # the axis maximum
    top_y: float
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM


def trend_charts(results: list[dict[str, Any]], as_of: date) -> list[Chart]:
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for verdict in results:
        if verdict.get("rule_kind") in CHARTED_KINDS:
            by_rule.setdefault(verdict["rule"], []).append(verdict)
    return [_chart(rule, verdicts, as_of.year) for rule, verdicts in sorted(by_rule.items())]


def _chart(rule: str, verdicts: list[dict[str, Any]], year: int) -> Chart:
    months = [0] * 12
    seen: set[Any] = set()
    for verdict in verdicts:
        for detail in verdict.get("evidence_details") or []:
            day = to_date(detail.get("published"))
            key = detail.get("article_id") or detail.get("url")
            if day and day.year == year and key not in seen and detail.get("url") in set(
                    verdict.get("evidence") or []):
                seen.add(key)
                months[day.month - 1] += 1
    first = verdicts[0]
    pace = (first.get("target") or 0) / MONTHS_PER.get(_unit(first["period"]), 12.0)
    top = max(2, int(max(max(months), pace)) + 1)
    plot_h = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT - 6) / 12

    def y_of(value: float) -> float:
        return round(HEIGHT - BOTTOM - plot_h * value / top, 1)

    bars = [Bar(x=round(LEFT + i * step + step * 0.15, 1), y=y_of(n), width=round(step * 0.7, 1),
                height=round(plot_h * n / top, 1), label=f"T{i + 1}", count=n)
            for i, n in enumerate(months)]
    return Chart(rule=rule, title=first.get("rule_title") or rule, bars=bars,
                 pace=round(pace, 2), pace_y=y_of(pace), top=top, top_y=y_of(top))


def _unit(period: str) -> str:
    if "-Q" in period:
        return "quarter"
    if "-W" in period:
        return "week"
    return "month" if "-" in period else "year"
