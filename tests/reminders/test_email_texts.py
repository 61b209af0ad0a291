"""What each kind of reminder says, word for word (templates/email/reminder_<kind>/),
in its recipient's zone; and its HTML says the same as its plain text."""

import datetime
import html
import itertools

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from mentoring.site import absolute_url
from partnerships.models import Agreement
from reminders import emails
from reminders.models import Kind, Reminder
from sessions_log.models import Homework

from .conftest import at

NOW = at(2026, 10, 5, 15, 5)  # a Monday; 16:05 in London, 11:05 in New York


@pytest.fixture(autouse=True)
def today_is_the_5th_of_october(monkeypatch):
    """Days near "today" are shown without their year (mentoring.dates)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(2026, 10, 5))


@pytest.fixture(autouse=True)
def each_stop_link_is_signed_a_second_later(monkeypatch):
    """A stop link's signature carries the second it was made in, so two links
    made a moment apart can differ: the tests read the link from the email,
    and this clock makes any link made again differ every time, not once in a while."""
    seconds = itertools.count(1_790_000_000)
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda signer: signing.b62_encode(next(seconds))
    )


@pytest.fixture
def pair(world):
    world.mentor.time_zone = "America/New_York"
    world.mentor.save()
    world.protege.time_zone = "Europe/London"
    world.protege.save()
    world.program.name = "Leaders & Co"
    world.program.save()
    world.partnership.refresh_from_db()
    return world


def homework(world, description: str, due_on: datetime.date) -> Homework:
    return Homework(pk=77, partnership=world.partnership, description=description, due_on=due_on)


def facts(world, **values) -> emails.Snapshot:
    snapshot = emails.Snapshot()
    for name, value in values.items():
        target = getattr(snapshot, name)
        target.update(
            {world.partnership.pk: value} if name in ("agenda", "homework_due", "in_force") else value
        )
    return snapshot


def agreement() -> Agreement:
    return Agreement(call_minutes=30, checkin_minutes=10, topic_minutes=15, prepare_minutes=5)


# case: (kind, object_key, due_at, who gets it, facts) → (subject, paragraphs, link text)
CASES = {
    "a set call today, with the agreement, agenda and homework": (
        (Kind.CHECK_IN, "day_before", at(2026, 10, 5, 20, 0), "protege"),
        lambda w: facts(
            w,
            in_force=agreement(),
            agenda=["How to say no", "Scope & time"],
            homework_due=[homework(w, "Read chapter 3", datetime.date(2026, 10, 5))],
        ),
        "Your call with Morgan Mentor today at 21:00",
        [
            "Your call with Morgan Mentor is today: Monday 5 October 2026, 21:00.",
            "The call's structure (30 minutes): Check-in and homework recap, 10 min; Deeper topic, 15 min; "
            "Preparing the next call, 5 min.",
            "The agenda so far: How to say no; Scope & time.",
            "Homework due by the call: “Read chapter 3” (due Monday 5 October).",
        ],
        "Open your partnership page",
    ),
    "a set call tomorrow, in New York": (
        (Kind.CHECK_IN, "day_before", at(2026, 10, 6, 15, 0), "mentor"),
        lambda w: facts(w),
        "Your call with Sam Protégé tomorrow at 11:00",
        [
            "Your call with Sam Protégé is tomorrow: Tuesday 6 October 2026, 11:00.",
            "Nothing is on the agenda yet: add a topic or question before the call.",
        ],
        "Open your partnership page",
    ),
    "a call the agreement expects": (
        (Kind.CHECK_IN, "expected", at(2026, 10, 9, 15, 0), "protege"),
        lambda w: facts(
            w,
            homework_due=[
                homework(w, "Read chapter 3", datetime.date(2026, 10, 6)),
                homework(w, "Write a plan", datetime.date(2026, 10, 8)),
            ],
        ),
        "Your next call with Morgan Mentor is expected on Friday 9 October",
        [
            "Your agreement's rhythm expects your next call with Morgan Mentor on Friday 9 October "
            "(Friday 9 October 2026, 16:00), and no time is set for it yet. Agree one with Morgan Mentor.",
            "Nothing is on the agenda yet: add a topic or question before the call.",
            "Homework due by the call: “Read chapter 3” (due Tuesday 6 October); "
            "“Write a plan” (due Thursday 8 October).",
        ],
        "Set the time of your next call",
    ),
    "an agreement waiting": (
        (Kind.AGREEMENT_PENDING, "agreement-5", at(2026, 10, 8, 9, 0), "protege"),
        lambda w: facts(w),
        "Morgan Mentor's proposed agreement is waiting for you",
        [
            "Morgan Mentor proposed how you will work together on Monday 5 October 2026, 10:00; "
            "it takes effect once you accept it. Read it, accept it, or propose a change."
        ],
        "Read the proposed agreement",
    ),
    "a nudge": (
        (Kind.NUDGE, "nudge", at(2026, 10, 1), "mentor"),
        lambda w: facts(w),
        "Time to set your next call with Sam Protégé",
        [
            "No call with Sam Protégé has been held for a while, longer than your agreement's rhythm allows. "
            "Set a date for the next one: a short call keeps the partnership going."
        ],
        "Set your next call",
    ),
    "a stalled pair": (
        (Kind.STALL, "stall", at(2026, 10, 1), "admin"),
        lambda w: facts(w),
        "Sam Protégé and Morgan Mentor may have stalled",
        [
            "Sam Protégé (protégé) and Morgan Mentor (mentor) in Leaders & Co have not held a call for twice "
            "as long as their agreement's rhythm. A word from you may help them restart, or show that a "
            "re-match is needed."
        ],
        "Open the Leaders & Co overview",
    ),
    "homework due": (
        (Kind.HOMEWORK, "homework-77-due", at(2026, 10, 6), "protege"),
        lambda w: facts(w, homework={77: homework(w, "Read chapter 3", datetime.date(2026, 10, 6))}),
        "Homework due Tuesday 6 October: “Read chapter 3”",
        [
            "The homework “Read chapter 3” from your call with Morgan Mentor is due on Tuesday 6 October 2026.",
            "Once it is done, mark it done with a short reflection.",
        ],
        "Open your homework",
    ),
    "homework overdue": (
        (Kind.HOMEWORK, "homework-77-overdue", at(2026, 10, 6), "protege"),
        lambda w: facts(w, homework={77: homework(w, "Read chapter 3", datetime.date(2026, 10, 6))}),
        "Overdue: “Read chapter 3”, due 6 October",
        [
            "The homework “Read chapter 3” from your call with Morgan Mentor was due on Tuesday 6 October 2026 "
            "and is still open.",
            "Mark it done with a short reflection, or say at your next call what got in the way.",
        ],
        "Open your homework",
    ),
    "the baseline rating": (
        (Kind.RATING, "baseline", at(2026, 9, 15), "protege"),
        lambda w: facts(w),
        "Time to rate your goals: your baseline rating",
        [
            "Your baseline rating is due, from Tuesday 15 September 2026: rate each of your goals 0 to 10, "
            "with what grounds the number."
        ],
        "Rate your goals",
    ),
    "a rating of no known point": (
        (Kind.RATING, "month-3", at(2026, 9, 15), "mentor"),
        lambda w: facts(w),
        "Time to rate your goals: your progress rating",
        [
            "Your progress rating is due, from Tuesday 15 September 2026: rate each of your goals 0 to 10, "
            "with what grounds the number."
        ],
        "Rate your goals",
    ),
}


def built(world, case: str):
    (kind, object_key, due_at, who), make_facts, *_ = CASES[case]
    reminder = Reminder(
        pk=1001,
        kind=kind,
        partnership=world.partnership,
        object_key=object_key,
        due_at=due_at,
        send_at=due_at,
        recipient=getattr(world, who),
    )
    return reminder, emails.build(reminder, make_facts(world), NOW)


@pytest.mark.parametrize("case", CASES)
def test_each_reminder_reads_as_it_always_has(pair, case):
    *_, subject, paragraphs, link_text = CASES[case]
    reminder, message = built(pair, case)
    assert message.subject == f"[Mentoring] {subject}"
    link = absolute_url(emails.target_path(reminder))
    stop_link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.body == (
        f"Hello {reminder.recipient.name},\n\n"
        + "".join(f"{paragraph}\n\n" for paragraph in paragraphs)
        + f"{link_text}: {link}\n\n--\n"
        f"You get this because “{reminder.get_kind_display()}” is on in your reminder settings.\n"
        f"Stop this kind of reminder: {stop_link}\n\n"
    )


def test_each_reminders_stop_link_stops_that_kind_for_its_recipient(pair):
    for case in CASES:
        reminder, message = built(pair, case)
        stop_link = message.extra_headers["List-Unsubscribe"].strip("<>")
        prefix = absolute_url(reverse("reminders:stop", args=["TOKEN"])).removesuffix("TOKEN/")
        assert stop_link.startswith(prefix)
        token = stop_link.removeprefix(prefix).removesuffix("/")
        assert emails.read_stop_token(token) == (reminder.recipient.pk, reminder.kind)


@pytest.mark.parametrize("case", CASES)
def test_each_reminders_html_says_what_its_text_says(pair, case):
    *_, paragraphs, link_text = CASES[case]
    reminder, message = built(pair, case)
    [(page, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    words = html.unescape(page)
    for paragraph in [f"Hello {reminder.recipient.name},", *paragraphs]:
        assert f"<p>{paragraph}</p>" in words
    assert f'<a href="{absolute_url(emails.target_path(reminder))}">{link_text}</a>' in words
    assert '<html lang="en-GB">' in page


def test_what_people_typed_is_escaped_in_the_html_and_left_as_it_is_in_the_text(pair):
    pair.mentor.display_name = 'Mo <b>"M"</b> & Co'
    pair.mentor.save()
    _, message = built(pair, "homework overdue")
    assert "Morgan" not in message.body
    assert 'from your call with Mo <b>"M"</b> & Co was due' in message.body
    assert "with Mo &lt;b&gt;&quot;M&quot;&lt;/b&gt; &amp; Co was due" in message.alternatives[0][0]


@pytest.mark.parametrize("case", CASES)
def test_each_reminder_to_a_german_speaking_person_is_all_in_german(pair, case):
    """Whoever's request made it (here: an English one), the recipient's
    language writes it: no English sentence of ours is left, only what people typed."""
    from django.utils import translation

    (_kind, _key, _due, who), *_ = CASES[case]
    person = getattr(pair, who)
    person.language = "de"
    person.save()
    with translation.override("en-gb"):
        _reminder, message = built(pair, case)
    english = CASES[case][2]
    assert message.subject != f"[Mentoring] {english}"
    assert message.body.startswith(f"Hallo {person.name},")
    for typed in ("How to say no", "Read chapter 3", "Write a plan"):
        message.body = message.body.replace(typed, "")
    for sentence in [*CASES[case][3], CASES[case][4], "Stop this kind of reminder"]:
        assert sentence not in message.body
