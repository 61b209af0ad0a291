"""The demo's pairs for ``seed_demo``: the demo mentor and protégé's agreement
(a first version agreed at their first call, one revision, and a change the
mentor proposed that waits for the protégé), the other pairs matched the way
an admin would, and the history that gives three pairs a health to show.
Idempotent."""

import datetime

from django.db.models import F

from partnerships.agreements import agreement_accept, agreement_defaults, agreement_propose, terms_of
from partnerships.models import Agreement, Partnership
from partnerships.services import partnership_match
from programs.models import CURRENT_PAIR_STATUSES, Cadence, Method, Program
from sessions_log.models import PartnershipCheck, Session

from .story import ENGAGEMENT, Story, at

# Pairs matched in the demo besides the demo mentor and protégé: (protégé, mentor,
# days ago they were matched, or None for a pair whose history dates it).
DEMO_PAIRS = [
    ("Sam Patel", "Amara Okafor", None),
    ("Lucas Silva", "Marcus Chen", None),
    ("Emma Johansson", "Kenji Watanabe", None),
    ("Mateo Rossi", "Grace Mensah", 5),
    ("Zara Ahmed", "Sofia Martínez", 2),
    ("Chloé Dubois", "Tomasz Nowak", 1),
    # The demo mentor's second protégé, whose calls stopped (demo.quiet_pair)…
    ("Kwame Asante", "Morgan Mentor", None),
    # …and his third, matched this week: their agreement is still to write.
    ("Yuki Tanaka", "Morgan Mentor", 3),
]


def match_pair(program, protege, mentor, admin, *, matched_on: datetime.date | None = None) -> Partnership:
    """The protégé's current partnership, or a new one matched the way an admin
    would, dated ``matched_on`` when given (the service dates it today)."""
    current = Partnership.objects.filter(protege=protege, status__in=CURRENT_PAIR_STATUSES).first()
    if current is not None:
        return current
    pair = partnership_match(program=program, protege=protege, mentor=mentor, matched_by=admin)
    if matched_on is not None:
        Partnership.objects.filter(pk=pair.pk).update(
            created_at=at(matched_on, datetime.time(11)),
            started_on=matched_on,
            planned_end_on=matched_on + ENGAGEMENT,
        )
        pair.refresh_from_db()
    return pair


def dated(agreement: Agreement, *, proposed: datetime.datetime, accepted: datetime.datetime | None) -> None:
    """Dates a version as proposed at ``proposed`` (which is its proposer's
    acceptance) and, unless None, accepted by the other side and in force at
    ``accepted``: the services stamp the moment they run."""
    fields: dict[str, datetime.datetime | None] = {"created_at": proposed}
    by_mentor = agreement.proposed_by_role == "mentor"
    fields["mentor_accepted_at" if by_mentor else "protege_accepted_at"] = proposed
    if accepted is not None:
        fields["protege_accepted_at" if by_mentor else "mentor_accepted_at"] = accepted
        fields["in_force_at"] = accepted
    Agreement.objects.filter(pk=agreement.pk).update(**fields)


def seed_agreement(pair: Partnership, *, story: Story) -> None:
    """The demo pair's agreement: a first version agreed at their first call,
    one revision a month later (longer calls), both accepted; and a change the
    mentor proposed the day after their last call (four more weeks), waiting
    for the protégé. Only made when the pair has no agreement yet, so running
    again changes nothing."""
    if pair.agreements.exists():
        return
    mentor, protege = pair.mentor.user, pair.protege.user
    first_call = at(story.started_on)
    terms = agreement_defaults(pair, today=story.started_on) | {
        "cadence": Cadence.EVERY_TWO_WEEKS,
        "method": Method.VIDEO,
        "location": "https://meet.example.com/morgan-priya",
        "success": "I lead my former peers with confidence: we agree scope with other teams without "
        "escalating, and my team tells me our one-to-ones are useful.",
    }
    first = agreement_propose(partnership=pair, by=mentor, terms=terms)
    agreement_accept(agreement=first, by=protege)
    dated(
        first,
        proposed=first_call + datetime.timedelta(minutes=20),
        accepted=first_call + datetime.timedelta(minutes=25),
    )
    # After their third call (the second was missed): room for negotiation practice.
    third_call = story.call_days[2]
    revision = agreement_propose(
        partnership=pair,
        by=protege,
        terms=terms | {"call_minutes": 45, "checkin_minutes": 10, "topic_minutes": 30, "prepare_minutes": 5},
        change_note="Fifteen more minutes for the deeper topic: negotiation practice needs the room.",
    )
    agreement_accept(agreement=revision, by=mentor)
    dated(
        revision,
        proposed=at(third_call + datetime.timedelta(days=1), datetime.time(19)),
        accepted=at(third_call + datetime.timedelta(days=2), datetime.time(9)),
    )
    revision.refresh_from_db()
    # The day after the last call: the end rating after the Atlas decision.
    change = agreement_propose(
        partnership=pair,
        by=mentor,
        terms=terms_of(revision) | {"ends_on": revision.ends_on + datetime.timedelta(weeks=4)},
        change_note="Four more weeks, so that our end rating comes after the Atlas migration decision.",
    )
    dated(
        change,
        proposed=at(story.draft_call_day + datetime.timedelta(days=1), datetime.time(10)),
        accepted=None,
    )


# Pairs whose history gives the program overview something to show (issue 9):
# protégé, days since each held call (the first is the day they agreed how to
# work together), "is it working?" answers (mentor, protégé).
HEALTH_HISTORY = {
    "Sam Patel": ([10, 24, 38, 52, 66, 80, 94], (5, 4)),  # every call held: thriving
    "Lucas Silva": ([6, 58], (3, 2)),  # behind the cadence, unsure it works: at risk
    "Emma Johansson": ([50, 64], None),  # quiet for seven weeks: stalled
}


def seed_health_history(program: Program, *, story: Story) -> None:
    """Gives three demo pairs an agreement at their first call and up to ten
    weeks of calls, so the overview shows a thriving, an at-risk and a stalled
    pair. Numbers only: the calls carry no notes. Only for a pair still
    without an agreement, so running again changes nothing."""
    pairs = Partnership.objects.with_people().filter(
        program=program, protege__user__display_name__in=HEALTH_HISTORY, status__in=CURRENT_PAIR_STATUSES
    )
    for pair in pairs:
        if pair.agreements.exists():
            continue
        held, working = HEALTH_HISTORY[pair.protege.user.display_name]
        calls = sorted(at(story.today - datetime.timedelta(days=d), datetime.time(16)) for d in held)
        started = calls[0].date()
        terms = agreement_defaults(pair, today=started) | {
            "cadence": Cadence.EVERY_TWO_WEEKS,
            "every_weeks": None,
            "ends_on": started + ENGAGEMENT,
            "success": "Agreed in our first call.",
        }
        first = agreement_propose(partnership=pair, by=pair.mentor.user, terms=terms)
        agreement_accept(agreement=first, by=pair.protege.user)
        dated(
            first,
            proposed=calls[0] + datetime.timedelta(minutes=15),
            accepted=calls[0] + datetime.timedelta(minutes=20),
        )
        Session.objects.bulk_create(
            Session(partnership=pair, status=Session.Status.HELD, starts_at=call, logged_by=pair.mentor.user)
            for call in calls
        )
        logged = F("starts_at") + datetime.timedelta(hours=1)  # logged just after each call
        Session.objects.filter(partnership=pair).update(created_at=logged, updated_at=logged)
        if working:
            for role, answer in zip(("mentor", "protege"), working, strict=True):
                check = PartnershipCheck.objects.create(
                    partnership=pair, role=role, after_calls=len(held), working=answer, valuable=answer
                )
                PartnershipCheck.objects.filter(pk=check.pk).update(
                    created_at=calls[-1] + datetime.timedelta(hours=2)
                )
        Partnership.objects.filter(pk=pair.pk).update(
            status=Partnership.Status.ACTIVE,
            started_on=started,
            planned_end_on=started + ENGAGEMENT,
            last_call_at=calls[-1],
            created_at=at(started - datetime.timedelta(weeks=1), datetime.time(11)),
        )
