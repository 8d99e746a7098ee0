"""Source-credit lines: "Nguồn: Sở Nội vụ", "Nguồn tin: ...", "(Theo Báo Hà Giang)".

A credit names who a story comes from, and so decides which agency a story on a shared channel
counts for. A sentence that begins "Theo Sở Y tế, toàn tỉnh có..." or "Nguồn vốn do Sở Tài chính
cấp..." quotes or mentions an agency inside the story: read as a credit, it would give the story
to that agency. So "Nguồn" needs its colon, and a "Theo" credit is a name alone on its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LABELLED = re.compile(r"^\s*nguồn(?:\s*tin)?\s*[:：–-]\s*(?P<v>\S.{1,158}?)\s*$", re.IGNORECASE)
_THEO = re.compile(r"^\s*\(?\s*theo\s+(?P<v>[^\s,;:()][^,;:()]{1,78}?)\s*\)?\s*\.?\s*$",
                   re.IGNORECASE)  # fmt: skip
MAX_THEO_WORDS = 12  # "Theo Trung tâm Phục vụ hành chính công tỉnh Hà Giang" has 11


def credited_sources(lines: Iterable[str]) -> list[str]:
    """What the credit lines among ``lines`` name: "Nguồn:" credits first, then "Theo" ones,
    each group in line order."""
    lines = list(lines)
    labelled = [match["v"] for line in lines if (match := _LABELLED.match(line))]
    theo = [match["v"] for line in lines
            if (match := _THEO.match(line)) and len(match["v"].split()) <= MAX_THEO_WORDS]  # fmt: skip
    names = (name.strip(" .;-") for name in labelled + theo)
    return [name for name in names if name]
