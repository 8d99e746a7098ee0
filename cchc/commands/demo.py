"""``cchc demo``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from rich.console import Console

from cchc.commands.options import ISO_DATE
from cchc.context import AppContext


def register(cli: click.Group) -> None:
    cli.add_command(demo)


@click.command()
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Where the demo writes cchc.db, evaluation.json and outbox/ "
                   "(default: $CCHC_HOME/demo).")
@click.option("--as-of", "as_of", type=ISO_DATE, default="2024-08-15", show_default=True,
              help="Evaluate as things stood at the end of this day (inside 2024).")
@click.pass_obj
def demo(app: AppContext, workdir: Path | None, as_of: date) -> None:
    """Run the whole pipeline offline on bundled sample sites: crawl, stream, monitor,
    evaluate the Hà Giang 2024 plan, and write digest e-mails to an outbox folder."""
    from cchc.demo.runner import run_demo

    run_demo(workdir or app.settings.home / "demo", as_of, settings=app.settings,
             console=Console())
