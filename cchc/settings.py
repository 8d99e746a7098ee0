"""One settings object, from environment variables and an optional YAML config file.

Precedence: environment > config file > embedded defaults under ``CCHC_HOME``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from cchc.errors import ConfigError

_ENV = {
    "home": "CCHC_HOME",
    "database_url": "CCHC_DATABASE_URL",
    "stream_url": "CCHC_STREAM_URL",
    "smtp_url": "CCHC_SMTP_URL",
    "timezone": "CCHC_TIMEZONE",
    "relevance_threshold": "CCHC_RELEVANCE_THRESHOLD",
    "mail_from": "CCHC_MAIL_FROM",
    "plans_dir": "CCHC_PLANS_DIR",
    "sources_file": "CCHC_SOURCES_FILE",
    "users_file": "CCHC_USERS_FILE",
    "secret_key": "CCHC_SECRET_KEY",
    "session_max_age": "CCHC_SESSION_MAX_AGE",
    "secure_cookies": "CCHC_SECURE_COOKIES",
}
REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    stream_url: str
    smtp_url: str | None
    timezone: str = "Asia/Ho_Chi_Minh"
    relevance_threshold: float | None = None
    mail_from: str = "CCHC Monitor <cchc-monitor@localhost>"
    plans_dir: Path = REPO_ROOT / "plans"
    sources_file: Path | None = None
    users_file: Path | None = None  # dashboard users (default $CCHC_HOME/users.yaml)
    secret_key: str | None = None  # signs dashboard sessions (default: a key kept in CCHC_HOME)
    session_max_age: str | None = None  # seconds
    secure_cookies: str | None = None  # true | false | auto

    @property
    def outbox_dir(self) -> Path:
        return self.home / "outbox"

    @classmethod
    def for_home(cls, home: Path, **overrides: object) -> Settings:
        home = home.resolve()
        base = cls(
            home=home,
            database_url=f"sqlite:///{home / 'cchc.db'}",
            stream_url=f"embedded://{home / 'stream.db'}",
            smtp_url=None,
        )
        return replace(base, **overrides)

    @classmethod
    def load(cls, config_file: Path | None = None, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        values = _read_config(config_file) if config_file else {}
        values.update({key: env[var] for key, var in _ENV.items() if env.get(var)})
        home = Path(values.pop("home", ".cchc"))
        settings = cls.for_home(home, **_coerce(values))
        _check(settings)
        return settings


def _read_config(path: Path) -> dict[str, str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as error:
        raise ConfigError(f"Không đọc được tệp cấu hình {path}: {error.strerror}.") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: YAML không hợp lệ: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: cần một bảng khoá: giá trị (ví dụ `database_url: ...`).")
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}: khoá không biết: {', '.join(unknown)}; các khoá hợp lệ: "
                          f"{', '.join(sorted(known))}.")
    return {key: str(value) for key, value in data.items() if value is not None}


def _coerce(values: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = dict(values)
    if "relevance_threshold" in out:
        try:
            out["relevance_threshold"] = float(values["relevance_threshold"])
        except ValueError as error:
            raise ConfigError("CCHC_RELEVANCE_THRESHOLD phải là một số, ví dụ 0.5.") from error
        if not 0 <= out["relevance_threshold"] <= 1:
            raise ConfigError("CCHC_RELEVANCE_THRESHOLD phải nằm trong khoảng 0–1, ví dụ 0.5.")
    for key in ("plans_dir", "sources_file", "users_file"):
        if key in out:
            out[key] = Path(values[key])
    return out


def _check(settings: Settings) -> None:
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"Múi giờ không hợp lệ: {settings.timezone!r}; "
                          "dùng tên IANA như Asia/Ho_Chi_Minh.") from error
    if not settings.stream_url.startswith(("embedded:///", "kafka://")) or (
            settings.stream_url.rstrip("/") in ("embedded:", "kafka:")):
        raise ConfigError(f"CCHC_STREAM_URL={settings.stream_url!r} không hợp lệ; dùng "
                          "embedded:///duong/dan/tuyet/doi/stream.db hoặc kafka://host:port.")
    if not settings.database_url.startswith(("sqlite:///", "postgresql")):
        raise ConfigError(f"CCHC_DATABASE_URL={settings.database_url!r} không hợp lệ; dùng "
                          "sqlite:////duong/dan/cchc.db hoặc postgresql+psycopg://user:pass@host/db.")
    if settings.smtp_url:
        from notifier.smtp_url import SmtpUrlError, parse_smtp_url

        try:
            parse_smtp_url(settings.smtp_url)
        except SmtpUrlError as error:
            raise ConfigError(f"CCHC_SMTP_URL không hợp lệ: {error}") from error
