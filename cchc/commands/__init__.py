"""CLI commands, one module per area."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    from cchc.commands import (
        crawl,
        database,
        decisions,
        demo,
        evaluate,
        notify,
        pipeline,
        plans,
        stream_cmd,
        web,
    )

    for module in (demo, crawl, pipeline, evaluate, decisions, plans, stream_cmd, database,
                   notify, web):
        module.register(cli)
