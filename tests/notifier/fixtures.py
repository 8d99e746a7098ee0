"""Realistic verdicts and roster for notifier tests (shaped as docs/architecture.md "Verdicts")."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules.model import Agency

AS_OF = date(2024, 8, 15)
PLAN = "ha-giang-2024"

SO_TU_PHAP = Agency(
    id="hg-so-tu-phap",
    name="Sở Tư pháp tỉnh Hà Giang",
    kind="so",
    groups=("so_ban_nganh",),
    emails=("sotuphap@hagiang.gov.vn",),
)
UBND_MEO_VAC = Agency(
    id="hg-ubnd-meo-vac",
    name="UBND huyện Mèo Vạc",
    kind="ubnd_huyen",
    groups=("ubnd_huyen",),
    emails=("ubndmeovac@hagiang.gov.vn", "vanphong.meovac@hagiang.gov.vn"),
)
BAO_HA_GIANG = Agency(
    id="bao-ha-giang",
    name="Báo Hà Giang",
    kind="newspaper",
    groups=("bao_dai",),
    emails=(),
)
SO_NOI_VU = Agency(
    id="hg-so-noi-vu",
    name="Sở Nội vụ tỉnh Hà Giang",
    kind="so",
    groups=("so_ban_nganh",),
    emails=("sonoivu@hagiang.gov.vn",),
    overseer=True,
)
ROSTER = (SO_TU_PHAP, UBND_MEO_VAC, BAO_HA_GIANG, SO_NOI_VU)


def evidence(n: int, agency: str, *, title: str | None = None, day: int = 1) -> dict[str, Any]:
    return {
        "article_id": 1000 + n,
        "url": f"https://{agency}.hagiang.gov.vn/tin-tuc/cai-cach-hanh-chinh-{n}.html",
        "title": title or f"Đẩy mạnh cải cách thủ tục hành chính năm 2024 (bài {n})",
        "published": f"2024-08-{day:02d}T08:30:00+07:00",
        "content_sha256": f"{n:064x}",
        "agency": agency,
        "counted_as": "bai",
    }


def verdict(
    agency: Agency, rule: str, status: str, count: int, target: int, **extra: Any
) -> dict[str, Any]:
    details = extra.pop(
        "evidence_details", [evidence(i, agency.id, day=i + 1) for i in range(count)]
    )
    needed = max(0, target - count) if status not in ("met", "exempt") else 0
    base: dict[str, Any] = {
        "plan": PLAN,
        "plan_sha256": "ab" * 32,
        "rule": rule,
        "cite": "Hà Giang 2024, Phụ lục, mục 3",
        "rule_title": TITLES[rule],
        "rule_kind": "count",
        "agency": agency.id,
        "agency_name": agency.name,
        "period": "2024-Q3",
        "period_start": "2024-07-01",
        "period_end": "2024-09-30",
        "as_of": AS_OF.isoformat(),
        "count": count,
        "target": target,
        "target_max": None,
        "unit": "bài",
        "status": status,
        "needed": needed,
        "due": "2024-09-30",
        "reason": REASONS[status],
        "evidence": [d["url"] for d in details],
        "evidence_details": details,
    }
    base.update(extra)
    return base


TITLES = {
    "bai-cchc-quy": "Tin, bài tuyên truyền CCHC trên trang thông tin điện tử (tối thiểu 5 bài/quý)",
    "chuyen-muc-bao": "Chuyên mục CCHC trên báo, đài của tỉnh (1 chuyên mục/quý)",
    "doi-thoai": "Đối thoại trực tuyến về CCHC (3 tháng/lần)",
}
REASONS = {
    "met": "Đã đủ số bài theo kế hoạch.",
    "on_track": "Số bài đúng với tiến độ của quý.",
    "at_risk": "Số bài thấp hơn tiến độ cần có đến thời điểm này.",
    "shortfall": "Còn thiếu bài so với chỉ tiêu của quý.",
    "unknown": "Không đọc được trang thông tin điện tử của cơ quan từ ngày 10/08/2024 (lỗi kết nối).",
    "not_started": "Chỉ tiêu áp dụng từ quý IV.",
    "exempt": "Được Sở Nội vụ miễn trong kỳ này.",
}


def week_verdicts() -> list[dict[str, Any]]:
    """This week: Sở Tư pháp short on one quota, Mèo Vạc unreadable, Báo Hà Giang met."""
    return [
        verdict(SO_TU_PHAP, "bai-cchc-quy", "shortfall", 2, 5),
        verdict(SO_TU_PHAP, "doi-thoai", "met", 1, 1),
        verdict(UBND_MEO_VAC, "bai-cchc-quy", "unknown", 1, 5),
        verdict(UBND_MEO_VAC, "doi-thoai", "at_risk", 0, 1),
        verdict(BAO_HA_GIANG, "chuyen-muc-bao", "met", 1, 1),
    ]


def previous_week_verdicts() -> list[dict[str, Any]]:
    return [
        verdict(SO_TU_PHAP, "bai-cchc-quy", "at_risk", 1, 5, as_of="2024-08-08"),
        verdict(UBND_MEO_VAC, "bai-cchc-quy", "on_track", 1, 5, as_of="2024-08-08"),
        verdict(UBND_MEO_VAC, "doi-thoai", "at_risk", 0, 1, as_of="2024-08-08"),
        verdict(BAO_HA_GIANG, "chuyen-muc-bao", "on_track", 0, 1, as_of="2024-08-08"),
    ]
