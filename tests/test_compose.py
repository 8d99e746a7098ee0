"""docker-compose.yml is the production deployment: check its structure without a Docker engine."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from cchc.cli import cli

COMPOSE = Path(__file__).resolve().parents[1] / "docker-compose.yml"
APP_SERVICES = {"migrate", "crawler", "monitor", "scheduler", "web"}


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]


def test_infrastructure_services_are_pinned_and_healthchecked(services: dict) -> None:
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["postgres"]["image"].startswith("postgres:")
    assert "mailpit" in services["mailpit"]["image"]
    for name in ("kafka", "postgres", "mailpit"):
        image = services[name]["image"]
        tag = image.rsplit(":", 1)[-1]
        assert ":" in image and tag not in ("latest", "") and any(c.isdigit() for c in tag), image
        assert services[name]["healthcheck"]["test"], name
    kafka = services["kafka"]["environment"]
    assert "controller" in kafka["KAFKA_PROCESS_ROLES"]  # KRaft, no ZooKeeper
    assert "volumes" in services["postgres"]


def test_app_services_are_configured_by_environment_and_wait_for_their_dependencies(
        services: dict) -> None:
    assert APP_SERVICES <= set(services)
    for name in APP_SERVICES:
        service = services[name]
        env = service["environment"]
        assert env["CCHC_DATABASE_URL"].startswith("postgresql+psycopg://"), name
        assert env["CCHC_STREAM_URL"] == "kafka://kafka:9092", name
        depends = service["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        if name != "migrate":
            assert depends["kafka"]["condition"] == "service_healthy", name
            assert depends["migrate"]["condition"] == "service_completed_successfully", name
    assert services["migrate"]["command"] == ["db", "upgrade"]  # Alembic on start


@pytest.mark.parametrize("name", sorted(APP_SERVICES))
def test_each_service_command_is_a_real_cchc_subcommand(services: dict, name: str) -> None:
    command = services[name]["command"]
    group = cli
    words = list(command)
    while words and hasattr(group, "commands") and words[0] in group.commands:
        group = group.commands[words.pop(0)]
    assert group is not cli, f"{name}: {command} is not a cchc command"
    options = {opt for param in group.params for opt in getattr(param, "opts", [])}
    options |= {opt for param in group.params for opt in getattr(param, "secondary_opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word in options, f"{name}: {word} is not an option of {group.name}"
    help_run = subprocess.run([sys.executable, "-m", "cchc", *command[:len(command) - len(words)],
                               "--help"], capture_output=True, text=True, timeout=60)
    assert help_run.returncode == 0, help_run.stderr


def test_the_image_holds_every_package_and_builds_the_c_extension() -> None:
    """The image is built from a list of COPY lines: a package left out (the web dashboard was)
    fails only in production, and without a compiler the monitor silently runs its slower
    Python text passes."""
    root = COMPOSE.parent
    dockerfile = (root / "Dockerfile").read_text(encoding="utf-8")
    copied = {name.rstrip("/") for line in dockerfile.splitlines() if line.startswith("COPY ")
              for name in line.split()[1:-1]}
    include = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*") for pattern in include}
    assert packages <= copied, f"not copied into the image: {sorted(packages - copied)}"
    assert {"pyproject.toml", "setup.py"} <= copied
    install = dockerfile.index("pip install")
    assert "gcc" in dockerfile[:install] and "from monitor import _textscan" in dockerfile[install:]
