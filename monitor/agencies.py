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
# What after a name makes it another body's: a place ("Sở Nội vụ tỉnh Tuyên Quang") or the centre.
_OTHER_BODY = re.compile(
    r" (tinh|thanh pho|tp|huyen|thi xa|quan|xa|phuong|thi tran|chinh phu|trung uong)\b"
)


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
        """The agency whose name ``text`` contains: the longest name found wins, then one of the
        same province as ``near``. A short form ("Sở Nội vụ") followed by another place ("tỉnh
        Tuyên Quang") or by "Chính phủ"/"Trung ương" names some other body, not ours."""
        folded = f" {fold(text)} "
        found: dict[str, tuple[int, Agency]] = {}  # agency id -> (longest form found, agency)
        starts: dict[str, set[int]] = {}  # agency id -> where its longer forms begin
        for name, agency in self._names:  # longest first
            for start in _occurrences(folded, f" {name} "):
                qualified = _OTHER_BODY.match(folded, start + len(name) + 1)
                if qualified and start not in starts.get(agency.id, ()):
                    continue
                if name.startswith("ban ") and folded.endswith(" uy", 0, start):
                    continue  # "Ủy ban Dân tộc" is not "Ban Dân tộc"
                starts.setdefault(agency.id, set()).add(start)
                found.setdefault(agency.id, (len(name), agency))
        if not found:
            return None
        prefix = near.split("-", 1)[0] + "-" if near else None
        best = max(found.values(), key=lambda hit: (
            hit[0], bool(prefix and hit[1].id.startswith(prefix))))  # fmt: skip
        return best[1]

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
        if len(short.split()) >= 3:  # "thanh tra" alone is also a person's name (Thanh Trà)
            forms.add(short)
    return {form for form in forms if form}


def _occurrences(text: str, part: str) -> list[int]:
    """Where ``part`` begins in ``text``, overlapping matches included."""
    found, start = [], text.find(part)
    while start != -1:
        found.append(start)
        start = text.find(part, start + 1)
    return found
