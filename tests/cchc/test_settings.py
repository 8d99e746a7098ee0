from __future__ import annotations

from pathlib import Path

import pytest

from cchc.errors import ConfigError
from cchc.settings import Settings


def test_embedded_defaults_live_under_cchc_home(tmp_path: Path) -> None:
    settings = Settings.load(env={"CCHC_HOME": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path}/cchc.db"
    assert settings.stream_url == f"embedded://{tmp_path}/stream.db"
    assert settings.smtp_url is None and settings.outbox_dir == tmp_path / "outbox"
    assert settings.timezone == "Asia/Ho_Chi_Minh"


def test_environment_overrides_config_file(tmp_path: Path) -> None:
    config = tmp_path / "cchc.yaml"
    config.write_text("smtp_url: smtp://a:25\nrelevance_threshold: 0.7\n", encoding="utf-8")
    settings = Settings.load(config, env={"CCHC_HOME": str(tmp_path),
                                          "CCHC_SMTP_URL": "smtp://b:2525"})
    assert settings.smtp_url == "smtp://b:2525"
    assert settings.relevance_threshold == 0.7


@pytest.mark.parametrize(("env", "needle"), [
    ({"CCHC_STREAM_URL": "redis://x"}, "kafka://"),
    ({"CCHC_TIMEZONE": "Mars/Olympus"}, "Asia/Ho_Chi_Minh"),
    ({"CCHC_RELEVANCE_THRESHOLD": "cao"}, "0.5"),
])
def test_bad_settings_say_what_to_write(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle.replace(".", r"\.")):
        Settings.load(env=env)


def test_unknown_config_key_is_named(tmp_path: Path) -> None:
    config = tmp_path / "cchc.yaml"
    config.write_text("databse_url: sqlite://\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="databse_url"):
        Settings.load(config, env={})
