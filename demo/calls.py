"""The demo pair's call log: about eight calls across four months, one missed,
homework in every state, ratings and partnership checks, a running agenda and
one half-written log. Run again, it changes nothing."""

import datetime

from django.db import transaction
from django.utils import timezone

from mentoring.time_zones import zone_of
from partnerships.models import Agreement, Partnership
from programs.models import Method
from sessions_log.models import AgendaItem, CallFeedback, Homework, PartnershipCheck, Session

# (weeks before the last call, status, topic, key learnings, homework [(kind, description, state, reflection)], rating)
CALLS = [
    (
        16,
        "held",
        "Getting to know each other; what leading former peers feels like.",
        "Priya’s goal is to lead her former peers with confidence. Trust comes from consistency, not from being liked.",
        [
            (
                "reading",
                "Read “The First 90 Days”, chapter 2: securing early wins",
                "done",
                "Early wins matter less than I thought; learning the team comes first.",
            )
        ],
        5,
    ),
    (
        14,
        "held",
        "The first one-to-ones with the team.",
        "Ask more than you tell in one-to-ones. Agree the purpose of the meeting with each person.",
        [
            (
                "exercise",
                "Hold one-to-ones with three team members using the three questions",
                "done",
                "Two went well; one person was guarded, and that is fine for now.",
            )
        ],
        4,
    ),
    (
        12,
        "held",
        "Saying no to another team’s scope creep.",
        "Separate the people from the problem. Prepare your best alternative before the meeting.",
        [
            ("reading", "Read “Getting to Yes”, chapters 1–3", "partly", ""),
            (
                "research",
                "Find out how the platform team prioritises requests",
                "done",
                "They have a quarterly intake; we had been going around it.",
            ),
        ],
        4,
    ),
    (10, "missed", "", "", [], None),
    (
        8,
        "held",
        "Preparing the roadmap conversation with the platform lead.",
        "Lead with the shared goal. Bring two options, not a demand.",
        [("exercise", "Role-play the roadmap conversation with a colleague", "not_done", "")],
        3,
    ),
    (
        6,
        "held",
        "How the roadmap conversation went; giving hard feedback.",
        "The conversation worked because of the preparation. Feedback: specific, soon, and about behaviour.",
        [
            (
                "exercise",
                "Give one piece of specific, timely feedback this week",
                "done",
                "Easier than I feared when I kept it about one moment.",
            )
        ],
        5,
    ),
    (
        4,
        "held",
        "Delegating without disappearing.",
        "Delegate the outcome, agree the check-ins, resist taking it back.",
        [
            (
                "exercise",
                "Delegate the release notes and agree one check-in",
                "open_done",
                "Done: Sam owns them now. I only checked in once, as agreed.",
            ),
            ("research", "Collect three examples of how other leads run retrospectives", "open_overdue", ""),
            ("reading", "Read “Radical Candor”, chapter 4", "open", ""),
        ],
        5,
    ),
]
AGENDA = ["How do I tell my manager the team is overloaded?", "Preparing for my mid-year review"]
SOMEDAY = ["Building a network outside my company", "Public speaking at the all-hands"]


@transaction.atomic
def seed_sessions(*, partnership: Partnership) -> None:
    """Seeds the demo pair's call log once; does nothing when it has calls."""
    if partnership.sessions.exists():
        return
    mentor, protege = partnership.mentor.user, partnership.protege.user
    london = zone_of(mentor)
    now = timezone.now()
    # The last call (the draft below) is the pair's last_call_at; the rest go back every two weeks.
    last = partnership.last_call_at or now - datetime.timedelta(days=9)
    last = last.astimezone(london).replace(hour=17, minute=0, second=0, microsecond=0)
    next_call = partnership.next_call_at or last + datetime.timedelta(days=14)
    sessions = []
    for weeks_before, status, topic, learnings, homework, rating in CALLS:
        starts_at = last - datetime.timedelta(weeks=weeks_before)
        session = Session.objects.create(
            partnership=partnership,
            status=status,
            starts_at=starts_at,
            minutes=45 if weeks_before <= 4 else 30,
            method=Method.VIDEO,
            checkin_notes=""
            if status == "held"
            else "Priya was unwell; we moved the topic to the next call.",
            topic=topic,
            key_learnings=learnings,
            prepare_next="Priya brings one situation from this fortnight to work on."
            if status == "held"
            else "",
            next_call_at=starts_at + datetime.timedelta(weeks=2),
            logged_by=mentor,
        )
        sessions.append((session, homework, rating))
        AgendaItem.objects.create(
            partnership=partnership,
            session=session,
            text=topic or "Catch up after the missed call",
            added_by=protege,
            added_by_role="protege",
        )
    for index, (session, homework, rating) in enumerate(sessions):
        recapped_in = next((s for s, _, _ in sessions[index + 1 :] if s.status == "held"), None)
        due_on = (session.starts_at + datetime.timedelta(weeks=2)).date()
        for kind, description, state, reflection in homework:
            item = Homework(
                partnership=partnership, session=session, kind=kind, description=description, due_on=due_on
            )
            if state in ("done", "partly", "not_done"):
                item.status, item.recapped_in, item.reflection = state, recapped_in, reflection
                item.done_at = session.starts_at + datetime.timedelta(days=10) if state == "done" else None
            elif state == "open_done":  # done by Priya, waiting for the recap at the next call
                item.status, item.reflection = "done", reflection
                item.done_at = last - datetime.timedelta(days=2)
            elif state == "open":
                item.due_on = next_call.astimezone(london).date()
            # "open_overdue" stays open, due before today.
            if kind == "reading" and state in ("done", "open"):
                item.link = "https://example.org/reading-list"
            item.save()
        if rating:
            CallFeedback.objects.create(
                session=session,
                rating=rating,
                comment="Practising the conversation out loud helped most." if rating == 5 else "",
            )
    for after, (working_m, valuable_m), (working_p, valuable_p) in [(3, (4, 4), (4, 5)), (6, (5, 4), (5, 5))]:
        PartnershipCheck.objects.create(
            partnership=partnership,
            role="mentor",
            author=mentor,
            after_calls=after,
            working=working_m,
            valuable=valuable_m,
        )
        PartnershipCheck.objects.create(
            partnership=partnership,
            role="protege",
            author=protege,
            after_calls=after,
            working=working_p,
            valuable=valuable_p,
            comment="The homework keeps me honest between calls." if after == 6 else "",
        )
    # The last call happened; its log is half written.
    draft = Session.objects.create(
        partnership=partnership,
        status="held",
        is_draft=True,
        starts_at=last,
        minutes=45,
        method=Method.VIDEO,
        topic="Running the first retrospective with the team.",
        logged_by=mentor,
    )
    Homework.objects.create(
        partnership=partnership,
        session=draft,
        kind="exercise",
        description="Run the team retrospective using one of the collected formats",
        due_on=next_call.astimezone(london).date(),
    )
    for text in AGENDA:
        AgendaItem.objects.create(
            partnership=partnership, text=text, added_by=protege, added_by_role="protege"
        )
    for text in SOMEDAY:
        AgendaItem.objects.create(
            partnership=partnership, text=text, someday=True, added_by=protege, added_by_role="protege"
        )
    # The partnership began with the first call, four months ago; so did its first agreement.
    first_call = sessions[0][0].starts_at
    Partnership.objects.filter(pk=partnership.pk).update(started_on=first_call.date(), last_call_at=last)
    first = partnership.agreements.filter(version=1).first()
    if first is not None and first.in_force_at and first.in_force_at > first_call:
        Agreement.objects.filter(pk=first.pk).update(
            created_at=first_call,
            mentor_accepted_at=first_call,
            protege_accepted_at=first_call,
            in_force_at=first_call,
        )
