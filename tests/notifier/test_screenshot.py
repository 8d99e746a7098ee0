from __future__ import annotations

import struct
from pathlib import Path

import pytest

from notifier.render import render_agency_digest
from notifier.sample import AGENCY, AS_OF, sample_previous, sample_verdicts
from notifier.screenshot import CHROMIUM, screenshot


@pytest.mark.browser
@pytest.mark.slow
def test_digest_screenshot_at_phone_width(tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    pytest.importorskip("playwright")
    html = render_agency_digest(
        AGENCY, sample_verdicts(), as_of=AS_OF, prev_verdicts=sample_previous()
    ).html
    png = screenshot(html, tmp_path / "digest.png", width=420).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 420 and height > 800  # single column: the page grows down, not sideways
