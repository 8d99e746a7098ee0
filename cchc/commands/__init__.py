"""CLI commands, one module per area."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    from cchc.commands import database, decisions, demo, evaluate, pipeline, plans, stream_cmd

    for module in (demo, pipeline, evaluate, decisions, plans, stream_cmd, database):
        module.register(cli)
