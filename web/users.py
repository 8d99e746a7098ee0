"""Dashboard users and their roles, from a YAML file named in the settings.

```yaml
users:
  - username: nguyenvana
    name: Nguyễn Văn A
    role: officer            # viewer | officer | auditor | admin
    agency: hg-so-noi-vu     # optional: the agency this user reports for (claims)
    password: pbkdf2_sha256$600000$...   # from `cchc users hash`
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from cchc.errors import ConfigError
from cchc.vntext import nfc
from web.passwords import is_valid_hash, verify_password

ROLES = ("viewer", "officer", "auditor", "admin")
ROLE_NAMES = {
    "viewer": "Người xem",
    "officer": "Cán bộ theo dõi",
    "auditor": "Kiểm tra viên",
    "admin": "Quản trị",
}
EDITORS = frozenset({"officer", "admin"})  # attest, override, exempt, decide claims
CERTIFIERS = frozenset({"auditor", "admin"})  # sign off a period


@dataclass(frozen=True)
class User:
    username: str
    name: str
    role: str
    password_hash: str = ""
    agency: str = ""

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]

    @property
    def label(self) -> str:
        """How the audit log names this person: 'Nguyễn Văn A (nguyenvana)'."""
        return f"{self.name} ({self.username})"


class UserDirectory:
    def __init__(self, users: list[User]) -> None:
        self._users = {user.username: user for user in users}

    def get(self, username: str) -> User | None:
        return self._users.get(username)

    def authenticate(self, username: str, password: str) -> User | None:
        user = self._users.get(username.strip())
        if user is None or not verify_password(password, user.password_hash):
            return None
        return user


def load_users(path: Path) -> UserDirectory:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as error:
        raise ConfigError(f"Không thấy tệp người dùng {path}; tạo tệp này (mật khẩu băm bằng `cchc users hash`; mẫu trong README) hoặc "
                          "đặt CCHC_USERS_FILE.") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: YAML không hợp lệ: {error}") from error
    entries = data.get("users") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: cần khoá `users:` là một danh sách người dùng.")
    users = [_user(path, number, entry) for number, entry in enumerate(entries, start=1)]
    names = [user.username for user in users]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError(f"{path}: tên đăng nhập bị trùng: {', '.join(duplicates)}.")
    return UserDirectory(users)


def _user(path: Path, number: int, entry: object) -> User:
    where = f"{path}: người dùng thứ {number}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: cần một bảng username/name/role/password.")
    username = str(entry.get("username") or "").strip()
    role = str(entry.get("role") or "").strip()
    password = str(entry.get("password") or "")
    if not username:
        raise ConfigError(f"{where}: thiếu username.")
    if role not in ROLES:
        raise ConfigError(f"{where} ({username}): role {role!r} không hợp lệ; dùng "
                          f"{', '.join(ROLES)}.")
    if not is_valid_hash(password):
        raise ConfigError(f"{where} ({username}): password phải là chuỗi băm pbkdf2_sha256$... "
                          "tạo bằng `cchc users hash`, không ghi mật khẩu thô.")
    return User(username=username, name=nfc(str(entry.get("name") or username)), role=role,
                password_hash=password, agency=str(entry.get("agency") or ""))
