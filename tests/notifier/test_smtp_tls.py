from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from sqlalchemy.orm import Session

from notifier.delivery import deliver
from notifier.smtp_url import SmtpUrlError, parse_smtp_url
from tests.notifier.conftest import PASSWORD, USER, SmtpServer, Tls, authenticator
from tests.notifier.test_delivery import one_digest, parts


@pytest.fixture
def starttls_server(tls: Tls) -> Iterator[SmtpServer]:
    server = SmtpServer(
        tls_context=tls.server_context(),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtps_server(tls: Tls) -> Iterator[SmtpServer]:
    # aiosmtpd only counts STARTTLS as "TLS" for auth_require_tls; here the whole
    # connection is TLS from the first byte, so that check is switched off.
    server = SmtpServer(
        ssl_context=tls.server_context(),
        authenticator=authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    server.start()
    yield server
    server.stop()


def url(scheme: str, server: SmtpServer, tls: Tls, password: str = PASSWORD) -> str:
    return f"{scheme}://{USER}:{quote(password, safe='')}@127.0.0.1:{server.port}?cafile={tls.cert}"


def test_starttls_with_auth_verifies_the_certificate(
    starttls_server: SmtpServer, tls: Tls, session: Session
) -> None:
    report = deliver(
        [one_digest()],
        session=session,
        outbox_dir=None,
        smtp_url=url("smtp+starttls", starttls_server, tls),
    )
    assert [o.status for o in report.outcomes] == ["sent"], report.outcomes
    [got] = starttls_server.inbox.received
    assert "Cần thêm 3 bài" in parts(got.message)[0]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtps_with_auth(smtps_server: SmtpServer, tls: Tls, session: Session) -> None:
    report = deliver(
        [one_digest()], session=session, outbox_dir=None, smtp_url=url("smtps", smtps_server, tls)
    )
    assert [o.status for o in report.outcomes] == ["sent"], report.outcomes
    assert len(smtps_server.inbox.received) == 1


def test_wrong_password_fails_without_retrying(
    starttls_server: SmtpServer, tls: Tls, session: Session
) -> None:
    report = deliver(
        [one_digest()],
        session=session,
        outbox_dir=None,
        smtp_url=url("smtp+starttls", starttls_server, tls, "sai"),
        backoff_s=0,
    )
    [outcome] = report.outcomes
    assert (outcome.status, outcome.attempts) == ("failed", 1)
    assert "535" in outcome.error and not starttls_server.inbox.received


def test_untrusted_certificate_is_refused(starttls_server: SmtpServer, session: Session) -> None:
    plain = f"smtp+starttls://{USER}:x@127.0.0.1:{starttls_server.port}"
    report = deliver([one_digest()], session=session, outbox_dir=None, smtp_url=plain, backoff_s=0)
    assert report.outcomes[0].status == "failed"
    assert "CERTIFICATE_VERIFY_FAILED" in report.outcomes[0].error


def test_parse_smtp_urls() -> None:
    c = parse_smtp_url("smtp+starttls://u%40x:p%3As@mail.gov.vn?timeout=5")
    assert (c.scheme, c.host, c.port, c.username, c.password, c.timeout) == (
        "smtp+starttls",
        "mail.gov.vn",
        587,
        "u@x",
        "p:s",
        5.0,
    )
    assert parse_smtp_url("smtps://a:b@h").port == 465
    assert parse_smtp_url("smtp://localhost:1025").username is None
    assert parse_smtp_url("smtps://a:secret@h").safe_url == "smtps://a@h:465"
    with pytest.raises(SmtpUrlError, match="giao thức 'http'"):
        parse_smtp_url("http://a:secret@h")
    with pytest.raises(SmtpUrlError) as err:
        parse_smtp_url("imap://a:secret@h")
    assert "secret" not in str(err.value)
