"""``cchc serve`` and ``cchc users hash``: the dashboard and its users."""

from __future__ import annotations

import click

from cchc.context import AppContext


def register(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(users)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.pass_obj
def serve(app: AppContext, host: str, port: int) -> None:
    """Serve the read-only dashboard (compliance matrix, evidence, exports) behind a login.
    Users come from CCHC_USERS_FILE (default $CCHC_HOME/users.yaml)."""
    from web.app import create_app
    from web.app import serve as run_server

    run_server(create_app(app.settings), host=host, port=port)


@click.group()
def users() -> None:
    """Dashboard users."""


@users.command("hash")
@click.option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt=True,
              help="The password (prompted when omitted).")
def users_hash(password: str) -> None:
    """Print a password hash to put in the users file (password: <hash>)."""
    from web.passwords import hash_password

    if len(password) < 10:
        raise click.BadParameter("mật khẩu cần ít nhất 10 ký tự.", param_hint="--password")
    click.echo(hash_password(password))
