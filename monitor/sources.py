"""Registered sources (from the crawler's registry) stored beside the agencies, so the rules
know which agencies are monitored at all."""

from __future__ import annotations

from sqlalchemy.orm import Session

from monitor.agencies import sync_agencies
from monitor.models import SourceRow
from rules.model import Agency


def sync_sources(session: Session, registry) -> None:
    agencies = []
    for entry in registry.agencies:
        agencies.append(Agency(id=entry.id, name=entry.name, kind=entry.kind,
                               groups=tuple(entry.groups), aliases=tuple(entry.aliases),
                               emails=tuple(entry.emails)))
        for source in entry.sources:
            row = session.get(SourceRow, source.id) or SourceRow(id=source.id)
            row.agency_id, row.kind, row.url = entry.id, source.kind, source.url
            row.channel = source.channel or entry.id
            session.add(row)
    sync_agencies(session, agencies)
