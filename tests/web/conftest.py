"""Dashboard fixtures: a users file, the app on a migrated database with realistic rows, clients
logged in as each role."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

with warnings.catch_warnings():  # Starlette suggests httpx2, which is not a dependency here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from tests.web.dataset import AS_OF, REPO, ha_giang_plan, populate
from web.app import create_app
from web.passwords import hash_password

PASSWORDS = {"viewer": "xem-2024", "officer": "canbo-2024", "auditor": "kiemtra-2024",
             "admin": "quantri-2024"}
NAMES = {"viewer": "Lê Thị Xem", "officer": "Nguyễn Văn Cán", "auditor": "Trần Thị Kiểm",
         "admin": "Phạm Quản Trị"}


@pytest.fixture()
def users_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.yaml"
    users = [{"username": role, "name": NAMES[role], "role": role,
              "password": hash_password(PASSWORDS[role], iterations=1000)} for role in PASSWORDS]
    users.append({"username": "meovac", "name": "Hoàng Văn Mèo", "role": "viewer",
                  "agency": "hg-huyen-meo-vac",
                  "password": hash_password("meovac-2024", iterations=1000)})
    path.write_text(yaml.safe_dump({"users": users}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture()
def settings(tmp_path: Path, database_url: str, users_file: Path) -> SimpleNamespace:
    return SimpleNamespace(
        home=tmp_path, database_url=database_url,
        stream_url=f"embedded://{tmp_path / 'stream.db'}", plans_dir=REPO / "plans",
        users_file=users_file, secret_key="kiem-thu-khoa-bi-mat", session_max_age=3600,
        secure_cookies=None)


@pytest.fixture()
def app(settings: SimpleNamespace):
    app = create_app(settings)
    with app.state.web.sessions() as session:
        populate(session, ha_giang_plan(), AS_OF)
    yield app
    app.state.web.sessions.kw["bind"].dispose()


@pytest.fixture()
def login(app: Any) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def make(role: str | None) -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        clients.append(client)
        if role is not None:
            sign_in(client, role if role in PASSWORDS else "meovac",
                    PASSWORDS.get(role, "meovac-2024"))
        return client

    yield make
    for client in clients:
        client.close()


def csrf_of(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str) -> Any:
    token = csrf_of(client, "/login")
    response = client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token, "next": "/"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return response
