"""What the dashboard knows of each plan: title, groups, rules in plan order, roster.

Read from the plan files (``rules.loader``) when they are available, else pieced together from the
database (evaluations and the agencies table), so stored verdicts can always be shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from monitor.models import AgencyRow, EvaluationRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlanInfo:
    id: str
    title: str
    document: str = ""
    province: str = ""
    group_names: dict[str, str] = field(default_factory=dict)
    rule_order: tuple[str, ...] = ()
    agency_groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plan: Any = None  # rules.model.Plan when loaded from its file


def load_plan_files(plans_dir: Path | None) -> list[Any]:
    """Plans from ``plans_dir``; [] when the folder or the loader is missing, or a file is bad."""
    if plans_dir is None or not plans_dir.is_dir():
        return []
    try:
        from rules.loader import find_plan_files, load_plan
    except ImportError:
        return []
    plans = []
    for path in find_plan_files(plans_dir):
        try:
            plans.append(load_plan(path))
        except Exception as error:  # noqa: BLE001 - one bad plan must not take the dashboard down
            log.warning("plan %s not loaded: %s", path, error)
    return plans


def from_plan(plan: Any) -> PlanInfo:
    return PlanInfo(
        id=plan.id, title=plan.title, document=plan.document, province=plan.province,
        group_names=dict(plan.group_names), rule_order=tuple(rule.id for rule in plan.rules),
        agency_groups={agency.id: tuple(agency.groups) for agency in plan.agencies}, plan=plan,
    )


class Catalog:
    def __init__(self, plans: list[Any]) -> None:
        self._from_files = {plan.id: from_plan(plan) for plan in plans}

    @property
    def plans(self) -> list[Any]:
        return [info.plan for info in self._from_files.values()]

    def plan_ids(self, session: Session) -> list[str]:
        stored = session.scalars(select(EvaluationRow.plan_id).distinct()).all()
        return sorted(set(self._from_files) | set(stored))

    def get(self, session: Session, plan_id: str) -> PlanInfo | None:
        if plan_id in self._from_files:
            return self._from_files[plan_id]
        if plan_id not in self.plan_ids(session):
            return None
        groups = {row.id: tuple(row.groups or ()) for row in session.scalars(select(AgencyRow))}
        return PlanInfo(id=plan_id, title=plan_id, agency_groups=groups)
