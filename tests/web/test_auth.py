"""Login, roles, expiring signed sessions, cookie flags and CSRF."""

from __future__ import annotations

import time

from itsdangerous import TimestampSigner
from starlette.testclient import TestClient

from tests.web.conftest import PASSWORDS, csrf_of, sign_in
from web.passwords import hash_password, verify_password
from web.session import COOKIE


def test_password_hash_round_trip_and_tamper() -> None:
    stored = hash_password("mật khẩu rất dài", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$")
    assert verify_password("mật khẩu rất dài", stored)
    assert not verify_password("mat khau rat dai", stored)
    assert not verify_password("mật khẩu rất dài", stored.replace("$1000$", "$1001$"))
    assert not verify_password("x", "không-phải-hash")
    assert hash_password("a", iterations=1000) != hash_password("a", iterations=1000)  # salted


def test_healthz_needs_no_login(login) -> None:
    response = login(None).get("/healthz")
    assert response.status_code == 200 and response.text == "ok"


def test_pages_redirect_to_login_and_exports_get_401(login) -> None:
    client = login(None)
    for path in ("/", "/health", "/claims", "/exports", "/agency/ha-giang-2024/hg-so-tu-phap",
                 "/drill/ha-giang-2024/hg-so-tu-phap/hg-03-tin-bai-quy/2024-Q3",
                 "/report/ha-giang-2024/2024-Q3", "/snapshot/1", "/audit"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=%2F")
    response = client.get("/exports/ha-giang-2024_2024-08-15.csv")
    assert response.status_code == 401
    assert "đăng nhập" in response.text


def test_wrong_password_is_refused_in_vietnamese(login) -> None:
    client = login(None)
    token = csrf_of(client, "/login")
    response = client.post("/login", data={"username": "officer", "password": "sai",
                                           "csrf_token": token})
    assert response.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_sets_hardened_cookie_and_logout_clears_it(login) -> None:
    client = login(None)
    response = sign_in(client, "viewer", PASSWORDS["viewer"])
    cookie = response.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=3600" in cookie and "Secure" not in cookie  # plain http here
    assert client.get("/").status_code == 200
    token = csrf_of(client)
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and "Max-Age=0" in out.headers["set-cookie"]
    assert client.get("/", follow_redirects=False).status_code == 303


def test_cookie_is_secure_over_https(app) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        response = sign_in(client, "viewer", PASSWORDS["viewer"])
        assert "Secure" in response.headers["set-cookie"]


def test_expired_session_is_rejected(app, login) -> None:
    client = login("viewer")
    assert client.get("/").status_code == 200
    cookie = client.cookies.get(COOKIE)
    payload = TimestampSigner("kiem-thu-khoa-bi-mat", salt="cchc-web-session").unsign(cookie)

    class Old(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3601

    stale = Old("kiem-thu-khoa-bi-mat", salt="cchc-web-session").sign(payload).decode()
    client.cookies.clear()
    client.cookies.set(COOKIE, stale)
    assert client.get("/", follow_redirects=False).status_code == 303
    assert client.get("/exports/ha-giang-2024_2024-08-15.csv").status_code == 401


def test_forged_cookie_is_rejected(login) -> None:
    client = login("viewer")
    cookie = client.cookies.get(COOKIE)
    client.cookies.clear()
    client.cookies.set(COOKIE, cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))
    assert client.get("/", follow_redirects=False).status_code == 303


def test_csrf_missing_or_wrong_is_403(login) -> None:
    client = login("officer")
    form = {"plan": "ha-giang-2024", "rule": "hg-05-lop-tap-huan", "agency": "hg-so-noi-vu",
            "what": "Lớp tập huấn", "quantity": "1", "on_date": "2024-08-01"}
    assert client.post("/attest", data=form).status_code == 403
    response = client.post("/attest", data={**form, "csrf_token": "sai-ma"})
    assert response.status_code == 403 and "CSRF" in response.text
    other = login("admin")
    stolen = csrf_of(other)  # a token of another session does not work here
    assert client.post("/attest", data={**form, "csrf_token": stolen}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    fresh = login(None)
    assert fresh.post("/login", data={"username": "viewer",
                                      "password": PASSWORDS["viewer"]}).status_code == 403


def test_login_next_never_leaves_the_site(login) -> None:
    client = login(None)
    token = csrf_of(client, "/login")
    response = client.post("/login", data={"username": "viewer", "password": PASSWORDS["viewer"],
                                           "csrf_token": token, "next": "//evil.example/x"},
                           follow_redirects=False)
    assert response.headers["location"] == "/"


def test_error_pages_are_vietnamese(login) -> None:
    client = login("viewer")
    missing = client.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.text
    forbidden = client.post("/attest", data={"csrf_token": csrf_of(client)})
    assert forbidden.status_code == 403 and "Không có quyền truy cập" in forbidden.text
    bad = client.get("/?as_of=15-08-2024")
    assert bad.status_code == 400 and "không hợp lệ" in bad.text
