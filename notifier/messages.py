"""Build RFC 5322 messages (multipart/alternative: text, then HTML) from rendered digests.

Headers with Vietnamese text are RFC 2047-encoded by the stdlib ``email.policy.SMTP`` policy, so the
messages pass through servers that do not speak SMTPUTF8.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from jinja2 import Environment

from cchc.vntext import VN_TZ
from notifier.render import Rendered, render_agency_digest, render_overview, render_reminder
from notifier.views import Verdict
from rules.model import Agency


def parse_sender(sender: str) -> Address:
    """'CCHC Monitor <cchc@example.gov.vn>' or a bare address; a clear error otherwise."""
    pairs = getaddresses([sender])
    if len(pairs) != 1 or "@" not in pairs[0][1]:
        raise ValueError(
            f"Địa chỉ gửi {sender!r} không hợp lệ: dùng dạng 'Tên <dia.chi@ten-mien>'."
        )
    name, addr = pairs[0]
    user, _, domain = addr.rpartition("@")
    return Address(display_name=name, username=user, domain=domain)


def _set_encoded(msg: EmailMessage, name: str, value: str) -> None:
    """Store a header already RFC 2047-encoded and folded.

    The stdlib's refolding of non-ASCII headers costs ~1 ms per subject and ~9 ms per address
    with a Vietnamese display name, which dominated sending; a pre-folded ASCII value whose
    lines fit in 78 characters is written out as it is. Reading the header decodes it as usual.
    """
    if value.isascii():
        msg[name] = value
    else:
        msg.set_raw(name, Header(value, "utf-8", header_name=name).encode(linesep="\r\n"))


def _encoded_address(address: Address) -> str:
    """'=?utf-8?b?...?=\\r\\n <addr>': the display name encoded, the address on its own line."""
    if not address.display_name:
        return address.addr_spec
    name = Header(address.display_name, "utf-8", header_name="To").encode(linesep="\r\n")
    return f"{name}\r\n <{address.addr_spec}>"


def new_message_id(domain: str) -> str:
    """Short enough to stay on one header line (make_msgid's ids get folded)."""
    token = base64.b32encode(secrets.token_bytes(15)).decode().lower()
    return f"<cchc.{token}@{domain}>"


def recipients_of(agency: Agency) -> list[Address]:
    addresses = []
    for email in agency.emails:
        try:
            addresses.append(Address(display_name=agency.name, addr_spec=email.strip()))
        except (ValueError, IndexError) as exc:
            raise ValueError(
                f"địa chỉ email {email!r} của {agency.id} không hợp lệ ({exc}); sửa danh sách cơ quan."
            ) from None
    return addresses


def compose(
    rendered: Rendered,
    *,
    sender: str,
    to: Sequence[Address],
    now: datetime | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """One multipart/alternative message with a fresh Message-ID and a Vietnam-time Date."""
    from_addr = parse_sender(sender)
    msg = EmailMessage(policy=policy.SMTP)
    _set_encoded(msg, "Subject", rendered.subject)
    msg["From"] = from_addr
    msg.set_raw("To", ",\r\n ".join(_encoded_address(a) for a in to))
    msg["Date"] = format_datetime((now or datetime.now(VN_TZ)).astimezone(VN_TZ))
    msg["Message-ID"] = new_message_id(from_addr.domain or "localhost")
    msg["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(rendered.text, subtype="plain", charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return msg


def build_agency_digest(
    agency: Agency,
    verdicts: Iterable[Verdict],
    *,
    as_of: date,
    sender: str,
    prev_verdicts: Iterable[Verdict] | None = None,
    env: Environment | None = None,
    plan_titles: dict[str, str] | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    rendered = render_agency_digest(
        agency,
        verdicts,
        as_of=as_of,
        prev_verdicts=prev_verdicts,
        env=env,
        plan_titles=plan_titles,
    )
    return compose(
        rendered,
        sender=sender,
        to=recipients_of(agency),
        now=now,
        headers={"X-CCHC-Agency": agency.id, "X-CCHC-Digest": "agency_weekly"},
    )


def build_overview(
    overseer: Agency,
    all_verdicts: Iterable[Verdict],
    agencies: Iterable[Agency],
    *,
    as_of: date,
    sender: str,
    prev_verdicts: Iterable[Verdict] | None = None,
    env: Environment | None = None,
    plan_titles: dict[str, str] | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    rendered = render_overview(
        overseer,
        all_verdicts,
        agencies,
        as_of=as_of,
        prev_verdicts=prev_verdicts,
        env=env,
        plan_titles=plan_titles,
    )
    return compose(
        rendered,
        sender=sender,
        to=recipients_of(overseer),
        now=now,
        headers={"X-CCHC-Agency": overseer.id, "X-CCHC-Digest": "overview_weekly"},
    )


def build_reminder(
    agency: Agency,
    due_verdicts: Iterable[Verdict],
    *,
    as_of: date,
    days_left: int,
    sender: str,
    env: Environment | None = None,
    now: datetime | None = None,
) -> EmailMessage:
    rendered = render_reminder(agency, due_verdicts, as_of=as_of, days_left=days_left, env=env)
    return compose(
        rendered,
        sender=sender,
        to=recipients_of(agency),
        now=now,
        headers={"X-CCHC-Agency": agency.id, "X-CCHC-Digest": "reminder"},
    )
