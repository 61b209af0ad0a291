"""The demo pair's call log: eight calls a fortnight apart over four months,
the second missed, homework in every state, ratings of the calls and
partnership checks, a running agenda, and the last call's log half written by
the mentor. Dated by the story (``demo.story``). Run again, it changes nothing."""

import datetime
import zoneinfo

from django.db import transaction

from partnerships.models import Partnership
from programs.models import Method
from sessions_log.models import AgendaItem, CallFeedback, Homework, PartnershipCheck, Session
from sessions_log.services import session_log

from .story import LONDON, Story, at

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")  # where Priya lives
MINUTES_BEFORE_REVISION = 30  # the agreement's second version (demo.pairs) made calls 45 minutes
MINUTES = 45
READING_LIST = "https://example.org/reading-list"

# One entry per logged call, first to last (demo.story.Story.call_days):
# status, Priya's agenda item for it, topic, key learnings, what to prepare,
# homework [(kind, description, state, reflection)], her rating of the call and its comment.
# Homework states: done, partly, not_done (recapped at the next held call);
# "waiting" (done, not yet recapped), "overdue" (open, due at the last call),
# "soon" (open, due at the next call).
CALLS = [
    (
        "held",
        "What does leading my former peers actually involve?",
        "Getting to know each other and agreeing how we work; what leading former peers feels like.",
        "Priya’s goal is to lead her former peers with confidence. Trust comes from consistency, not "
        "from being liked.",
        "Priya writes down the three situations with the team that worry her most.",
        [
            (
                "reading",
                "Read “The First 90 Days”, chapter 2: securing early wins",
                "done",
                "Early wins matter less than I thought; learning the team comes first.",
            )
        ],
        5,
        "Good to have the agreement written down from the start.",
    ),
    ("missed", "", "", "", "", [], None, ""),
    (
        "held",
        "How do I start one-to-ones with people who were my peers last month?",
        "The first one-to-ones with the team.",
        "Ask more than you tell in one-to-ones. Agree the purpose of the meeting with each person.",
        "Priya brings notes from the first three one-to-ones.",
        [
            (
                "exercise",
                "Hold one-to-ones with three team members using the three questions",
                "done",
                "Two went well; one person was guarded, and that is fine for now.",
            )
        ],
        4,
        "",
    ),
    (
        "held",
        "Another team keeps adding scope to our sprint. How do I say no?",
        "Saying no to another team’s scope creep.",
        "Separate the people from the problem. Prepare your best alternative before the meeting.",
        "Priya brings the platform team’s last three requests.",
        [
            ("reading", "Read “Getting to Yes”, chapters 1–3", "partly", "Chapters 1 and 2 so far."),
            (
                "research",
                "Find out how the platform team prioritises requests",
                "done",
                "They have a quarterly intake; we had been going around it.",
            ),
        ],
        4,
        "",
    ),
    (
        "held",
        "The roadmap conversation with the platform lead is next week.",
        "Preparing the roadmap conversation with the platform lead.",
        "Lead with the shared goal. Bring two options, not a demand.",
        "Priya tells how the conversation went.",
        [("exercise", "Role-play the roadmap conversation with a colleague", "not_done", "")],
        3,
        "Useful, but I would have liked more time to practise.",
    ),
    (
        "held",
        "How the roadmap conversation went; I owe a report some hard feedback.",
        "How the roadmap conversation went; giving hard feedback.",
        "The conversation worked because of the preparation. Feedback: specific, soon, and about behaviour.",
        "Priya brings one piece of feedback she gave and how it landed.",
        [
            (
                "exercise",
                "Give one piece of specific, timely feedback this week",
                "done",
                "Easier than I feared when I kept it about one moment.",
            )
        ],
        5,
        "Practising the conversation out loud helped most.",
    ),
    (
        "held",
        "The Atlas migration plan will land on my team. How do I get a say?",
        "Influencing the decision makers on the Atlas migration.",
        "Find who decides and what they worry about. One page, their words, our constraints.",
        "Priya shares the brief and who read it.",
        [
            (
                "exercise",
                "Write a one-page brief on the team’s constraints for the Atlas migration",
                "done",
                "The architect forwarded it to the decision group.",
            )
        ],
        5,
        "",
    ),
    (
        "held",
        "I keep taking work back after I delegate it.",
        "Delegating without disappearing.",
        "Delegate the outcome, agree the check-ins, resist taking it back.",
        "Priya picks a format for the team’s first retrospective.",
        [
            (
                "exercise",
                "Delegate the release notes and agree one check-in",
                "waiting",
                "Done: Sam owns them now. I only checked in once, as agreed.",
            ),
            ("research", "Collect three examples of how other leads run retrospectives", "overdue", ""),
            ("reading", "Read “Radical Candor”, chapter 4", "soon", ""),
        ],
        5,
        "",
    ),
]
# What Priya put on the agenda in the days before the last call (it belongs to
# that call once its log is finished), and her list for someday.
AGENDA = ["How do I tell my manager the team is overloaded?", "Preparing for my mid-year review"]
SOMEDAY = ["Building a network outside my company", "Public speaking at the all-hands"]
MISSED_NOTE = "Priya was unwell; we moved the topic to the next call."
DRAFT_TOPIC = "Running the first retrospective with the team."
DRAFT_HOMEWORK = "Run the team retrospective using one of the collected formats"
# After how many held calls both sides answered "is it working?", and how: (mentor, protégé).
CHECKS = [(3, (4, 4), (4, 5)), (6, (5, 4), (5, 5))]


def _logged(session: Session) -> datetime.datetime:
    """When the mentor logged a call: just after it."""
    return session.starts_at + datetime.timedelta(minutes=session.minutes + 20)


def _evening(day: datetime.date, hour: int = 18) -> datetime.datetime:
    """Priya's evening, New York time: when she does her homework and rates calls."""
    return at(day, datetime.time(hour), NEW_YORK)


@transaction.atomic
def seed_sessions(*, partnership: Partnership, story: Story) -> None:
    """Seeds the demo pair's call log once; does nothing when the pair has calls."""
    if partnership.sessions.exists():
        return
    mentor, protege = partnership.mentor.user, partnership.protege.user
    sessions = []
    for day, (status, agenda, topic, learnings, prepare, homework, rating, comment) in zip(
        story.call_days, CALLS, strict=True
    ):
        starts_at = at(day)
        minutes = MINUTES if day > story.call_days[2] else MINUTES_BEFORE_REVISION
        session = Session.objects.create(
            partnership=partnership,
            status=status,
            starts_at=starts_at,
            minutes=minutes,
            method=Method.VIDEO,
            checkin_notes="" if status == "held" else MISSED_NOTE,
            topic=topic,
            key_learnings=learnings,
            prepare_next=prepare,
            next_call_at=starts_at + datetime.timedelta(weeks=2),
            logged_by=mentor,
        )
        Session.objects.filter(pk=session.pk).update(created_at=_logged(session), updated_at=_logged(session))
        sessions.append((session, homework, rating, comment))
        # What Priya added in the days before the call (none for the missed one).
        if agenda:
            added = starts_at - datetime.timedelta(days=3)
            _agenda_item(partnership, protege, agenda, added=added, session=session)
    held = [session for session, *_ in sessions if session.status == "held"]

    for session, homework, rating, comment in sessions:
        recapped_in = next((s for s in held if s.starts_at > session.starts_at), None)
        due_on = session.next_call_at.astimezone(LONDON).date() if session.next_call_at else None
        set_at = session.starts_at + datetime.timedelta(minutes=session.minutes)
        for kind, description, state, reflection in homework:
            item = Homework(partnership=partnership, session=session, kind=kind, description=description)
            item.due_on = story.next_call_day if state == "soon" else due_on
            done_at = None
            if state in ("done", "partly", "not_done"):
                item.status, item.recapped_in, item.reflection = state, recapped_in, reflection
                # Done a few days before the call that recapped it.
                done_at = (
                    _evening(recapped_in.starts_at.date() - datetime.timedelta(days=4))
                    if state == "done"
                    else None
                )
            elif state == "waiting":  # done by Priya, waiting for the recap at the draft's call
                item.status, item.reflection = "done", reflection
                done_at = _evening(story.draft_call_day - datetime.timedelta(days=3))
            item.done_at = done_at
            if kind == "reading" and state in ("done", "soon"):
                item.link = READING_LIST
            item.save()
            changed = _logged(item.recapped_in) if item.recapped_in else done_at or set_at
            Homework.objects.filter(pk=item.pk).update(created_at=set_at, updated_at=changed)
        if rating:
            feedback = CallFeedback.objects.create(session=session, rating=rating, comment=comment)
            CallFeedback.objects.filter(pk=feedback.pk).update(
                created_at=_evening(session.starts_at.date(), 20)
            )

    for after_calls, mentor_answers, protege_answers in CHECKS:
        answered = held[after_calls - 1].starts_at + datetime.timedelta(days=1)
        for role, author, (working, valuable) in (
            ("mentor", mentor, mentor_answers),
            ("protege", protege, protege_answers),
        ):
            check = PartnershipCheck.objects.create(
                partnership=partnership,
                role=role,
                author=author,
                after_calls=after_calls,
                working=working,
                valuable=valuable,
                comment="The homework keeps me honest between calls."
                if (role, after_calls) == ("protege", 6)
                else "",
            )
            PartnershipCheck.objects.filter(pk=check.pk).update(created_at=answered)

    for text, day in zip(SOMEDAY, (story.call_days[2], story.call_days[5]), strict=True):
        _agenda_item(
            partnership, protege, text, added=_evening(day + datetime.timedelta(days=1)), someday=True
        )
    seed_draft(partnership=partnership, story=story)
    for number, text in enumerate(AGENDA):
        added = _evening(story.draft_call_day - datetime.timedelta(days=4 - 2 * number))
        _agenda_item(partnership, protege, text, added=added)


def _agenda_item(partnership, protege, text, *, added, session=None, someday=False) -> None:
    item = AgendaItem.objects.create(
        partnership=partnership,
        session=session,
        text=text,
        someday=someday,
        added_by=protege,
        added_by_role="protege",
    )
    AgendaItem.objects.filter(pk=item.pk).update(created_at=added)


def seed_draft(*, partnership: Partnership, story: Story) -> None:
    """The last call, held a week or two ago, whose log the mentor has half
    written through the call log's own service: a draft, which only the
    mentor sees and which changes nothing until it is finished. So the pair's
    schedule is as the last finished log left it: that call is their last
    logged call, and the call it set (the draft's) counts as held since its
    time has passed; no next call is set yet (finishing the log would set it)."""
    mentor = partnership.mentor.user
    call = at(story.draft_call_day)
    Partnership.objects.filter(pk=partnership.pk).update(
        last_call_at=at(story.call_days[-1]),
        next_call_at=call,
        next_call_time_zone=LONDON.key,
        next_call_set_by=mentor,
    )
    partnership.refresh_from_db()
    waiting = Homework.objects.filter(partnership=partnership, recapped_in__isnull=True, status="done")
    draft = session_log(
        partnership=partnership,
        by=mentor,
        data={
            "status": "held",
            "starts_at": call,
            "minutes": MINUTES,
            "method": Method.VIDEO,
            "topic": DRAFT_TOPIC,
        },
        homework=[{"kind": "exercise", "description": DRAFT_HOMEWORK}],
        recap={item.pk: "done" for item in waiting},
        draft=True,
    )
    saved = call + datetime.timedelta(minutes=MINUTES + 10)
    Session.objects.filter(pk=draft.pk).update(created_at=saved, updated_at=saved)
    Homework.objects.filter(session=draft).update(created_at=saved, updated_at=saved)
