"""End to end in a real headless Chromium against a real uvicorn server on 127.0.0.1:
login → matrix → drill-down → CSV download → attestation. Screenshots go to the test's tmp dir
(and to CCHC_SCREENSHOT_DIR when set, e.g. docs/ for the README)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import PASSWORDS

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian chromium at /usr/bin/chromium (apt-get install chromium)"),
]


@pytest.fixture()
def server(app) -> Iterator[str]:
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert instance.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def _shot(page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=False)
    docs = os.environ.get("CCHC_SCREENSHOT_DIR")
    if docs:
        page.screenshot(path=str(Path(docs) / f"dashboard-{name}.png"), full_page=False)


def test_login_matrix_drilldown_export_attestation(server: str, tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 900},
                                          accept_downloads=True, locale="vi-VN")
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{server}/")
            assert "/login" in page.url
            page.fill("input[name=username]", "officer")
            page.fill("input[name=password]", PASSWORDS["officer"])
            page.click("button[type=submit]")
            page.wait_for_selector("table.matrix")
            assert page.locator("table.matrix tbody tr").count() == 33
            _shot(page, tmp_path, "matrix")

            page.locator('td.cell.st-at-risk a[href*="hg-03-tin-bai-quy"]').first.click()
            page.wait_for_selector("text=Cần thêm")
            assert page.locator("h2", has_text="Minh chứng").count() == 1
            assert page.locator("a", has_text="Xem bản lưu").count() >= 1
            _shot(page, tmp_path, "drilldown")

            page.goto(f"{server}/")
            with page.expect_download() as info:
                page.click("text=Tải CSV")
            download = info.value
            target = tmp_path / download.suggested_filename
            download.save_as(target)
            assert target.name == "cchc_ha-giang-2024_2024-08-15.csv"
            assert "evidence_content_sha256" in target.read_text(encoding="utf-8-sig")

            page.goto(f"{server}/drill/ha-giang-2024/hg-so-noi-vu/hg-05-lop-tap-huan/2024"
                      "?as_of=2024-08-15")
            form = page.locator("#attest-form")
            form.locator("input[name=what]").fill("Lớp tập huấn CCHC cho cán bộ cấp xã")
            form.locator("input[name=quantity]").fill("3")
            form.locator("input[name=document_no]").fill("301/BC-SNV")
            form.locator("input[name=on_date]").fill("2024-07-05")
            form.locator("button[type=submit]").click()
            page.wait_for_selector("text=301/BC-SNV")
            assert page.locator("td", has_text="Nguyễn Văn Cán (officer)").count() >= 1
            _shot(page, tmp_path, "attestation")
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
    assert (tmp_path / "matrix.png").stat().st_size > 10_000
