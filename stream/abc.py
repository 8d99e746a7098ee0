"""The event-stream interfaces: one small API, two backends (embedded SQLite log, Kafka).

Delivery is at-least-once. A consumer reads records with ``poll``, the caller applies them (in its
own database transaction, idempotently by event id) and only then calls ``commit``; a crash before
``commit`` redelivers the records, never loses them. Keys are agency ids: records with one key are
read in the order they were published.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from types import TracebackType

    from stream.events import Envelope


@dataclass(frozen=True, slots=True)
class Record:
    """One event as stored in the log; ``value`` is the encoded envelope."""

    topic: str
    partition: int
    offset: int
    key: str
    value: bytes


@dataclass(frozen=True, slots=True)
class TopicStats:
    """What operators ask about a topic: how much is in it and how far behind each group is.

    ``end_offset`` is the number of records ever published (summed over partitions), ``size`` the
    number still retained, ``lag`` maps each consumer group to records published but not committed.
    """

    topic: str
    end_offset: int
    size: int
    lag: dict[str, int] = field(default_factory=dict)


class Consumer(ABC):
    """Reads topics as one member of a consumer group, with explicit offset commits."""

    @abstractmethod
    def poll(self, max_records: int = 500, timeout_s: float = 1.0) -> list[Record]:
        """Return up to ``max_records`` records, waiting at most ``timeout_s`` when none are ready."""

    @abstractmethod
    def commit(self) -> None:
        """Commit every record returned by ``poll`` so far: the group resumes after them."""

    @abstractmethod
    def rollback(self) -> None:
        """Forget what was polled since the last commit: the next ``poll`` returns it again."""

    @abstractmethod
    def close(self) -> None:
        """Leave the group without committing."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Stream(ABC):
    """A durable, partitioned log of events: publish, consume with groups, inspect."""

    @abstractmethod
    def publish(self, topic: str, key: str, event: Envelope) -> None:
        """Queue ``event`` under ``key`` (the agency id); durable once ``flush`` returns."""

    @abstractmethod
    def flush(self) -> None:
        """Make every published event durable (in the log, or in the outbox when it is down)."""

    @abstractmethod
    def consumer(self, group: str, topics: list[str]) -> Consumer:
        """A consumer in ``group``; a new group starts at the oldest retained record."""

    @abstractmethod
    def stats(self) -> list[TopicStats]:
        """Per topic: end offset, retained size and lag of every consumer group."""

    @abstractmethod
    def close(self) -> None:
        """Flush, then release files and connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
