"""The dashboard's own settings, read from the project's settings object (duck-typed).

``create_app`` accepts any object with ``database_url``, ``stream_url``, ``home`` and ``plans_dir``
(``cchc.settings.Settings`` has them); the web-only values below are optional attributes of that
object, else environment variables, else defaults under ``home``.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc.errors import ConfigError

DEFAULT_SESSION_MAX_AGE = 8 * 3600  # one working day


@dataclass(frozen=True)
class WebConfig:
    database_url: str
    stream_url: str
    home: Path
    plans_dir: Path | None
    users_file: Path
    secret_key: str
    session_max_age: int = DEFAULT_SESSION_MAX_AGE
    secure_cookies: bool | None = None  # None: Secure when the request came over https
    fetch_timeout_s: float = 10.0
    fetch_max_bytes: int = 3_000_000

    @classmethod
    def from_settings(cls, settings: Any) -> WebConfig:
        home = Path(_get(settings, "home", "CCHC_HOME", ".cchc"))
        users = _get(settings, "users_file", "CCHC_USERS_FILE", str(home / "users.yaml"))
        plans_dir = getattr(settings, "plans_dir", None)
        secure = _get(settings, "secure_cookies", "CCHC_SECURE_COOKIES", None)
        return cls(
            database_url=str(settings.database_url),
            stream_url=str(settings.stream_url),
            home=home,
            plans_dir=Path(plans_dir) if plans_dir else None,
            users_file=Path(users),
            secret_key=str(_get(settings, "secret_key", "CCHC_SECRET_KEY", None)
                           or _secret_from_home(home)),
            session_max_age=int(_get(settings, "session_max_age", "CCHC_SESSION_MAX_AGE",
                                     DEFAULT_SESSION_MAX_AGE)),
            secure_cookies=None if secure in (None, "", "auto") else _flag(secure),
        )


def _get(settings: Any, name: str, env: str, default: Any) -> Any:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(env) or default
    return value


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"CCHC_SECURE_COOKIES={value!r} không hợp lệ; dùng true, false hoặc auto.")


def _secret_from_home(home: Path) -> str:
    """A random signing key kept in ``home/web-secret`` so sessions survive restarts."""
    path = home / "web-secret"
    try:
        if path.exists():
            return path.read_text(encoding="ascii").strip()
        home.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(key, encoding="ascii")
        return key
    except OSError as error:
        raise ConfigError(f"Không tạo được khoá ký phiên {path}: {error.strerror}. Đặt "
                          "CCHC_SECRET_KEY hoặc cấp quyền ghi cho thư mục CCHC_HOME.") from error
