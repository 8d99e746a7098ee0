"""``cchc db upgrade``: schema migrations (Alembic)."""

from __future__ import annotations

import click

from cchc.context import AppContext


def register(cli: click.Group) -> None:
    cli.add_command(db)


@click.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@click.pass_obj
def upgrade(app: AppContext) -> None:
    """Create or migrate the database to the latest schema (run on every deployment)."""
    from sqlalchemy.engine import make_url

    app.create_database = True
    _ = app.sessions  # opening the database runs the migrations
    url = make_url(app.settings.database_url).render_as_string(hide_password=True)
    click.echo(f"CSDL {url}: đã ở phiên bản mới nhất.")
