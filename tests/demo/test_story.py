"""The demo tells one story (demo.story): every dated row fits the day it was
seeded on, whatever the weekday; its people have reminders that were
delivered, as the reminder rules would have sent them; and everything the
home's "to do" list can ask of a mentor and a protégé in an ongoing
partnership waits for the demo mentor and protégé."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from accounts.models import User
from demo.seed import seed
from demo.story import Story, the_story
from goals.models import Goal, GoalRevision, GoalSuggestion, Milestone, ProgressRating, RatingRound
from goals.selectors.ratings import next_rating_due_for
from health import rule
from partnerships import schedule
from partnerships.agreements import schedule_zone
from partnerships.models import Agreement, Partnership
from programs.models import Participant, Program
from programs.rhythms import Rhythm
from reminders.models import Reminder
from reminders.services.scan import reminders_scan
from sessions_log.models import AgendaItem, CallFeedback, Homework, PartnershipCheck, Session

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=datetime.UTC)


def story_on(weekday: int) -> Story:
    """The story of the last day (today or before) that fell on ``weekday``."""
    today = timezone.localdate()
    return Story(today - datetime.timedelta(days=(today.weekday() - weekday) % 7))


# --- the story's dates, on every weekday -------------------------------------------


@pytest.mark.parametrize("weekday", range(7), ids=WEEKDAYS)
def test_the_story_keeps_its_shape_whatever_the_weekday(weekday):
    story = story_on(weekday)
    today = story.today
    assert story.draft_call_day.weekday() == 1  # Tuesdays, 17:00 London
    assert 7 <= (today - story.draft_call_day).days <= 13
    assert [
        b - a for a, b in zip(story.call_days, [*story.call_days[1:], story.draft_call_day], strict=True)
    ] == [datetime.timedelta(weeks=2)] * len(story.call_days)
    assert 1 <= (story.next_call_day - today).days <= 7
    assert 119 <= (today - story.started_on).days <= 125  # about four months in
    assert story.program_starts_on < story.matched_on < story.started_on < today < story.ends_on
    assert story.ends_on < story.program_ends_on
    assert story.quiet_last_call_day.weekday() == 3
    assert 33 <= (today - story.quiet_last_call_day).days <= 39  # five weeks without a call
    assert story.program_starts_on < story.quiet_started_on
    assert all(story.joined_at(i).date() < story.matched_on for i in range(40))


# --- every dated row of the demo, seeded on each weekday ------------------------------


def day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(datetime.UTC).date()


def contradictions(story: Story) -> list[str]:
    """Every pair of dates of the demo that contradict each other or ``story.today``."""
    now = midnight(story.today)  # nothing has happened today yet
    program = Program.objects.get(slug="demo-leadership")
    found: list[str] = []

    def check(ok: bool, what: str, row) -> None:
        if not ok:
            found.append(f"{what}: {row!r}")

    check(program.created_at < midnight(program.starts_on), "program set up after it began", program)
    for person in Participant.objects.filter(program=program).select_related("user"):
        check(person.user.date_joined <= person.created_at, "in the program before having an account", person)
        check(program.starts_on <= day(person.created_at) < story.today, "joined outside the program", person)
    pairs = Partnership.objects.filter(program=program).select_related("mentor", "protege")
    for pair in pairs:
        check(program.starts_on <= day(pair.created_at) < story.today, "matched outside the program", pair)
        check(pair.mentor.created_at < pair.created_at, "matched before the mentor joined", pair)
        check(pair.protege.created_at < pair.created_at, "matched before the protégé joined", pair)
        check(
            pair.started_on is not None and day(pair.created_at) <= pair.started_on,
            "began before matched",
            pair,
        )
        check(pair.started_on <= story.today < pair.planned_end_on, "not running today", pair)
        check(pair.planned_end_on <= program.ends_on, "ends after the program", pair)
        held = list(pair.sessions.held().order_by("starts_at"))
        if pair.status == Partnership.Status.ACTIVE:
            check(
                bool(held) and day(held[0].starts_at) == pair.started_on, "began without its first call", pair
            )
            check(pair.last_call_at == held[-1].starts_at, "last call is not the last logged one", pair)
    for version in Agreement.objects.filter(partnership__program=program).select_related("partnership"):
        pair = version.partnership
        check(pair.created_at <= version.created_at < now, "agreed outside the partnership", version)
        for accepted in (version.mentor_accepted_at, version.protege_accepted_at, version.in_force_at):
            check(
                accepted is None or version.created_at <= accepted < now, "accepted before proposed", version
            )
        check(version.first_review_on < version.ends_on, "reviewed after the end", version)
        if version.version == 1 and version.in_force_at:
            check(day(version.in_force_at) == pair.started_on, "began on another day than agreed", version)
        later = pair.agreements.filter(version=version.version + 1).first()
        if later is not None and version.in_force_at and later.in_force_at:
            check(version.in_force_at < later.in_force_at, "versions out of order", version)
    for call in Session.objects.filter(partnership__program=program).select_related("partnership"):
        pair = call.partnership
        check(
            pair.started_on <= day(call.starts_at) and call.starts_at < now,
            "call outside the partnership",
            call,
        )
        check(call.starts_at < call.created_at <= call.updated_at < now, "logged before the call", call)
        check(
            call.next_call_at is None or call.next_call_at > call.starts_at, "next call before this one", call
        )
        # The version in force when the call ended (the first is agreed during the first call).
        ended = call.starts_at + datetime.timedelta(minutes=call.minutes)
        versions = pair.agreements.filter(in_force_at__lte=ended).order_by("-version")
        agreed = versions.first()
        check(agreed is not None and call.minutes == agreed.call_minutes, "call length not as agreed", call)
    for item in Homework.objects.filter(partnership__program=program).select_related(
        "session", "recapped_in"
    ):
        set_at = item.session.starts_at
        check(set_at < item.created_at < now, "homework set before its call", item)
        check(day(set_at) < item.due_on, "homework due before it was set", item)
        check(
            item.done_at is None or item.created_at < item.done_at < now,
            "done before set or after today",
            item,
        )
        if item.recapped_in:
            check(set_at < item.recapped_in.starts_at, "recapped before it was set", item)
            check(
                item.done_at is None or item.done_at < item.recapped_in.starts_at,
                "done after its recap",
                item,
            )
    for feedback in CallFeedback.objects.filter(session__partnership__program=program).select_related(
        "session"
    ):
        check(
            feedback.session.starts_at < feedback.created_at < now, "call rated before it was held", feedback
        )
    for answer in PartnershipCheck.objects.filter(partnership__program=program):
        held_before = answer.partnership.sessions.held().filter(starts_at__lt=answer.created_at).count()
        check(
            held_before >= answer.after_calls and answer.created_at < now, "checked before the calls", answer
        )
    for item in AgendaItem.objects.filter(partnership__program=program).select_related(
        "session", "partnership"
    ):
        check(item.partnership.created_at < item.created_at < now, "agenda outside the partnership", item)
        check(item.session is None or item.created_at < item.session.starts_at, "agenda after its call", item)
    for goal in Goal.objects.filter(partnership__program=program).select_related("partnership"):
        check(
            goal.partnership.started_on <= day(goal.created_at) and goal.created_at < now,
            "goal outside",
            goal,
        )
        check(goal.closed_at is None or goal.created_at < goal.closed_at < now, "closed before set", goal)
        check(
            goal.deadline is None or goal.deadline <= goal.partnership.planned_end_on,
            "deadline after the end",
            goal,
        )
        for rating in ProgressRating.objects.filter(goal=goal):
            check(goal.created_at < rating.created_at < now, "rated before set or after today", rating)
            check(goal.closed_at is None or rating.created_at < goal.closed_at, "rated after closed", rating)
    for rating_round in RatingRound.objects.filter(partnership__program=program).select_related(
        "partnership"
    ):
        pair = rating_round.partnership
        check(
            pair.started_on <= day(rating_round.created_at) and rating_round.created_at < now,
            "round",
            rating_round,
        )
    for revision in GoalRevision.objects.filter(goal__partnership__program=program).select_related("goal"):
        check(revision.goal.created_at < revision.created_at < now, "revised before set", revision)
    for step in Milestone.objects.filter(goal__partnership__program=program).select_related("goal"):
        check(step.goal.created_at < step.created_at < now, "milestone before its goal", step)
        check(step.done_at is None or step.created_at < step.done_at < now, "milestone done before set", step)
    for suggestion in GoalSuggestion.objects.filter(partnership__program=program).select_related(
        "partnership"
    ):
        pair = suggestion.partnership
        check(
            pair.started_on <= day(suggestion.created_at) and suggestion.created_at < now,
            "suggested",
            suggestion,
        )
    for reminder in Reminder.objects.filter(partnership__program=program).select_related("partnership"):
        if reminder.state == Reminder.State.PENDING:  # decided before today, for later today
            check(reminder.created_at <= now <= reminder.send_at, "waiting but due before today", reminder)
            check(
                day(reminder.send_at) <= day(now) + datetime.timedelta(days=1), "waiting for days", reminder
            )
            continue
        check(reminder.state == Reminder.State.SENT, "not delivered", reminder)
        check(reminder.created_at <= reminder.send_at <= reminder.sent_at < now, "sent after today", reminder)
        check(
            reminder.read_at is None or reminder.sent_at < reminder.read_at < now,
            "read before sent",
            reminder,
        )
        check(reminder.partnership.started_on <= day(reminder.send_at), "reminded before it began", reminder)
    return found


# The weekdays that change what is due: the last call 13, 7 and 10 days ago.
@pytest.mark.parametrize("weekday", [0, 1, 4], ids=["monday", "tuesday", "friday"])
def test_the_demo_fits_the_day_it_was_seeded_on(db, weekday):
    story = story_on(weekday)
    seed(story=story)
    assert contradictions(story) == []
    # Its ledger is what the reminder rules decided up to that day: the scan of
    # a worker started on it records nothing again and sends nothing.
    before = Reminder.objects.count()
    assert reminders_scan(now=midnight(story.today)) == {"decided": 0, "enqueued": 0}
    assert Reminder.objects.count() == before > 0


def test_seeding_again_on_a_later_day_changes_nothing_that_happened(db):
    story = the_story()
    earlier = Story(story.today - datetime.timedelta(days=3))
    seed(story=earlier)

    def history():
        return {
            model.__name__: sorted(model.objects.values_list(*fields))
            for model, fields in [
                (Program, ("slug", "starts_on", "ends_on", "created_at")),
                (
                    Partnership,
                    ("pk", "status", "started_on", "planned_end_on", "last_call_at", "next_call_at"),
                ),
                (Agreement, ("pk", "version", "status", "created_at", "in_force_at", "ends_on")),
                (Session, ("pk", "starts_at", "is_draft", "updated_at")),
                (Homework, ("pk", "status", "due_on", "done_at")),
                (RatingRound, ("pk", "created_at")),
                (GoalSuggestion, ("pk", "status", "created_at")),
                (Reminder, ("pk", "kind", "object_key", "due_at", "recipient_id", "send_at", "read_at")),
            ]
        }

    before = history()
    seed(story=story)
    assert history() == before


# --- what the demo people find, today -------------------------------------------------


@pytest.fixture
def demo(db) -> Story:
    story = the_story()
    seed(story=story)
    return story


def pair_of(mentor: str, protege: str) -> Partnership:
    return Partnership.objects.with_people().get(
        mentor__user__email=mentor, protege__user__display_name=protege, status__in=["proposed", "active"]
    )


def test_the_demo_people_were_sent_reminders_of_each_kind_that_reaches_them(demo):
    now = timezone.now()
    kinds = {
        email: set(
            Reminder.objects.shown_to(User.objects.get(email=email), now=now).values_list("kind", flat=True)
        )
        for email in ("protege@example.com", "mentor@example.com", "admin@example.com")
    }
    assert kinds == {
        "protege@example.com": {"check_in", "homework", "rating", "agreement_pending", "survey"},
        "mentor@example.com": {"check_in", "nudge", "agreement_pending", "survey"},
        "admin@example.com": {"stall"},
    }
    for email in kinds:
        shown = Reminder.objects.shown_to(User.objects.get(email=email), now=now)
        assert shown.filter(read_at__isnull=True).exists()  # the newest are not read yet
        assert shown.filter(read_at__isnull=False).exists() or email == "admin@example.com"
    # The homework ones are Priya's: one ahead of an item's day, one when it went overdue.
    keys = Reminder.objects.filter(kind="homework", recipient__email="protege@example.com")
    assert {key.rsplit("-", 1)[1] for key in keys.values_list("object_key", flat=True)} >= {
        "ahead",
        "overdue",
    }


def test_every_to_do_of_an_ongoing_partnership_waits_for_the_demo_mentor_and_protege(demo):
    protege_to_do(demo)
    mentor_to_do(demo)


def protege_to_do(demo: Story) -> None:
    today, now = demo.today, timezone.now()
    priya = User.objects.get(email="protege@example.com")
    pair = pair_of("mentor@example.com", "Priya Protégé")
    with timezone.override(zoneinfo.ZoneInfo(priya.time_zone)):
        (rating,) = next_rating_due_for(priya)
    assert rating.partnership == pair and rating.overdue and rating.active_goals == 6  # rate your goals
    open_items = Homework.objects.filter(partnership=pair, status="open", session__is_draft=False)
    assert open_items.filter(due_on__lt=today).exists()  # homework overdue…
    week = today + datetime.timedelta(days=7)
    assert open_items.filter(due_on__gte=today, due_on__lte=week).exists()  # …and homework due soon
    proposal = pair.agreements.get(status=Agreement.Status.PROPOSED)
    assert proposal.waiting_for_role == "protege" and proposal.proposed_by == pair.mentor.user  # to accept
    # A goal the mentor suggested, to take on or decline.
    assert GoalSuggestion.objects.filter(partnership=pair, status="pending").exists()
    # The next call is expected from the agreement, not set, and not late: time to set it.
    call = next_call_of(pair, now)
    assert not call.is_set and not call.is_late(now) and call.at.date() <= today + datetime.timedelta(days=7)


def next_call_of(pair: Partnership, now: datetime.datetime) -> schedule.NextCall:
    in_force = pair.agreements.get(status=Agreement.Status.IN_FORCE)
    found = schedule.next_call(
        rhythm=Rhythm.of(in_force),
        set_at=pair.next_call_at,
        last_call_at=pair.last_call_at,
        started_on=pair.started_on,
        tz=schedule_zone(pair),
        now=now,
    )
    assert found is not None
    return found


def mentor_to_do(demo: Story) -> None:
    now = timezone.now()
    priya = pair_of("mentor@example.com", "Priya Protégé")
    kwame = pair_of("mentor@example.com", "Kwame Asante")
    yuki = pair_of("mentor@example.com", "Yuki Tanaka")
    # Priya's last call: its log half written, and their next call still to set.
    draft = Session.objects.get(partnership=priya, is_draft=True)
    assert draft.starts_at == priya.next_call_at < now and draft.starts_at.date() == demo.draft_call_day
    assert not next_call_of(priya, now).is_set
    # Kwame: no call for five weeks on a two-week rhythm, none set; his proposal waits for the mentor.
    # Counted in days of the story's calendar: at 00:10 on a Tuesday, a Thursday-afternoon
    # call 33 days back is 32 days and some hours ago.
    assert (demo.today - kwame.last_call_at.date()).days >= 33 and kwame.next_call_at <= kwame.last_call_at
    late = next_call_of(kwame, now)
    assert not late.is_set and late.is_late(now) and late.last_call == kwame.last_call_at
    proposal = kwame.agreements.get(status=Agreement.Status.PROPOSED)
    assert proposal.waiting_for_role == "mentor" and proposal.proposed_by == kwame.protege.user
    assert proposal.every_weeks == 3
    # Yuki, matched this week: their agreement is still to propose.
    assert yuki.status == Partnership.Status.PROPOSED and not yuki.agreements.exists()
    assert yuki.mentor.load <= yuki.mentor.capacity


def test_the_demo_program_shows_a_pair_of_each_health(demo):
    pairs = Partnership.objects.filter(program__slug="demo-leadership", status="active")
    labels = {
        pair.protege.user.display_name: rule.label_of(pair.severity)
        for pair in rule.annotate(pairs.select_related("protege__user"), now=timezone.now())
    }
    assert labels == {
        "Priya Protégé": "on_track",  # five of the six calls agreed in 90 days: the draft's is not logged yet
        "Kwame Asante": "stalled",
        "Emma Johansson": "stalled",
        "Lucas Silva": "at_risk",
        "Sam Patel": "thriving",
    }
