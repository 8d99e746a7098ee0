"""A realistic sample digest (Hà Giang 2024) for the screenshot, the benchmark and previews."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules.model import Agency

AS_OF = date(2024, 8, 15)
AGENCY = Agency(
    id="hg-so-tu-phap",
    name="Sở Tư pháp tỉnh Hà Giang",
    kind="so",
    groups=("so_ban_nganh",),
    emails=("sotuphap@hagiang.gov.vn",),
)
_TITLES = (
    "Sở Tư pháp triển khai Kế hoạch cải cách hành chính năm 2024",
    "Đẩy mạnh giải quyết thủ tục hành chính trên môi trường điện tử",
    "Hội nghị đối thoại về cải cách thủ tục hành chính lĩnh vực hộ tịch",
    "Tuyên truyền Bộ chỉ số PAR INDEX đến cán bộ, công chức",
)


def _evidence(agency: str, n: int) -> list[dict[str, Any]]:
    return [
        {
            "article_id": 500 + i,
            "url": f"https://sotuphap.hagiang.gov.vn/tin-tuc/cchc-{500 + i}.html",
            "title": _TITLES[i % len(_TITLES)],
            "published": f"2024-0{7 + i // 3}-{(i * 9) % 27 + 1:02d}T09:00:00+07:00",
            "content_sha256": f"{500 + i:064x}",
            "agency": agency,
            "counted_as": "bai",
        }
        for i in range(n)
    ]


def _verdict(
    rule: str,
    title: str,
    status: str,
    count: int,
    target: int,
    reason: str,
    agency: Agency = AGENCY,
    **extra: Any,
) -> dict[str, Any]:
    details = _evidence(agency.id, count)
    result: dict[str, Any] = {
        "plan": "ha-giang-2024",
        "plan_sha256": "0" * 64,
        "rule": rule,
        "cite": "Kế hoạch 04/KH-UBND Hà Giang 2024, Phụ lục, mục " + extra.pop("item", "3"),
        "rule_title": title,
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
        "needed": max(0, target - count) if status not in ("met", "exempt") else 0,
        "due": "2024-09-30",
        "reason": reason,
        "evidence": [d["url"] for d in details],
        "evidence_details": details,
    }
    result.update(extra)
    return result


def sample_verdicts(agency: Agency = AGENCY) -> list[dict[str, Any]]:
    """One agency's quarter: a shortfall, an unreadable source, one on track, two met."""
    return [
        _verdict(
            "bai-cchc-quy",
            "Tin, bài tuyên truyền CCHC trên trang thông tin điện tử",
            "shortfall",
            2,
            5,
            "Mới có 2/5 bài; theo tiến độ quý cần ít nhất 3 bài.",
            agency,
        ),
        _verdict(
            "chuyen-muc",
            "Chuyên mục CCHC trên Báo Hà Giang (1 chuyên mục/quý)",
            "unknown",
            0,
            1,
            "Không đọc được trang của cơ quan từ ngày 10/08/2024 (lỗi kết nối).",
            agency,
            item="5",
        ),
        _verdict(
            "tin-dan-toc",
            "Tin, bài bằng tiếng dân tộc (Mông, Dao)",
            "on_track",
            2,
            3,
            "Số bài đúng tiến độ của quý.",
            agency,
            item="7",
        ),
        _verdict(
            "doi-thoai",
            "Đối thoại trực tuyến về CCHC (3 tháng/lần)",
            "met",
            1,
            1,
            "Đã tổ chức trong quý.",
            agency,
            item="9",
        ),
        _verdict(
            "ke-hoach",
            "Ban hành kế hoạch tuyên truyền CCHC năm 2024",
            "met",
            1,
            1,
            "Kế hoạch đã đăng ngày 20/01/2024.",
            agency,
            item="1",
            rule_kind="deadline",
        ),
    ]


def sample_previous(agency: Agency = AGENCY) -> list[dict[str, Any]]:
    previous = sample_verdicts(agency)
    previous[0] = {**previous[0], "count": 1, "status": "at_risk"}
    previous[2] = {**previous[2], "count": 1}
    return previous
