"""Generate the bundled sample sites from ``_content/*.yaml`` (a development tool, not run by the demo).

    /work/venv/bin/python cchc/demo/sites/_generate.py          # rewrite the static files
    /work/venv/bin/python cchc/demo/sites/_generate.py --counts # print the designed counts

Output is deterministic (every random choice is seeded by the article id), so regenerating gives
the same bytes; tests/cchc/test_demo_server.py checks the committed files are up to date and that
cchc/demo/EXPECTED.md matches :func:`expected_counts`. Files and folders starting with "_" are
never served.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from datetime import date, datetime
from pathlib import Path

import yaml

sys.dont_write_bytecode = True  # keep the served folder free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _pages import render_site

HERE = Path(__file__).resolve().parent
CONTENT = HERE / "_content"
SITE_KEYS = ("cong", "so-tu-phap", "bac-quang", "vi-xuyen", "bao-ha-giang", "dai-ptth")
GENERATED = (*SITE_KEYS, "so-tttt", "index.html", "robots.txt")
OWNERS = {
    "cong": "hg-cong-ttdt",
    "so-tu-phap": "hg-so-tu-phap",
    "bac-quang": "hg-huyen-bac-quang",
    "vi-xuyen": "hg-huyen-vi-xuyen",
    "bao-ha-giang": "hg-bao-ha-giang",
    "dai-ptth": "hg-dai-ptth",
}
PORTAL_SOURCES = {
    "Sở Nội vụ": "hg-so-noi-vu",
    "Sở Tư pháp": "hg-so-tu-phap",
    "Văn phòng UBND tỉnh": "hg-van-phong-ubnd",
}
UNITS = {
    "cong": "tỉnh Hà Giang",
    "so-tu-phap": "Sở Tư pháp",
    "bac-quang": "huyện Bắc Quang",
    "vi-xuyen": "huyện Vị Xuyên",
    "bao-ha-giang": "tỉnh Hà Giang",
    "dai-ptth": "tỉnh Hà Giang",
}
PLACES = {
    "bac-quang": [
        "xã Việt Vinh",
        "xã Tân Quang",
        "xã Hùng An",
        "xã Đồng Yên",
        "xã Kim Ngọc",
        "xã Quang Minh",
        "xã Vô Điếm",
        "thị trấn Vĩnh Tuy",
        "xã Tiên Kiều",
    ],
    "vi-xuyen": [
        "xã Thanh Thủy",
        "xã Tùng Bá",
        "xã Đạo Đức",
        "xã Phương Tiến",
        "xã Cao Bồ",
        "xã Minh Tân",
        "thị trấn Việt Lâm",
        "xã Thuận Hòa",
    ],
    "*": [
        "xã Mậu Duệ",
        "xã Phương Thiện",
        "xã Tùng Vài",
        "thị trấn Yên Minh",
        "xã Lũng Cú",
        "xã Thanh Vân",
        "xã Nấm Dẩn",
        "xã Thông Nguyên",
        "xã Yên Định",
        "xã Sủng Là",
    ],
}
MEN = [
    "Nguyễn Văn Định",
    "Lý Văn Sơn",
    "Vàng Seo Chính",
    "Đặng Quang Hưng",
    "Phạm Ngọc Thanh",
    "Lục Văn Tài",
    "Hoàng Minh Tuấn",
    "Giàng Mí Pó",
]
WOMEN = ["Hoàng Thị Thu", "Ma Thị Hằng", "Nguyễn Thị Hương", "Lò Thị Xuân", "Trần Thu Hà"]
AUTHORS = ["Minh Tuấn", "Thanh Hương", "Quốc Việt", "Lan Anh", "Văn Dũng"]
COLUMN_OFFICES = {
    "the_che": "Sở Tư pháp",
    "dvc": "Văn phòng UBND tỉnh",
    "mot_cua": "Trung tâm Phục vụ hành chính công tỉnh",
    "kiem_soat": "Sở Tài nguyên và Môi trường",
    "cong_vu": "Sở Nội vụ",
    "so_hoa": "Sở Thông tin và Truyền thông",
    "bo_may": "Sở Nội vụ",
    "chi_so": "Sở Nội vụ",
}
CLOSING = (
    "Mời bạn đọc tiếp tục gửi câu hỏi, ý kiến về cải cách hành chính tới chuyên mục"
    " qua hộp thư bandoc@baohagiang.example hoặc đường dây nóng của Báo."
)
MIN_WORDS = 170  # lead and paragraphs; titles, bylines and chrome come on top
RULE3_AGENCIES = (
    "hg-so-noi-vu",
    "hg-van-phong-ubnd",
    "hg-so-tu-phap",
    "hg-huyen-bac-quang",
    "hg-huyen-vi-xuyen",
)
AS_OF = (date(2024, 8, 15), date(2024, 12, 31))


def load() -> tuple[dict, dict[str, dict]]:
    banks = yaml.safe_load((CONTENT / "paragraphs.yaml").read_text(encoding="utf-8"))
    sites = {
        key: yaml.safe_load((CONTENT / f"{key}.yaml").read_text(encoding="utf-8"))
        for key in SITE_KEYS
    }
    return banks, sites


def build_articles(banks: dict, sites: dict[str, dict]) -> list[dict]:
    """Every article with its date, body paragraphs, topic class and the agency it counts for."""
    cchc_topics = set(banks["cchc"])
    bank = {**banks["cchc"], **banks["other"]}
    by_ref: dict[str, dict] = {}
    articles = []
    for key in SITE_KEYS:
        spec = sites[key]
        for raw in spec["articles"]:
            a = dict(raw, site=key, when=datetime.strptime(str(raw["date"]), "%Y-%m-%d %H:%M"))
            if "syndicated_from" in a:
                continue
            a["cchc"] = a["topic"] in cchc_topics
            a["texts"] = _body(a, bank[a["topic"]], spec)
            a["agency"] = (
                OWNERS[key]
                if key != "cong"
                else PORTAL_SOURCES.get(a.get("source", ""), "hg-cong-ttdt")
            )
            by_ref[f"{key}/{a['id']}"] = a
            articles.append(a)
    for raw in sites["cong"]["articles"]:
        if "syndicated_from" in raw:
            original = by_ref[raw["syndicated_from"]]
            copy = dict(original, **raw, site="cong", duplicate_of=original["id"])
            copy["when"] = datetime.strptime(str(raw["date"]), "%Y-%m-%d %H:%M")
            articles.append(copy)
    return sorted(articles, key=lambda a: (a["when"], a["id"]))


def _body(a: dict, paragraphs: list[str], spec: dict) -> list[str]:
    rng = random.Random(a["id"])
    slots = {
        "unit": a.get("unit", UNITS[a["site"]]),
        "person": rng.choice(MEN),
        "woman": rng.choice(WOMEN),
        "place": rng.choice(PLACES.get(a["site"], PLACES["*"])),
        "big": f"{rng.randint(1200, 48000):,}".replace(",", "."),
        "n": rng.randint(20, 300),
        "n2": rng.randint(20, 300),
        "small": rng.randint(2, 12),
        "small2": rng.randint(2, 12),
        "pct": rng.randint(62, 98),
        "share": rng.randint(12, 45),
        "month": rng.randint(1, max(1, a["when"].month - 1)),
    }
    order = [p.format_map(slots) for p in rng.sample(paragraphs, k=len(paragraphs))]
    chosen = order[:3]
    while _words(a.get("lead") or a["question"], *chosen) < MIN_WORDS and len(chosen) < len(order):
        chosen.append(order[len(chosen)])
    a.setdefault("author", rng.choice(AUTHORS))
    if a.get("column"):
        office = COLUMN_OFFICES[a["topic"]]
        a["lead"] = a["question"]
        return [
            f"Bạn đọc {a['reader']} hỏi: {a['question']}",
            f"Trả lời: Về nội dung bạn đọc hỏi, {office} cho biết như sau.",
            *chosen,
            CLOSING,
        ]
    if a["site"] == "dai-ptth":
        a["ethnic"] = _ethnic_lines(a, spec, rng)
    return [a["lead"], *chosen]


def _words(*texts: str) -> int:
    return sum(len(text.split()) for text in texts)


def _ethnic_lines(a: dict, spec: dict, rng: random.Random) -> list[str]:
    pool_name = "ethnic_lines" if a["cchc"] else "agriculture_lines"
    pool = spec.get(pool_name, {}).get(a["language"], [])
    return rng.sample(pool, k=min(3, len(pool))) if pool else []


def _quarter(day: date) -> int:
    return (day.month - 1) // 3 + 1


def expected_counts(articles: list[dict]) -> dict:
    """The designed counts per rule, agency and period, at each as-of date in ``AS_OF``."""
    result: dict = {}
    for as_of in AS_OF:
        seen = [a for a in articles if a["when"].date() <= as_of and "duplicate_of" not in a]
        quarters: dict[str, dict[str, int]] = {}
        for agency in RULE3_AGENCIES:
            quarters[agency] = {
                f"2024-Q{q}": sum(
                    1
                    for a in seen
                    if a["agency"] == agency and a["cchc"] and _quarter(a["when"].date()) == q
                )
                for q in range(1, 5)
            }
        result[as_of.isoformat()] = {
            "hg-03-tin-bai-quy": quarters,
            "hg-08-tieng-dan-toc": {
                "hg-dai-ptth": {
                    "2024": sum(
                        1
                        for a in seen
                        if a["site"] == "dai-ptth" and a["cchc"] and a["language"] != "vi"
                    )
                }
            },
            "hg-09-trao-doi-ban-doc": {
                "hg-bao-ha-giang": {"2024": sum(1 for a in seen if a.get("column"))}
            },
        }
    return result


def generate(out: Path) -> list[dict]:
    """Write every site under ``out`` (which should not hold older generated files)."""
    banks, sites = load()
    articles = build_articles(banks, sites)
    for key in (*SITE_KEYS, "so-tttt", "root"):
        for rel, text in render_site(key, articles, sites).items():
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", action="store_true", help="print the designed counts only")
    args = parser.parse_args()
    if args.counts:
        banks, sites = load()
        print(yaml.safe_dump(expected_counts(build_articles(banks, sites)), sort_keys=False))
        return
    for name in GENERATED:
        path = HERE / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    articles = generate(HERE)
    print(f"{len(articles)} articles written under {HERE}")


if __name__ == "__main__":
    main()
