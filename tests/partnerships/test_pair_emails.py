"""The emails to both sides of a pair: the news of their match, and a program
admin's nudge. Their words (templates/email/matched/, templates/email/nudge/),
and that a task run twice, or retried after the first of its two emails went,
sends each person one email."""

import pytest
from django.core.mail.backends.locmem import EmailBackend

from accounts.models import User
from mentoring.models import SentEmail
from partnerships import services
from partnerships.models import Partnership
from partnerships.tasks import send_match_emails, send_nudge_emails
from programs.models import Participant

pytestmark = pytest.mark.django_db

NOTE = "Could you set a date for your next call?\n\nA short one is fine & <welcome>."


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


# --- The nudge --------------------------------------------------------------------


def nudge(world, django_capture_on_commit_callbacks, message=NOTE) -> tuple:
    """The world's admin nudges the pair; returns the task's arguments."""
    with django_capture_on_commit_callbacks() as callbacks:
        services.partnership_nudge(partnership=world.partnership, by=world.admin, message=message)
    (callback,) = callbacks
    assert callback.func == send_nudge_emails.delay
    return callback.args


def test_the_nudge_reads_word_for_word_and_a_reply_goes_to_the_admin(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    send_nudge_emails(*nudge(world, django_capture_on_commit_callbacks))

    email = to(mailoutbox, world.mentor)
    program = world.program.name
    assert email.subject == "[Mentoring] A note from Ada Admin about your partnership with Sam Protégé"
    assert email.body == (
        "Hello Morgan <M> & Co,\n\n"
        f"Ada Admin, who runs {program}, sends you and Sam Protégé this note:\n\n"
        "Could you set a date for your next call?\n\n"
        "A short one is fine & <welcome>.\n\n"
        f"Your partnership's page: https://mentoring.example.org/partnerships/{pair.pk}/\n\n"
        "Reply to this email to answer Ada Admin.\n\n"
        "— Mentoring\n\n"
    )
    assert email.reply_to == [world.admin.email]
    assert to(mailoutbox, world.protege).subject == (
        "[Mentoring] A note from Ada Admin about your partnership with Morgan <M> & Co"
    )
    ((html, mimetype),) = email.alternatives
    assert mimetype == "text/html"
    assert "<p>Hello Morgan &lt;M&gt; &amp; Co,</p>" in html
    assert (
        "<p>Could you set a date for your next call?</p>\n\n<p>A short one is fine &amp; &lt;welcome&gt;.</p>"
        in html
    )
    assert f'<a href="https://mentoring.example.org/partnerships/{pair.pk}/">' in html


def test_a_nudge_goes_once_to_each_however_often_its_task_runs(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    arguments = nudge(world, django_capture_on_commit_callbacks)
    send_nudge_emails(*arguments)
    send_nudge_emails(*arguments)

    assert sorted(email.to[0] for email in mailoutbox) == sorted([world.mentor.email, world.protege.email])
    nudge_id = arguments[-1]
    assert set(SentEmail.objects.values_list("key", flat=True)) == {
        f"nudge-{nudge_id}-{world.mentor.pk}",
        f"nudge-{nudge_id}-{world.protege.pk}",
    }


def test_a_nudge_task_that_fails_after_the_first_email_retries_and_sends_each_person_one(
    world, pair, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    arguments = nudge(world, django_capture_on_commit_callbacks)
    server = fail_once(nth=2)
    monkeypatch.setattr(EmailBackend, "send_messages", server)
    result = send_nudge_emails.apply(args=arguments)

    assert result.successful()
    assert len(server.seen) == 3  # the first, the second refused, the second again
    assert sorted(email.to[0] for email in mailoutbox) == sorted([world.mentor.email, world.protege.email])


def test_nudging_again_with_the_same_words_is_a_new_nudge_and_emails_again(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = (nudge(world, django_capture_on_commit_callbacks, "How are you?") for _ in range(2))
    assert first[-1] != second[-1]
    for arguments in (first, second, first):
        send_nudge_emails(*arguments)
    assert len(mailoutbox) == 4


def test_a_nudge_queued_without_its_id_is_named_by_its_task_which_its_retry_keeps(
    world, pair, mailoutbox, monkeypatch
):
    """A nudge enqueued before nudges were named: its task id names it."""
    server = fail_once(nth=2)
    monkeypatch.setattr(EmailBackend, "send_messages", server)
    result = send_nudge_emails.apply(args=[pair.pk, "How are you?", world.admin.pk], task_id="queued-1")

    assert result.successful()
    assert len(server.seen) == 3
    assert len(mailoutbox) == 2
    assert set(SentEmail.objects.values_list("key", flat=True)) == {
        f"nudge-queued-1-{world.mentor.pk}",
        f"nudge-queued-1-{world.protege.pk}",
    }
