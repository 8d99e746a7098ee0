"""Which agency an item counts for, and why.

An agency's own website counts for that agency. On shared channels (the provincial portal, a
newspaper, a broadcaster) an item counts for the agency its "Nguồn:" / "Theo" line or byline
names, and otherwise for the channel's owner.
"""

from __future__ import annotations

from dataclasses import dataclass

from cchc.credits import credited_sources
from cchc.vntext import nfc
from monitor.agencies import AgencyDirectory

SHARED_CHANNEL_KINDS = {"portal", "newspaper", "broadcaster", "other"}


@dataclass(frozen=True)
class Attribution:
    agency_id: str | None
    reason: str


def attribute(
    directory: AgencyDirectory,
    *,
    site_owner: str | None,
    source_line: str = "",
    author: str = "",
    text: str = "",
    declared: str | None = None,
) -> Attribution:
    """``declared`` is an agency given explicitly (an import row's ``agency`` column)."""
    if declared:
        agency = directory.resolve(declared)
        if agency:
            return Attribution(agency.id, f"khai báo: {declared}")
        return Attribution(None, f"cơ quan khai báo không có trong danh mục: {declared}")
    owner = directory.by_id.get(site_owner or "")
    if owner and owner.kind not in SHARED_CHANNEL_KINDS:
        return Attribution(owner.id, "trang thông tin của cơ quan")
    for label, candidate in _named_sources(source_line, author, text):
        agency = directory.find_in(candidate, near=site_owner)
        if agency:
            return Attribution(agency.id, f"{label}: {nfc(candidate)[:120]}")
    if owner:
        return Attribution(owner.id, f"kênh của {owner.name}")
    if site_owner:
        return Attribution(site_owner, "nguồn chưa có trong danh mục cơ quan")
    return Attribution(None, "không xác định được cơ quan")


def _named_sources(source_line: str, author: str, text: str) -> list[tuple[str, str]]:
    named = []
    if source_line:
        named.append(("nguồn", source_line))
    if author:
        named.append(("tác giả", author))
    named.extend(("nguồn", name) for name in credited_sources(nfc(text).splitlines()[-4:]))
    return named
