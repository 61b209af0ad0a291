"""The bytes a reminder goes out as: what Django would write for the same
email, but with the one-click stop link on a line of its own that a mail
client can read."""

import email.policy
import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from partnerships.models import Partnership
from reminders.models import Kind, Reminder

from .conftest import at, send

NOW = at(2026, 10, 5, 15, 5)


def smtp_bytes(message) -> bytes:
    """What Django's SMTP backend hands to the server for ``message``."""
    return message.message(policy=email.policy.SMTP).as_bytes()


def sent_email(world, recipient, **fields):
    Partnership.objects.filter(pk=world.partnership.pk).update(next_call_at=at(2026, 10, 6, 15, 0))
    reminder = Reminder.objects.create(
        kind=Kind.CHECK_IN,
        partnership=world.partnership,
        object_key="day_before",
        due_at=at(2026, 10, 6, 15, 0),
        recipient=recipient,
        send_at=at(2026, 10, 1),
    )
    assert send(reminder, now=NOW) == "sent"
    [message] = mail.outbox
    return message


def test_the_stop_link_header_is_one_line_with_the_link_as_it_is(world):
    message = sent_email(world, world.mentor)
    [line] = [line for line in smtp_bytes(message).split(b"\r\n") if line.startswith(b"List-Unsubscribe:")]
    link = message.extra_headers["List-Unsubscribe"]
    assert len(link) > 78  # too long for the email package to leave alone
    assert line.decode() == f"List-Unsubscribe: {link}"


@pytest.mark.parametrize(
    "name",
    ["Sam Protégé", "Zoë O'Brien-Łukasiewicz", "李小龍", 'Ann "Nan" Lee', "A" * 90],
)
def test_every_other_byte_is_what_django_would_write(world, name):
    world.mentor.display_name = name
    world.mentor.save()
    ours = sent_email(world, world.mentor)
    theirs = EmailMultiAlternatives(
        subject=ours.subject, body=ours.body, to=ours.to, headers=ours.extra_headers | {"Date": "x"}
    )
    theirs.attach_alternative(*ours.alternatives[0])
    ours.extra_headers["Date"] = "x"

    def normalised(message) -> list[bytes]:
        raw = re.sub(rb"=+_?\d+==+|===============\d+==", b"BOUNDARY", smtp_bytes(message))
        unfolded = raw.replace(b"\r\n ", b" ")
        return [line for line in unfolded.split(b"\r\n") if not line.startswith(b"List-Unsubscribe:")]

    for _ in range(2):  # and again, from the cached header classes and values
        assert normalised(ours) == normalised(theirs)
