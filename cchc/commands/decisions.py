"""``cchc attest``, ``cchc override``, ``cchc exempt``: decisions people record."""

from __future__ import annotations

import getpass
from datetime import date

import click

from cchc.commands.options import ISO_DATE
from cchc.context import AppContext
from cchc.errors import InputError


def register(cli: click.Group) -> None:
    for command in (attest, override, exempt):
        cli.add_command(command)


def _who(value: str | None) -> str:
    return value or getpass.getuser()


def _resolve(app: AppContext, plan_id: str, rule_id: str, agency: str) -> tuple[str, str, str]:
    plans = {plan.id: plan for plan in app.plans()}
    plan = plans.get(plan_id)
    if plan is None:
        raise InputError(f"Không có kế hoạch {plan_id!r}; có: {', '.join(sorted(plans))}.")
    if rule_id not in {rule.id for rule in plan.rules}:
        raise InputError(f"Kế hoạch {plan_id} không có chỉ tiêu {rule_id!r}; xem "
                         f"`cchc plan validate {plan.path}` và tệp kế hoạch.")
    found = plan.agency(agency)
    if found is None:
        raise InputError(f"Kế hoạch {plan_id} không có cơ quan {agency!r} (dùng mã hoặc tên).")
    return plan.id, rule_id, found.id


@click.command()
@click.option("--plan", "plan_id", required=True, help="Plan id, e.g. ha-giang-2024.")
@click.option("--rule", "rule_id", required=True, help="Rule id, e.g. hg-05-lop-tap-huan.")
@click.option("--agency", required=True, help="Agency id or official name.")
@click.option("--what", required=True, help="What was done (e.g. 'Lớp tập huấn nghiệp vụ CCHC').")
@click.option("--quantity", type=int, default=1, show_default=True, help="How many.")
@click.option("--date", "on_date", type=ISO_DATE, required=True, help="When (YYYY-MM-DD).")
@click.option("--document-no", default="", help="Document number, e.g. 123/QĐ-SNV.")
@click.option("--link", default="", help="Link to the evidence.")
@click.option("--who", help="Who attests (default: the current user).")
@click.pass_obj
def attest(app: AppContext, plan_id: str, rule_id: str, agency: str, what: str, quantity: int,
           on_date: date, document_no: str, link: str, who: str | None) -> None:
    """Record manual evidence for a manual or deadline rule (classes held, report sent...)."""
    from monitor.decisions import record_attestation

    plan_id, rule_id, agency_id = _resolve(app, plan_id, rule_id, agency)
    with app.sessions() as session:
        record_attestation(session, plan_id=plan_id, rule_id=rule_id, agency_id=agency_id,
                           what=what, quantity=quantity, on_date=on_date, who=_who(who),
                           document_no=document_no, link=link)
        session.commit()
    click.echo(f"Đã ghi nhận: {quantity} × {what} ({agency_id}, {rule_id}, {on_date:%d/%m/%Y}).")


@click.command()
@click.argument("article_id", type=int)
@click.option("--counts/--does-not-count", required=True, help="The officer's decision.")
@click.option("--rule", "rule_id", default="", help="Only for this rule (default: every rule).")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
@click.option("--who", help="Who decides (default: the current user).")
@click.pass_obj
def override(app: AppContext, article_id: int, counts: bool, rule_id: str, reason: str,
             who: str | None) -> None:
    """Overrule the classifier for one stored article: it counts, or it does not."""
    from monitor.decisions import record_override

    with app.sessions() as session:
        record_override(session, article_id=article_id, counts=counts, reason=reason,
                        who=_who(who), rule_id=rule_id)
        session.commit()
    click.echo(f"Bài {article_id}: {'được tính' if counts else 'không được tính'}"
               f"{' cho ' + rule_id if rule_id else ''}.")


@click.command()
@click.option("--plan", "plan_id", required=True)
@click.option("--rule", "rule_id", required=True)
@click.option("--agency", required=True, help="Agency id or official name.")
@click.option("--period", required=True, help="Period label, e.g. 2024-Q2, 2024-W05, 2024.")
@click.option("--reason", required=True)
@click.option("--expires", type=ISO_DATE, help="The exemption ends after this day.")
@click.option("--who", help="Who grants it (default: the current user).")
@click.pass_obj
def exempt(app: AppContext, plan_id: str, rule_id: str, agency: str, period: str, reason: str,
           expires: date | None, who: str | None) -> None:
    """Exempt an agency from one rule for one period (status `exempt`)."""
    from monitor.decisions import record_exemption

    plan_id, rule_id, agency_id = _resolve(app, plan_id, rule_id, agency)
    with app.sessions() as session:
        record_exemption(session, plan_id=plan_id, rule_id=rule_id, agency_id=agency_id,
                         period=period, reason=reason, who=_who(who), expires=expires)
        session.commit()
    click.echo(f"Đã miễn {agency_id} khỏi {rule_id} kỳ {period}.")
