"""The one way an email is built and sent (mentoring.mail), and the ledger that
sends one that must go once exactly once, or again only after a crash between
the server's acceptance and the commit (mentoring.models)."""

import datetime
import email.policy
import re
import threading
import time
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.utils import translation

from mentoring import mail as mailing
from mentoring.models import SentEmail
from tests.factories import UserFactory

# Every email looks its recipient up, for their language.
pytestmark = pytest.mark.django_db

KIND_TEMPLATES = {
    "greeting/subject.txt": (
        "{% load i18n %}{% autoescape off %}\n"
        "  {% blocktranslate %}Hello {{ name }}{% endblocktranslate %}\n"
        "  {{ day|date:'l' }}\n"
        "{% endautoescape %}\n"
    ),
    "greeting/body.txt": (
        "{% autoescape off %}Dear {{ name }}, see you {{ day|date:'l j F Y' }} "
        "at {{ moment|time:'H:i' }} ({{ language_tag }}).\n{% endautoescape %}"
    ),
    "greeting/body.html": '<html lang="{{ language_tag }}"><p>Dear {{ name }}</p></html>',
    "plain/subject.txt": "A plain note",
    "plain/body.txt": "{% autoescape off %}Only words, {{ name }}.{% endautoescape %}",
}
CONTEXT = {
    "name": "Ann <Lee> & Co",
    "day": datetime.date(2026, 10, 5),
    "moment": datetime.datetime(2026, 10, 5, 15, 0, tzinfo=datetime.UTC),
}


@pytest.fixture(autouse=True)
def kinds(settings, tmp_path):
    """Two kinds of email of the tests' own, beside the project's templates."""
    for name, text in KIND_TEMPLATES.items():
        path = tmp_path / "email" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]},
    ]


def smtp_lines(message) -> list[bytes]:
    return message.message(policy=email.policy.SMTP).as_bytes().split(b"\r\n")


# --- Building and sending -------------------------------------------------------


def test_an_email_of_a_kind_has_its_subject_on_one_line_its_text_and_its_html():
    message = mailing.build("greeting", to="ann@example.org", context=CONTEXT)
    assert message.subject == "[Mentoring] Hello Ann <Lee> & Co Monday"
    assert message.body == "Dear Ann <Lee> & Co, see you Monday 5 October 2026 at 15:00 (en-GB).\n"
    assert message.to == ["ann@example.org"]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert html == '<html lang="en-GB"><p>Dear Ann &lt;Lee&gt; &amp; Co</p></html>'


def test_a_kind_without_html_is_plain_text_only():
    message = mailing.build("plain", to=["a@example.org", "b@example.org"], context=CONTEXT)
    assert message.subject == "[Mentoring] A plain note"
    assert message.body == "Only words, Ann <Lee> & Co."
    assert message.alternatives == []
    assert message.to == ["a@example.org", "b@example.org"]


def test_headers_and_reply_to_go_on_the_email_and_a_long_stop_link_stays_on_one_line():
    link = "https://mentoring.example.org/me/notifications/stop/" + "x" * 120 + "/"
    message = mailing.build(
        "greeting",
        to="ann@example.org",
        context=CONTEXT,
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        reply_to=["admin@example.org"],
    )
    lines = smtp_lines(message)
    assert f"List-Unsubscribe: <{link}>".encode() in lines
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
    assert b"Reply-To: admin@example.org" in lines


@pytest.mark.django_db
def test_send_delivers_the_built_email_through_the_mailer():
    mailing.send("greeting", to="ann@example.org", context=CONTEXT, reply_to=["admin@example.org"])
    [sent] = mail.outbox
    assert sent.subject == "[Mentoring] Hello Ann <Lee> & Co Monday"
    assert sent.reply_to == ["admin@example.org"]
    assert isinstance(sent, mailing.Email)


def test_an_email_to_nobody_is_an_error_not_a_silent_success():
    with pytest.raises(ValueError, match="no recipient"):
        mailing.send("plain", to=[], context=CONTEXT)


def test_it_renders_in_the_language_and_time_zone_given_and_leaves_the_active_ones_alone():
    before = translation.get_language()
    message = mailing.build(
        "greeting",
        to="ann@example.org",
        context=CONTEXT,
        language="fr",
        time_zone=zoneinfo.ZoneInfo("America/New_York"),
    )
    assert message.subject == "[Mentoring] Hello Ann <Lee> & Co lundi"
    assert message.body == "Dear Ann <Lee> & Co, see you lundi 5 octobre 2026 at 11:00 (fr).\n"
    assert message.alternatives[0][0].startswith('<html lang="fr">')
    assert translation.get_language() == before
    assert mailing.build("greeting", to="ann@example.org", context=CONTEXT).body.endswith("15:00 (en-GB).\n")


def test_an_email_to_a_person_is_in_their_language_whoever_sends_it():
    spanish = UserFactory(language="es")
    with translation.override("de"):
        message = mailing.build("greeting", to=f"Ana <{spanish.email.upper()}>", context=CONTEXT)
    assert message.body.endswith("(es).\n")
    assert "lunes" in message.subject  # Django's own Spanish day name, lower case inside a sentence
    assert mailing.build("greeting", to="nobody@example.org", context=CONTEXT, language="de").body.endswith(
        "(de).\n"
    )


def test_every_plain_text_email_template_of_ours_switches_escaping_off():
    """A plain-text body is not HTML: escaped, a name "Ann & Co" would read "Ann &amp; Co"."""
    root = Path(django_settings.BASE_DIR) / "templates" / "email"
    texts = sorted(root.rglob("*.txt"))
    assert texts
    for path in texts:
        text = path.read_text(encoding="utf-8")
        layout = re.match(r'{% extends "([^"]+\.txt)" %}', text)
        if layout:
            text = (root.parent / layout[1]).read_text(encoding="utf-8")
        assert "{% autoescape off %}" in text, path


# --- Sending once ----------------------------------------------------------------


@pytest.mark.django_db
def test_send_once_twice_sends_one_email_with_a_message_id_made_from_its_key():
    assert mailing.send_once("greeting", key="match-7-12", to="ann@example.org", context=CONTEXT) is True
    assert mailing.send_once("greeting", key="match-7-12", to="ann@example.org", context=CONTEXT) is False
    [sent] = mail.outbox
    assert sent.extra_headers["Message-ID"] == "<match-7-12@127.0.0.1>"
    entry = SentEmail.objects.get()
    assert (entry.key, entry.kind, entry.recipient) == ("match-7-12", "greeting", "ann@example.org")
    assert entry.sent_at is not None


@pytest.mark.django_db
def test_send_once_with_other_keys_sends_each():
    for user_id in (12, 13):
        mailing.send_once("greeting", key=f"match-7-{user_id}", to="ann@example.org", context=CONTEXT)
    assert len(mail.outbox) == 2
    assert SentEmail.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_send_leaves_the_key_unsent_and_the_retry_sends_it(monkeypatch):
    """A crash after the claim, before the server took it: nothing is lost."""

    def refuse(self, messages):
        raise ConnectionRefusedError("no mail server")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(ConnectionRefusedError):
            mailing.send_once("greeting", key="nudge-3-9-1", to="ann@example.org", context=CONTEXT)
    assert not SentEmail.objects.exists()
    assert mailing.send_once("greeting", key="nudge-3-9-1", to="ann@example.org", context=CONTEXT) is True
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_template_that_fails_leaves_the_key_unsent():
    with pytest.raises(Exception, match="missing"):
        mailing.send_once("missing", key="k-1", to="ann@example.org", context=CONTEXT)
    assert not SentEmail.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_crash_after_the_server_took_it_sends_it_again_on_retry_with_the_same_message_id(monkeypatch):
    """The window we chose: at-least-once. The server has the email but the
    ledger's commit never happened (the process died): the retry sends a
    second copy, recognisably the same one, rather than risk losing it."""

    def crash(self, *args, **kwargs):
        raise SystemExit("killed after the server's 250")

    with monkeypatch.context() as patched:
        patched.setattr(SentEmail, "save", crash)
        with pytest.raises(SystemExit):
            mailing.send_once("greeting", key="match-7-12", to="ann@example.org", context=CONTEXT)
    assert not SentEmail.objects.exists()
    assert mailing.send_once("greeting", key="match-7-12", to="ann@example.org", context=CONTEXT) is True
    assert [sent.extra_headers["Message-ID"] for sent in mail.outbox] == ["<match-7-12@127.0.0.1>"] * 2


@pytest.mark.django_db
def test_send_once_refuses_to_run_inside_a_transaction_of_the_caller():
    """Its row must commit right after the send, not with the caller's later work."""
    with transaction.atomic(), pytest.raises(RuntimeError):
        mailing.send_once("greeting", key="k-2", to="ann@example.org", context=CONTEXT)
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "two words", "a@b", "<id>", "x" * 201])
def test_a_key_that_cannot_be_a_message_id_is_refused(key):
    with pytest.raises(ValueError):
        mailing.send_once("greeting", key=key, to="ann@example.org", context=CONTEXT)


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_key_at_once_send_one_email(monkeypatch):
    """Each in its own PostgreSQL connection: the second waits on the first's
    claim while the first is talking to the server, then finds it sent."""
    in_send, release = threading.Event(), threading.Event()
    deliver = EmailBackend.send_messages

    def slow(self, messages):
        in_send.set()
        assert release.wait(10)
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow)
    results = {}

    def work(name):
        try:
            results[name] = mailing.send_once(
                "greeting", key="match-7-12", to="ann@example.org", context=CONTEXT
            )
        finally:
            connection.close()

    first = threading.Thread(target=work, args=("first",))
    first.start()
    assert in_send.wait(10)
    second = threading.Thread(target=work, args=("second",))
    second.start()
    time.sleep(0.5)
    assert second.is_alive(), "the second worker did not wait for the first one's claim"
    release.set()
    first.join(10)
    second.join(10)
    assert results == {"first": True, "second": False}
    assert len(mail.outbox) == 1
    assert SentEmail.objects.get().sent_at is not None


# --- A calendar invitation beside the words ------------------------------------------

INVITATION = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//EN\r\nMETHOD:{method}\r\n"
    "BEGIN:VEVENT\r\nUID:call-1@example.org\r\nSUMMARY:Café call\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(
        message.message(policy=email.policy.SMTP).as_bytes(), policy=email.policy.default
    )


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_an_invitation_goes_as_a_calendar_alternative_beside_text_and_html_and_as_an_ics_file(method):
    calendar = INVITATION.format(method=method)
    message = mailing.build("greeting", to="ann@example.org", context=CONTEXT, calendar=calendar)

    sent = parsed(message)
    assert sent.get_content_type() == "multipart/mixed"
    alternative, attachment = sent.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    text, html, invitation = alternative.iter_parts()
    assert [text.get_content_type(), html.get_content_type()] == ["text/plain", "text/html"]
    assert text.get_content().startswith("Dear Ann <Lee> & Co")
    # What Google Calendar and Outlook look for: the method as a parameter of the type.
    assert invitation.get_content_type() == "text/calendar"
    assert invitation.get_param("method") == method
    assert invitation.get_content_charset() == "utf-8"
    assert invitation.get_content().replace("\r\n", "\n") == calendar.replace("\r\n", "\n")
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content().decode() == calendar


def test_a_plain_text_kind_with_an_invitation_has_the_text_and_the_calendar_only():
    message = mailing.build(
        "plain", to="ann@example.org", context=CONTEXT, calendar=INVITATION.format(method="REQUEST")
    )
    alternative, _ = parsed(message).iter_parts()
    assert [part.get_content_type() for part in alternative.iter_parts()] == ["text/plain", "text/calendar"]


def test_a_calendar_text_without_a_method_is_refused_as_it_would_not_be_an_invitation():
    with pytest.raises(ValueError, match="METHOD"):
        mailing.build(
            "greeting", to="ann@example.org", context=CONTEXT, calendar="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
        )


@pytest.mark.django_db
def test_send_once_sends_the_invitation_once():
    calendar = INVITATION.format(method="REQUEST")
    for _ in range(2):
        mailing.send_once(
            "greeting", key="call-1-0-12", to="ann@example.org", context=CONTEXT, calendar=calendar
        )
    [sent] = mail.outbox
    assert sent.alternatives[-1] == (calendar, "text/calendar; method=REQUEST")
