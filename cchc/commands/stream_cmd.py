"""``cchc stream``: what is on the event stream."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from cchc.context import AppContext


def register(cli: click.Group) -> None:
    cli.add_command(stream)


@click.group()
def stream() -> None:
    """The event stream (embedded log or Kafka)."""


@stream.command("stats")
@click.pass_obj
def stream_stats(app: AppContext) -> None:
    """Topics, their sizes and the lag of each consumer group."""
    table = Table(title=f"Luồng sự kiện {app.settings.stream_url}", header_style="bold")
    for column in ("Topic", "Sự kiện", "Nhóm tiêu thụ", "Độ trễ"):
        table.add_column(column)
    for topic in app.stream.stats():
        lags = topic.lag or {"—": None}
        for group, lag in sorted(lags.items()):
            table.add_row(topic.topic, str(topic.end_offset), group, "—" if lag is None else str(lag))
    Console().print(table)
