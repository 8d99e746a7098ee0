"""Claims: submitted by an agency user, accepted by an officer (fetched from a real local HTTP
server, extracted, published on the embedded stream) or rejected with a reason."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from monitor.models import AuditLogRow
from stream import open_stream
from stream.events import ARTICLES, Envelope
from tests.web.conftest import csrf_of
from web.claims import ClaimRow

PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Mèo Vạc đẩy mạnh cải cách thủ tục hành chính</title>
<meta property="article:published_time" content="2024-08-12T08:00:00+07:00">
</head><body><article><h1>Mèo Vạc đẩy mạnh cải cách thủ tục hành chính</h1>
<p>Ngày 12/8/2024, UBND huyện Mèo Vạc tổ chức hội nghị tuyên truyền cải cách hành chính,
hướng dẫn người dân sử dụng dịch vụ công trực tuyến toàn trình trên Cổng Dịch vụ công.</p>
<p>Bộ phận một cửa huyện đã tiếp nhận hơn 1.200 hồ sơ trực tuyến trong 7 tháng đầu năm,
tỷ lệ giải quyết đúng hạn đạt 99 phần trăm; nhiều thủ tục được rút ngắn thời gian xử lý.</p>
</article></body></html>"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/tin-tuc/cchc-meo-vac.html":
            body, kind, status = PAGE.encode(), "text/html; charset=utf-8", 200
        elif self.path == "/big.html":
            body, kind, status = b"<html>" + b"a" * 4_000_000, "text/html", 200
        elif self.path == "/file.pdf":
            body, kind, status = b"%PDF-1.4", "application/pdf", 200
        else:
            body, kind, status = b"not found", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture()
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _claims(app) -> list[ClaimRow]:
    with app.state.web.sessions() as session:
        return list(session.scalars(select(ClaimRow).order_by(ClaimRow.id)))


def _submit(client, url: str) -> None:
    response = client.post("/claims", data={"csrf_token": csrf_of(client, "/claims"), "url": url,
                                             "note": "Bài đăng trên trang huyện"},
                           follow_redirects=False)
    assert response.status_code == 303


def test_agency_claim_accepted_is_published_for_the_monitor(app, login, site, settings) -> None:
    agency_user = login("agency")
    _submit(agency_user, f"{site}/tin-tuc/cchc-meo-vac.html")
    [claim] = _claims(app)
    assert (claim.status, claim.agency_id) == ("pending", "hg-huyen-meo-vac")
    assert "Chờ xử lý" in agency_user.get("/claims").text
    assert agency_user.post(f"/claims/{claim.id}/accept",
                            data={"csrf_token": csrf_of(agency_user)}).status_code == 403

    officer = login("officer")
    response = officer.post(f"/claims/{claim.id}/accept",
                            data={"csrf_token": csrf_of(officer, "/claims")})
    assert response.status_code == 200 and "Đã chấp nhận" in response.text
    [claim] = _claims(app)
    assert claim.status == "accepted" and claim.decided_by == "Nguyễn Văn Cán (officer)"

    stream = open_stream(settings.stream_url)
    consumer = stream.consumer("kiem-thu-web", [ARTICLES])
    records = consumer.poll(max_records=10, timeout_s=2.0)
    consumer.close()
    stream.close()
    [record] = records
    event = Envelope.decode(record.value)
    assert event.id == claim.event_id and record.key == "hg-huyen-meo-vac"
    assert event.type == "article.collected"
    payload = event.payload
    assert payload["title"] == "Mèo Vạc đẩy mạnh cải cách thủ tục hành chính"
    assert "dịch vụ công trực tuyến toàn trình" in payload["text"]
    assert payload["published"].startswith("2024-08-12")
    assert payload["agency_id"] == payload["channel_id"] == "hg-huyen-meo-vac"
    assert payload["source_id"] == "claim" and payload["language_hint"] == "vi"
    assert "<article>" in payload["html"]
    with app.state.web.sessions() as session:
        actions = [r.action for r in session.scalars(select(AuditLogRow).order_by(AuditLogRow.id))]
    assert "claim.submit" in actions and actions[-1] == "claim.accept"


@pytest.mark.parametrize(("path", "words"), [
    ("/missing.html", "HTTP 404"), ("/big.html", "lớn hơn giới hạn"),
    ("/file.pdf", "không phải trang HTML")])
def test_unfetchable_claims_stay_pending_with_the_reason(app, login, site, path, words) -> None:
    officer = login("officer")
    token = csrf_of(officer, "/claims")
    officer.post("/claims", data={"csrf_token": token, "url": f"{site}{path}",
                                  "agency": "hg-so-tu-phap"})
    [claim] = _claims(app)
    page = officer.post(f"/claims/{claim.id}/accept", data={"csrf_token": token})
    assert words in page.text
    [claim] = _claims(app)
    assert claim.status == "pending" and words in claim.reason


def test_claim_rejected_with_reason(app, login) -> None:
    officer = login("officer")
    token = csrf_of(officer, "/claims")
    officer.post("/claims", data={"csrf_token": token, "url": "https://example.org/bai-khong-lien-quan",
                                  "agency": "hg-so-tu-phap"})
    [claim] = _claims(app)
    assert officer.post(f"/claims/{claim.id}/reject",
                        data={"csrf_token": token, "reason": ""}).status_code == 400
    page = officer.post(f"/claims/{claim.id}/reject", data={
        "csrf_token": token, "reason": "Bài không nói về cải cách hành chính"})
    assert "Đã từ chối" in page.text and "Bài không nói về cải cách hành chính" in page.text
    assert officer.post(f"/claims/{claim.id}/reject", data={
        "csrf_token": token, "reason": "lần hai"}).status_code == 400


def test_claim_input_is_checked(app, login) -> None:
    client = login("viewer")
    token = csrf_of(client, "/claims")
    bad_url = client.post("/claims", data={"csrf_token": token, "url": "file:///etc/passwd",
                                           "agency": "hg-so-tu-phap"})
    assert bad_url.status_code == 400
    bad_agency = client.post("/claims", data={"csrf_token": token, "url": "https://a.vn/x",
                                              "agency": "khong-co"})
    assert bad_agency.status_code == 400
    assert _claims(app) == []
