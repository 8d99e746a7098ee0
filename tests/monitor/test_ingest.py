"""`cchc ingest`: imports go through the same stream and monitor; bad rows are named, good rows
still go in, and importing twice counts nothing twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

BODY = ("Huyện Bắc Quang đẩy mạnh cải cách thủ tục hành chính: bộ phận một cửa tiếp nhận hồ sơ "
        "trực tuyến, 100% thủ tục được cung cấp dịch vụ công trực tuyến toàn trình, chỉ số hài "
        "lòng SIPAS của người dân tăng so với năm trước.")


def run_ingest(home: Path, file: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CCHC_HOME": str(home), "CCHC_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "cchc", "ingest", str(file)], env=env,
                          capture_output=True, text=True, timeout=120)


def test_jsonl_with_bad_rows(tmp_path: Path, database_url: str) -> None:
    rows = [
        {"url": "https://bacquang.hagiang.gov.vn/tin/1", "title": "Cải cách TTHC ở Bắc Quang",
         "text": BODY, "published": "ngày 5 tháng 3 năm 2024", "agency": "UBND huyen Bac Quang"},
        {"url": "https://bacquang.hagiang.gov.vn/tin/2", "title": "Thiếu ngày đăng"},
        {"url": "https://x.vn/3", "title": "Ngày sai", "published": "hôm qua"},
        {"url": "https://x.vn/4", "title": "Cơ quan lạ", "published": "2024-03-05",
         "agency": "Sở Không Tồn Tại"},
    ]
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    lines.insert(2, "{không phải json")
    file = tmp_path / "baiviet.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = run_ingest(tmp_path, file, database_url)
    assert result.returncode == 1, result.stderr
    assert f"{file}:2: thiếu trường bắt buộc: published" in result.stderr
    assert f"{file}:3: JSON không hợp lệ" in result.stderr
    assert f"{file}:4: ngày đăng không đọc được" in result.stderr
    assert f"{file}:5: agency 'Sở Không Tồn Tại' không có trong danh mục" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Đã nhận 1 dòng" in result.stdout and "đã lưu 1 bài" in result.stdout

    again = run_ingest(tmp_path, file, database_url)
    assert "đã lưu 0 bài" in again.stdout
    engine = create_engine(database_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT agency_id, attribution FROM articles")).all()
    engine.dispose()
    assert len(stored) == 1 and stored[0][0] == "hg-huyen-bac-quang"
    assert "khai báo" in stored[0][1]


def test_csv_import_and_a_file_that_is_not_utf8(tmp_path: Path, database_url: str) -> None:
    file = tmp_path / "baiviet.csv"
    file.write_text("url,title,published,channel,kind\n"
                    f"https://baohagiang.vn/cchc/1,\"Trao đổi về cải cách hành chính\",15/05/2024,"
                    f"Báo Hà Giang,chuyen_muc\n"
                    "https://baohagiang.vn/cchc/2,Thể loại sai,15/05/2024,,bao-chi\n",
                    encoding="utf-8")
    result = run_ingest(tmp_path, file, database_url)
    assert f"{file}:3: kind 'bao-chi' không hợp lệ" in result.stderr
    assert "Đã nhận 1 dòng" in result.stdout

    latin = tmp_path / "latin.csv"  # a Windows-1258 byte in the middle
    latin.write_bytes("url,title,published\nhttps://a.vn/1,Cải cách,2024-01-01\n".encode("utf-8").replace("ả".encode(), b"\xec"))
    bad = run_ingest(tmp_path, latin, database_url)
    assert bad.returncode == 2 and "không phải UTF-8" in bad.stderr
