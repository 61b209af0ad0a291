"""The demo mentor's second protégé, Kwame Asante, for ``seed_demo``: four
calls a fortnight apart, the last five weeks ago and none set since, so the
pair has fallen behind the two-week rhythm it agreed (nudged, then flagged to
the admin as stalled); and Kwame's proposal to meet every three weeks, waiting
for the mentor. Dated by the story (``demo.story``). Only for a pair still
without an agreement, so running again changes nothing."""

import datetime
import zoneinfo
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from goals.models import Category, Goal, ProgressRating, RatingRound
from goals.services import goal_create
from partnerships.agreements import agreement_accept, agreement_defaults, agreement_propose, terms_of
from partnerships.models import Partnership
from programs.models import Cadence, Method
from sessions_log.models import CallFeedback, Homework, PartnershipCheck, Session

from .pairs import dated
from .story import ENGAGEMENT, LONDON, QUIET_CALL_TIME, Story, at

ACCRA = zoneinfo.ZoneInfo("Africa/Accra")  # where Kwame lives
PROTEGE = "Kwame Asante"

# One per call, first to last: topic, key learnings, homework (description, done reflection or None).
CALLS = [
    (
        "Getting to know each other; a first management role in a team that doubles this year.",
        "Kwame’s goal is to hire well without losing the team he has. Agreed how we work together.",
        ("Write down what the team needs that nobody on it does today", "Two gaps: testing and on-call."),
    ),
    (
        "Hiring for the team you will have, not the one you have.",
        "Write the job from the gaps, not from the last posting. Involve the team early.",
        ("Draft the job description for the first hire with the team", "The team added two questions."),
    ),
    (
        "Interviewing fairly when you are in a hurry.",
        "Same questions for every candidate, scored before the debrief.",
        ("Try the scorecard in two interviews", "It slowed me down in a good way."),
    ),
    (
        "Keeping one-to-ones going during a hiring push.",
        "Protect the one-to-ones first; they are where the team tells you it is tired.",
        ("Hold every one-to-one this fortnight, even short", None),
    ),
]
# (category, title, why, SMART fields, baseline value, check-in value)
GOALS = [
    (
        Category.SMART,
        "Hire two engineers without losing anyone from the team",
        "The team doubles this year. If hiring burns out the people I have, I have not grown the team.",
        {"metric": "Engineers hired", "baseline": "0", "target": "2", "unit": "hires"},
        2,
        4,
    ),
    (
        Category.COMPETENCY,
        "Interviewing fairly and fast",
        "I decide on gut feeling and I know it is not fair to the candidates.",
        None,
        3,
        5,
    ),
]
CHANGE_NOTE = "Sorry for the silence: every three weeks until the hiring round is over, then back to two."


@transaction.atomic
def seed_quiet_pair(*, program, story: Story) -> Partnership | None:
    """Gives the mentor's second pair its history; None when the pair is not
    there (matched elsewhere, or ended)."""
    pair = (
        Partnership.objects.with_people()
        .filter(
            program=program, mentor__user__email="mentor@example.com", protege__user__display_name=PROTEGE
        )
        .filter(status__in=[Partnership.Status.PROPOSED, Partnership.Status.ACTIVE])
        .first()
    )
    if pair is None or pair.agreements.exists():
        return pair
    mentor, protege = pair.mentor.user, pair.protege.user
    calls = [at(day, QUIET_CALL_TIME) for day in story.quiet_call_days]
    started = story.quiet_started_on
    Partnership.objects.filter(pk=pair.pk).update(
        planned_end_on=started + ENGAGEMENT,
        created_at=at(started - datetime.timedelta(weeks=1), datetime.time(11)),
    )
    pair.refresh_from_db()

    terms = agreement_defaults(pair, today=started) | {
        "cadence": Cadence.EVERY_TWO_WEEKS,
        "method": Method.VIDEO,
        "success": "I hire two people this year and the team I have still trusts me at the end of it.",
    }
    first = agreement_propose(partnership=pair, by=mentor, terms=terms)
    agreement_accept(agreement=first, by=protege)
    dated(
        first,
        proposed=calls[0] + datetime.timedelta(minutes=15),
        accepted=calls[0] + datetime.timedelta(minutes=20),
    )

    sessions = []
    for number, (call, (topic, learnings, (homework, reflection))) in enumerate(
        zip(calls, CALLS, strict=True)
    ):
        last = number == len(calls) - 1
        session = Session.objects.create(
            partnership=pair,
            status=Session.Status.HELD,
            starts_at=call,
            minutes=30,
            method=Method.VIDEO,
            topic=topic,
            key_learnings=learnings,
            prepare_next="We find a time by email once the hiring round settles." if last else "",
            # The last log set no next call: none has been set since.
            next_call_at=None if last else call + datetime.timedelta(weeks=2),
            logged_by=mentor,
        )
        sessions.append(session)
        item = Homework(
            partnership=pair,
            session=session,
            kind=Homework.Kind.EXERCISE,
            description=homework,
            due_on=(call + datetime.timedelta(weeks=2)).astimezone(LONDON).date(),
        )
        if reflection:
            done_at = at(item.due_on - datetime.timedelta(days=3), datetime.time(18), ACCRA)
            item.status, item.reflection, item.done_at = Homework.Status.DONE, reflection, done_at
        item.save()
    logged = F("starts_at") + datetime.timedelta(minutes=50)
    Session.objects.filter(partnership=pair).update(created_at=logged, updated_at=logged)
    for item in Homework.objects.filter(partnership=pair).select_related("session"):
        later = next((s for s in sessions if s.starts_at > item.session.starts_at), None)
        set_at = item.session.starts_at + datetime.timedelta(minutes=35)
        Homework.objects.filter(pk=item.pk).update(
            recapped_in=later,
            created_at=set_at,
            updated_at=later.starts_at + datetime.timedelta(minutes=50) if later else item.done_at or set_at,
        )
    for session, rating in zip(sessions, (4, 5, 4, 3), strict=True):
        feedback = CallFeedback.objects.create(session=session, rating=rating)
        CallFeedback.objects.filter(pk=feedback.pk).update(
            created_at=session.starts_at + datetime.timedelta(hours=3)
        )
    for role, author in (("mentor", mentor), ("protege", protege)):
        check = PartnershipCheck.objects.create(
            partnership=pair, role=role, author=author, after_calls=3, working=4, valuable=4
        )
        PartnershipCheck.objects.filter(pk=check.pk).update(created_at=calls[2] + datetime.timedelta(days=1))
    _goals(pair, protege, calls)

    # The last call was set by the log before it, and has passed; no other has been set.
    Partnership.objects.filter(pk=pair.pk).update(
        status=Partnership.Status.ACTIVE,
        started_on=started,
        last_call_at=calls[-1],
        next_call_at=calls[-1],
        next_call_time_zone=LONDON.key,
        next_call_set_by=mentor,
    )
    # Nudged three weeks after the last call, Kwame proposes to meet less often.
    pair.refresh_from_db()
    proposal = agreement_propose(
        partnership=pair,
        by=protege,
        terms=terms_of(first) | {"cadence": Cadence.EVERY_N_WEEKS, "every_weeks": 3},
        change_note=CHANGE_NOTE,
    )
    dated(proposal, proposed=proposed_change_at(story), accepted=None)
    return pair


def proposed_change_at(story: Story) -> datetime.datetime:
    """When Kwame proposed to meet every three weeks: three days after the nudge."""
    return at(story.quiet_last_call_day + datetime.timedelta(days=24), datetime.time(10), ACCRA)


def _goals(pair: Partnership, protege, calls: list[datetime.datetime]) -> None:
    """Kwame's goals, set at the first call through the goals' own service,
    rated two days after it and two days after the third call."""
    goals = []
    for category, title, why, smart, *_values in GOALS:
        wording = {"title": title, "why": why}
        if smart:
            wording |= {
                "metric": smart["metric"],
                "baseline": Decimal(smart["baseline"]),
                "target": Decimal(smart["target"]),
                "unit": smart["unit"],
                "deadline": pair.planned_end_on - datetime.timedelta(weeks=4),
            }
        goal = goal_create(partnership=pair, by=protege, category=category, **wording)
        Goal.objects.filter(pk=goal.pk).update(created_at=calls[0] + datetime.timedelta(minutes=25))
        goals.append(goal)
    for point, call, column in (
        (RatingRound.Point.BASELINE, calls[0], 0),
        (RatingRound.Point.CHECK_IN, calls[2], 1),
    ):
        moment = at((call + datetime.timedelta(days=2)).date(), datetime.time(12), ACCRA)
        rating_round = RatingRound.objects.create(partnership=pair, point=point, created_at=moment)
        ProgressRating.objects.bulk_create(
            ProgressRating(
                round=rating_round,
                goal=goal,
                value=spec[4 + column],
                metric_value=Decimal(column) if goal.is_smart else None,
                created_at=moment,
            )
            for goal, spec in zip(goals, GOALS, strict=True)
        )
