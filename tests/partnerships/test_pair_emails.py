"""The emails to both sides of a pair: the news of their match. Their words
(templates/email/matched/), and that a task run twice, or retried after the
first of its two emails went, sends each person one email."""

import pytest
from django.core.mail.backends.locmem import EmailBackend

from accounts.models import User
from mentoring.models import SentEmail
from partnerships import services
from partnerships.models import Partnership
from partnerships.tasks import send_match_emails
from programs.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(world, settings) -> Partnership:
    """The world's pair, matched by its admin, with names and an intro that
    HTML would have to escape."""
    settings.SITE_URL = "https://mentoring.example.org/"
    User.objects.filter(pk=world.mentor.pk).update(display_name="Morgan <M> & Co")
    Participant.objects.filter(pk=world.partnership.mentor_id).update(
        intro="Twenty years in <b>teams</b> & tools.\nNow coaching."
    )
    Partnership.objects.filter(pk=world.partnership.pk).update(matched_by=world.admin)
    return world.partnership


def to(mailoutbox, user: User):
    (email,) = [email for email in mailoutbox if email.to == [user.email]]
    return email


def fail_once(nth: int):
    """A mail server that refuses the ``nth`` email it is given, once, as a
    server gone away would (an OSError, which the tasks retry)."""
    deliver, seen = EmailBackend.send_messages, []

    def send_messages(backend, messages):
        seen.append(messages)
        if len(seen) == nth:
            raise ConnectionRefusedError("the mail server went away")
        return deliver(backend, messages)

    send_messages.seen = seen
    return send_messages


# --- The match --------------------------------------------------------------------


def test_the_match_email_to_the_protege_reads_word_for_word(world, pair, mailoutbox):
    services.partnership_send_match_emails(partnership_id=pair.pk)

    email = to(mailoutbox, world.protege)
    program = world.program.name
    assert email.subject == f"[Mentoring] You are matched with Morgan <M> & Co in {program}"
    assert email.body == (
        "Hello Sam Protégé,\n\n"
        f"Ada Admin has matched you with Morgan <M> & Co in {program}: Morgan <M> & Co will be your mentor.\n\n"
        "About Morgan <M> & Co:\n"
        "Twenty years in <b>teams</b> & tools.\n"
        "Now coaching.\n\n"
        "Your first call is where you agree how you will work together: how often and how long you meet, "
        "how you keep in touch, and what success means to you.\n\n"
        "Open Mentoring: https://mentoring.example.org/\n\n"
        "— Mentoring\n\n"
    )
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    assert html == (
        "<!doctype html>\n"
        '<html lang="en-GB"><body style="font-family: sans-serif; line-height: 1.5; max-width: 36rem;">\n'
        "<p>Hello Sam Protégé,</p>\n"
        "<p>Ada Admin has matched you with <strong>Morgan &lt;M&gt; &amp; Co</strong> in "
        f"{program}: Morgan &lt;M&gt; &amp; Co will be your mentor.</p>\n"
        "<p><strong>About Morgan &lt;M&gt; &amp; Co</strong><br>"
        "Twenty years in &lt;b&gt;teams&lt;/b&gt; &amp; tools.<br>Now coaching.</p>\n"
        "<p>Your first call is where you agree how you will work together: how often and how long you meet, "
        "how you keep in touch, and what success means to you.</p>\n"
        '<p><a href="https://mentoring.example.org/">Open Mentoring</a></p>\n'
        "</body></html>\n"
    )


def test_the_match_email_to_the_mentor_of_an_unknown_matcher_reads_word_for_word(world, pair, mailoutbox):
    Partnership.objects.filter(pk=pair.pk).update(matched_by=None)
    services.partnership_send_match_emails(partnership_id=pair.pk)

    email = to(mailoutbox, world.mentor)
    program = world.program.name
    assert email.subject == f"[Mentoring] You are matched with Sam Protégé in {program}"
    assert email.body == (
        "Hello Morgan <M> & Co,\n\n"
        f"Your program admin has matched you with Sam Protégé in {program}: you will mentor Sam Protégé.\n\n"
        "Your first call is where you agree how you will work together: how often and how long you meet, "
        "how you keep in touch, and what success means.\n\n"
        "Open Mentoring: https://mentoring.example.org/\n\n"
        "— Mentoring\n\n"
    )
    ((html, _),) = email.alternatives
    assert "<p>Hello Morgan &lt;M&gt; &amp; Co,</p>" in html
    assert "Your program admin has matched you with <strong>Sam Protégé</strong>" in html
    assert "About" not in html  # the protégé's intro is not the mentor's business here


def test_the_match_emails_go_once_each_through_the_ledger(world, pair, mailoutbox):
    send_match_emails(pair.pk)
    send_match_emails(pair.pk)  # the task, run again

    assert sorted(email.to[0] for email in mailoutbox) == sorted([world.mentor.email, world.protege.email])
    assert sorted(SentEmail.objects.values_list("key", "kind", "recipient")) == sorted(
        [
            (f"match-{pair.pk}-{world.mentor.pk}", "matched", world.mentor.email),
            (f"match-{pair.pk}-{world.protege.pk}", "matched", world.protege.email),
        ]
    )


def test_a_match_task_that_fails_after_the_first_email_retries_and_sends_each_person_one(
    world, pair, mailoutbox, monkeypatch
):
    server = fail_once(nth=2)
    monkeypatch.setattr(EmailBackend, "send_messages", server)
    result = send_match_emails.apply(args=[pair.pk])  # run here, its retries too

    assert result.successful()
    assert len(server.seen) == 3  # the first, the second refused, the second again
    assert sorted(email.to[0] for email in mailoutbox) == sorted([world.mentor.email, world.protege.email])
