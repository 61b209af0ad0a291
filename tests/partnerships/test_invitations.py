"""The pair's set call lands in both people's calendars: an iCalendar invitation
(RFC 5545, iTIP RFC 5546) emailed to each, updated when the call moves (the same
UID, a higher SEQUENCE), cancelled when it is cleared or the pair ends; each
person gets each version once however often the task runs."""

import datetime
import email
import email.policy

import icalendar
import pytest
from django.utils import timezone

from accounts.models import User
from mentoring.models import SentEmail
from partnerships import services
from partnerships.agreements import partnership_set_next_call
from partnerships.models import Partnership
from partnerships.tasks import send_call_invitations

from .agreement_helpers import agree

pytestmark = pytest.mark.django_db

ZOOM = "https://zoom.example.com/j/123?pwd=a&b"


@pytest.fixture
def pair(world, settings) -> Partnership:
    """The world's pair, agreed, the mentor in New York and the protégé in London."""
    settings.SITE_URL = "https://mentoring.example.org/"
    User.objects.filter(pk=world.mentor.pk).update(time_zone="America/New_York")
    User.objects.filter(pk=world.protege.pk).update(time_zone="Europe/London")
    world.mentor.refresh_from_db()
    world.protege.refresh_from_db()
    agree(world.partnership, location=ZOOM)
    world.partnership.refresh_from_db()
    return world.partnership


def in_days(days: int, hour: int = 15) -> datetime.datetime:
    day = timezone.now() + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def set_call(pair, by, at, capture) -> list[dict]:
    """Sets (or clears) the next call; returns the invitations it enqueued, run at commit."""
    with capture(execute=False) as callbacks:
        partnership_set_next_call(partnership=pair, by=by, at=at)
    calls = [callback.keywords for callback in callbacks]
    for callback in callbacks:
        assert callback.func == send_call_invitations.delay
    for call in calls:
        send_call_invitations(**call)
    pair.refresh_from_db()
    return calls


def invitation_to(mailoutbox, user) -> tuple:
    """The last email to ``user``: the parsed message and its calendar's event."""
    sent = [message for message in mailoutbox if message.to == [user.email]][-1]
    parsed = email.message_from_bytes(sent.message().as_bytes(), policy=email.policy.default)
    (calendar_part,) = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
    (event,) = calendar.walk("VEVENT")
    return sent, parsed, calendar_part, calendar, event


def test_a_set_call_is_emailed_to_both_as_an_invitation_their_calendars_take_in(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    at = in_days(5)
    set_call(pair, world.protege, at, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [world.mentor.email, world.protege.email]
    )
    _sent, parsed, part, calendar, event = invitation_to(mailoutbox, world.protege)
    # What Google Calendar and Outlook look for.
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert [p.get_filename() for p in parsed.walk() if p.get_content_type() == "application/ics"] == [
        "invite.ics"
    ]
    assert calendar["METHOD"] == "REQUEST"
    assert event["UID"] == pair.next_call_uid and event["UID"].endswith("@mentoring.example.org")
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    # In the organiser's (the mentor's) zone, with its VTIMEZONE.
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART") == at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=30)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert event["ORGANIZER"] == f"mailto:{world.mentor.email}"
    assert event["ORGANIZER"].params["CN"] == "Morgan Mentor"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert attendees[f"mailto:{world.protege.email}"]["CN"] == "Sam Protégé"
    assert attendees[f"mailto:{world.protege.email}"]["ROLE"] == "REQ-PARTICIPANT"
    assert attendees[f"mailto:{world.protege.email}"]["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees[f"mailto:{world.protege.email}"]["RSVP"] == "TRUE"
    assert attendees[f"mailto:{world.mentor.email}"]["PARTSTAT"] == "ACCEPTED"
    assert event["SUMMARY"] == "Mentoring call: Morgan Mentor and Sam Protégé"
    assert event["LOCATION"] == ZOOM
    description = str(event["DESCRIPTION"])
    assert "30 minutes, by video:" in description
    assert "- 10 min: Check-in and homework recap" in description
    assert f"Where you meet: {ZOOM}" in description
    assert f"https://mentoring.example.org/partnerships/{pair.pk}/" in description


def test_the_email_says_the_time_in_each_persons_own_zone(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    at = datetime.datetime(2030, 1, 8, 15, 0, tzinfo=datetime.UTC)  # a Tuesday, outside summer time
    Partnership.objects.filter(pk=pair.pk).update(next_call_uid="call-fixed@mentoring.example.org")
    send_call_invitations(
        partnership_id=pair.pk,
        method="REQUEST",
        uid="call-fixed@mentoring.example.org",
        sequence=0,
        starts_at=at.isoformat(),
        stamp=timezone.now().isoformat(),
    )
    london = invitation_to(mailoutbox, world.protege)[0]
    new_york = invitation_to(mailoutbox, world.mentor)[0]
    assert london.subject == "[Mentoring] Your call with Morgan Mentor: Tuesday 8 January 2030, 15:00"
    assert "set for Tuesday 8 January 2030, 15:00 (Europe/London)." in london.body
    assert new_york.subject == "[Mentoring] Your call with Sam Protégé: Tuesday 8 January 2030, 10:00"
    assert "set for Tuesday 8 January 2030, 10:00 (America/New_York)." in new_york.body
    assert f"Where you meet: {ZOOM}" in new_york.body
    html = new_york.alternatives[0][0]
    assert "<strong>Tuesday 8 January 2030, 10:00</strong>" in html
    assert (
        'Where you meet: <a href="https://zoom.example.com/j/123?pwd=a&amp;b" rel="noopener noreferrer" '
        'target="_blank">'
    ) in html


def test_moving_the_call_keeps_its_uid_and_raises_its_sequence_and_clearing_cancels_it(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    set_call(pair, world.mentor, in_days(5), django_capture_on_commit_callbacks)
    uid = pair.next_call_uid
    set_call(pair, world.protege, in_days(6), django_capture_on_commit_callbacks)
    moved = invitation_to(mailoutbox, world.protege)
    set_call(pair, world.mentor, in_days(7, hour=16), django_capture_on_commit_callbacks)
    moved_again = invitation_to(mailoutbox, world.protege)

    assert (moved[4]["UID"], moved[4]["SEQUENCE"]) == (uid, 1)
    assert (moved_again[4]["UID"], moved_again[4]["SEQUENCE"]) == (uid, 2)
    assert moved_again[4].decoded("DTSTART") == in_days(7, hour=16)
    assert moved_again[0].subject.startswith("[Mentoring] Your call with Morgan Mentor has moved to ")
    assert (pair.next_call_uid, pair.next_call_sequence) == (uid, 2)

    set_call(pair, world.protege, None, django_capture_on_commit_callbacks)
    sent, _, part, calendar, event = invitation_to(mailoutbox, world.mentor)
    assert part.get_param("method") == "CANCEL"
    assert calendar["METHOD"] == "CANCEL"
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (uid, 3, "CANCELLED")
    assert sent.subject.startswith("[Mentoring] Cancelled: your call with Sam Protégé on ")
    assert (pair.next_call_uid, pair.next_call_sequence) == ("", 0)
    assert len(mailoutbox) == 8  # four versions, two people


def test_setting_the_same_time_again_sends_nothing(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    at = in_days(5)
    set_call(pair, world.mentor, at, django_capture_on_commit_callbacks)
    assert set_call(pair, world.protege, at, django_capture_on_commit_callbacks) == []
    assert (len(mailoutbox), pair.next_call_sequence) == (2, 0)


def test_clearing_when_no_call_is_ahead_sends_nothing(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    assert set_call(pair, world.mentor, None, django_capture_on_commit_callbacks) == []
    assert mailoutbox == []


def test_a_call_set_after_the_set_one_has_passed_is_a_new_call_with_a_new_uid(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    set_call(pair, world.mentor, in_days(5), django_capture_on_commit_callbacks)
    first = pair.next_call_uid
    Partnership.objects.filter(pk=pair.pk).update(next_call_at=timezone.now() - datetime.timedelta(hours=2))
    pair.refresh_from_db()

    set_call(pair, world.mentor, in_days(12), django_capture_on_commit_callbacks)
    event = invitation_to(mailoutbox, world.protege)[4]
    assert pair.next_call_uid != first
    assert (event["UID"], event["SEQUENCE"]) == (pair.next_call_uid, 0)


def test_the_task_run_twice_sends_each_person_each_version_once(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    (call,) = set_call(pair, world.mentor, in_days(5), django_capture_on_commit_callbacks)
    send_call_invitations(**call)
    send_call_invitations.apply(kwargs=call)

    assert len(mailoutbox) == 2
    local = pair.next_call_uid.split("@")[0]
    assert set(SentEmail.objects.values_list("key", "kind")) == {
        (f"{local}-0-{world.mentor.pk}", "call_invitation"),
        (f"{local}-0-{world.protege.pk}", "call_invitation"),
    }


def test_an_invitation_overtaken_before_it_went_is_not_sent(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as first:
        partnership_set_next_call(partnership=pair, by=world.mentor, at=in_days(5))
    set_call(pair, world.mentor, in_days(6), django_capture_on_commit_callbacks)
    send_call_invitations(**first[0].keywords)  # late

    assert len(mailoutbox) == 2
    assert {invitation_to(mailoutbox, user)[4]["SEQUENCE"] for user in (world.mentor, world.protege)} == {1}


def test_ending_the_partnership_cancels_the_call_set_ahead(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    set_call(pair, world.mentor, in_days(5), django_capture_on_commit_callbacks)
    uid = pair.next_call_uid
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.partnership_close(
            partnership=pair, by=world.protege, outcome=Partnership.Status.ENDED, reason="New job."
        )
    (cancel,) = [c for c in callbacks if getattr(c, "func", None) == send_call_invitations.delay]
    send_call_invitations(**cancel.keywords)

    event = invitation_to(mailoutbox, world.protege)[4]
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (uid, 1, "CANCELLED")
    pair.refresh_from_db()
    assert (pair.next_call_at, pair.next_call_uid) == (None, "")
    assert len(mailoutbox) == 4


def test_a_pair_without_an_agreement_in_force_gets_the_programs_call_length_and_no_location(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    set_call(world.partnership, world.mentor, in_days(5), django_capture_on_commit_callbacks)
    event = invitation_to(mailoutbox, world.protege)[4]
    minutes = world.program.default_call_minutes
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=minutes)
    assert "LOCATION" not in event


def test_a_deactivated_account_gets_no_invitation(
    world, pair, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=world.protege.pk).update(is_active=False)
    set_call(pair, world.mentor, in_days(5), django_capture_on_commit_callbacks)
    assert [message.to for message in mailoutbox] == [[world.mentor.email]]
