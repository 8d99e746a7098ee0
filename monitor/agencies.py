"""The agency directory: every agency named by a plan roster or the source registry.

Stored in the ``agencies`` table so that attribution, evaluation and the notifier agree on
ids, names and e-mail addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from cchc.vntext import fold
from monitor.models import AgencyRow
from rules.model import Agency

_PROVINCE_SUFFIX = re.compile(r"\s+(tinh|thanh pho|tp\.?)\s+[\w\s]+$")


def sync_agencies(session: Session, agencies: Iterable[Agency]) -> int:
    """Insert or update agencies (last definition of an id wins); returns how many were given."""
    count = 0
    for agency in agencies:
        row = session.get(AgencyRow, agency.id) or AgencyRow(id=agency.id)
        row.name, row.kind = agency.name, agency.kind
        row.groups = sorted(set(row.groups or []) | set(agency.groups))
        row.aliases = sorted(set(row.aliases or []) | set(agency.aliases))
        row.emails = sorted(set(row.emails or []) | set(agency.emails))
        session.add(row)
        count += 1
    return count


def load_agencies(session: Session) -> list[Agency]:
    rows = session.scalars(select(AgencyRow).order_by(AgencyRow.id))
    return [
        Agency(id=r.id, name=r.name, kind=r.kind, groups=tuple(r.groups or ()),
               aliases=tuple(r.aliases or ()), emails=tuple(r.emails or ()))
        for r in rows
    ]


class AgencyDirectory:
    """Finds the agency a free-text name refers to ("Nguồn: Sở Nội vụ", "Theo UBND huyện Bắc
    Quang"), preferring agencies of the same province as the site the text came from."""

    def __init__(self, agencies: Iterable[Agency]) -> None:
        self.by_id = {agency.id: agency for agency in agencies}
        self._names: list[tuple[str, Agency]] = []
        for agency in self.by_id.values():
            for name in _name_forms(agency):
                self._names.append((name, agency))
        self._names.sort(key=lambda pair: -len(pair[0]))  # longest (most specific) first

    def find_in(self, text: str, *, near: str | None = None) -> Agency | None:
        folded = f" {fold(text)} "
        hits = [agency for name, agency in self._names if f" {name} " in folded]
        if not hits:
            return None
        prefix = near.split("-", 1)[0] if near else None
        same_province = [agency for agency in hits if prefix and agency.id.startswith(prefix)]
        return (same_province or hits)[0]

    def resolve(self, key: str) -> Agency | None:
        """An agency by id or by its exact official name / alias."""
        if key in self.by_id:
            return self.by_id[key]
        wanted = fold(key)
        return next((agency for name, agency in self._names if name == wanted), None)


def _name_forms(agency: Agency) -> set[str]:
    forms = set()
    for name in (agency.name, *agency.aliases):
        folded = fold(name)
        forms.add(folded)
        short = _PROVINCE_SUFFIX.sub("", folded)
        if len(short.split()) >= 2:
            forms.add(short)
    return {form for form in forms if form}
