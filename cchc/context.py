"""What a command needs, opened lazily from the settings: database, stream, plans, registry."""

from __future__ import annotations

import logging
from functools import cached_property
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from cchc.errors import ConfigError
from cchc.settings import Settings

log = logging.getLogger(__name__)

class AppContext:
    def __init__(self, settings: Settings, *, role: str = "cli") -> None:
        self.settings = settings
        self.role = role  # each producing process keeps its own outbox file
        self.create_database = False

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        """The database; created on first use only where it is expected (the default file under
        CCHC_HOME, or a command that sets ``create_database``), never at a mistyped path."""
        from monitor.database import open_database

        default = Settings.for_home(self.settings.home).database_url
        create = self.create_database or self.settings.database_url == default
        return open_database(self.settings.database_url, create=create)

    @cached_property
    def stream(self):
        from stream import open_stream

        self.settings.home.mkdir(parents=True, exist_ok=True)
        return open_stream(self.settings.stream_url,
                           outbox_path=str(self.outbox_path(self.role)))

    def outbox_path(self, role: str) -> Path:
        """Where events wait while the broker is unreachable, one file per producing role."""
        return self.settings.home / f"outbox-{role}.db"

    def plans(self, paths: list[Path] | None = None):
        from rules.loader import find_plan_files, load_plan

        files = paths or find_plan_files(self.settings.plans_dir)
        if not files:
            raise ConfigError(f"Không tìm thấy tệp kế hoạch nào trong {self.settings.plans_dir}; "
                              "đặt CCHC_PLANS_DIR hoặc dùng --plan TỆP.")
        return [load_plan(path) for path in files]

    def has_plans(self) -> bool:
        folder = self.settings.plans_dir
        return folder.is_dir() and any(folder.glob("*.yaml"))

    def judge(self):
        from monitor.agencies import AgencyDirectory, load_agencies
        from monitor.judge import Judge
        from monitor.relevance import RelevanceClassifier

        with self.sessions() as session:
            directory = AgencyDirectory(load_agencies(session))
        return Judge(RelevanceClassifier(self.settings.relevance_threshold), directory)

    def close(self) -> None:
        if "stream" in self.__dict__:
            self.stream.close()

    def sync_directory(self, registry=None) -> None:
        """Make the agencies table hold every plan roster and the source registry."""
        from monitor.agencies import sync_agencies
        from monitor.sources import sync_sources

        plans = self.plans() if self.has_plans() else []
        if registry is None and self.settings.sources_file:
            from crawlers.registry import load_registry

            registry = load_registry(self.settings.sources_file)
        with self.sessions() as session:
            for plan in plans:
                sync_agencies(session, plan.agencies)
            if registry is not None:
                sync_sources(session, registry)
            session.commit()

    def drain_if_embedded(self) -> int | None:
        """In embedded mode a publishing command returns once its events are stored; None when
        another consumer of the log (``cchc run`` or ``cchc consume``) is storing them."""
        if not self.settings.stream_url.startswith("embedded://"):
            return None
        from monitor.consumer import MonitorConsumer
        from stream.errors import GroupTaken

        try:
            consumer = MonitorConsumer(self.stream, self.sessions, self.judge())
        except GroupTaken as running:
            log.info("not storing here: %s", running)
            return None
        try:
            return len(consumer.run(until_idle=True).stored)
        finally:
            consumer.close()

