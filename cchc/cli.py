"""The ``cchc`` command. Each area's commands live in ``cchc/commands/``.

Exit codes: 0 ok, 1 a failure was found (e.g. a shortfall), 2 bad input or usage.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from cchc.commands import register
from cchc.context import AppContext
from cchc.errors import CchcError
from cchc.settings import Settings
from notifier.smtp_url import SmtpUrlError
from rules.plan_schema import PlanError
from stream.errors import GroupTaken, StreamConfigError, StreamError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML config file (keys: home, database_url, stream_url, smtp_url, timezone...).")
@click.option("-v", "--verbose", count=True, help="More logging (-v info, -vv debug).")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, verbose: int) -> None:
    """CCHC Monitor: checks that agencies publish what their CCHC communication plans require.

    Settings come from environment variables (CCHC_HOME, CCHC_DATABASE_URL, CCHC_STREAM_URL,
    CCHC_SMTP_URL, CCHC_TIMEZONE) or --config; by default everything lives in ./.cchc.
    Start with `cchc demo`.
    """
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if ctx.resilient_parsing:
        return
    app = AppContext(Settings.load(config))
    ctx.obj = app
    ctx.call_on_close(app.close)


register(cli)


def main() -> None:
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Đã huỷ.", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except CchcError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(error.exit_code)
    except PlanError as error:  # a bad plan in the plans folder, met by any command
        click.echo(f"Lỗi: tệp kế hoạch không hợp lệ (sửa rồi chạy lại):\n{error}", err=True)
        sys.exit(2)
    except StreamConfigError as error:
        click.echo(f"Lỗi: CCHC_STREAM_URL không dùng được: {error}", err=True)
        sys.exit(2)
    except GroupTaken as error:  # a second consumer of one embedded group
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(2)
    except StreamError as error:  # the broker or the log cannot be reached or written
        click.echo(f"Lỗi luồng sự kiện ({error}). Kiểm tra CCHC_STREAM_URL và máy chủ Kafka / "
                   "ổ đĩa, rồi chạy lại: sự kiện chưa gửi vẫn nằm trong tệp outbox.", err=True)
        sys.exit(1)
    except SmtpUrlError as error:
        click.echo(f"Lỗi: CCHC_SMTP_URL không dùng được: {error}", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
