"""CLI commands, one module per area."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    from cchc.commands import demo, evaluate, pipeline, plans, stream_cmd

    for module in (demo, pipeline, evaluate, plans, stream_cmd):
        module.register(cli)
