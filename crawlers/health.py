"""Source health at a glance, from ``source.health`` events (for ``cchc sources status``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SourceHealth:
    source_id: str
    agency_id: str
    last_outcome: str = ""
    last_at: str = ""
    last_ok_at: str = ""
    last_problem: str = ""  # "outcome status url: detail" of the latest non-ok event
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def healthy(self) -> bool:
        """The source's latest fetch worked; one broken article link does not make it unhealthy."""
        return self.last_outcome == "ok"


def health_summary(events: Iterable[Mapping[str, Any] | Any]) -> list[SourceHealth]:
    """One row per source from health payloads (dicts) or envelopes (with ``.payload``), in any
    order; the latest event (by ``at``) gives the current state."""
    rows: dict[str, SourceHealth] = {}
    payloads = [event.payload if hasattr(event, "payload") else event for event in events]
    for payload in sorted(payloads, key=lambda p: str(p.get("at", ""))):
        row = rows.setdefault(
            payload["source_id"], SourceHealth(payload["source_id"], payload.get("agency_id", ""))
        )
        outcome = payload.get("outcome", "")
        row.outcomes[outcome] += 1
        row.last_outcome, row.last_at = outcome, str(payload.get("at", ""))
        if outcome == "ok":
            row.last_ok_at = row.last_at
        else:
            status = payload.get("status")
            row.last_problem = f"{outcome}{f' {status}' if status else ''} {payload.get('url', '')}: {payload.get('detail', '')}"
    return sorted(rows.values(), key=lambda row: (row.agency_id, row.source_id))
