"""The demo's pairs for ``seed_demo``: the demo mentor and protégé's agreement
(a first version and one revision) and next call, the other pairs matched the
way an admin would, and the history that gives three pairs a health to show.
Idempotent."""

import datetime

from django.utils import timezone

from mentoring.time_zones import zone_of
from partnerships.agreements import agreement_accept, agreement_defaults, agreement_propose
from partnerships.models import Agreement, Partnership
from partnerships.services import partnership_match
from programs.models import CURRENT_PAIR_STATUSES, Cadence, Method, Program
from sessions_log.models import PartnershipCheck, Session

DEMO_PAIR_DAYS_IN = 135  # how long the demo mentor and protégé have worked together

# Pairs matched in the demo besides the demo mentor and protégé: (protégé, mentor).
DEMO_PAIRS = [
    ("Sam Patel", "Amara Okafor"),
    ("Lucas Silva", "Marcus Chen"),
    ("Emma Johansson", "Kenji Watanabe"),
    ("Mateo Rossi", "Grace Mensah"),
    ("Zara Ahmed", "Sofia Martínez"),
    ("Chloé Dubois", "Tomasz Nowak"),
]


def match_pair(program, protege, mentor, admin) -> Partnership:
    """The protégé's current partnership, or a new one matched the way an admin would."""
    current = Partnership.objects.filter(protege=protege, status__in=CURRENT_PAIR_STATUSES).first()
    return current or partnership_match(program=program, protege=protege, mentor=mentor, matched_by=admin)


def seed_agreement(pair: Partnership) -> None:
    """The demo pair's agreement: a first version agreed at their first meeting
    and one revision (longer calls), both accepted; and their next call. Only
    made when the pair has no agreement yet, so running again changes nothing."""
    if pair.agreements.exists():
        return
    mentor, protege = pair.mentor.user, pair.protege.user
    today = timezone.localdate()
    terms = agreement_defaults(pair, today=pair.started_on or today) | {
        "cadence": Cadence.EVERY_TWO_WEEKS,
        "method": Method.VIDEO,
        "first_review_on": today + datetime.timedelta(days=10),
        "ends_on": today + datetime.timedelta(days=50),
        "success": "I lead my former peers with confidence: we agree scope with other teams without "
        "escalating, and my team tells me our one-to-ones are useful.",
    }
    first = agreement_propose(partnership=pair, by=mentor, terms=terms)
    agreement_accept(agreement=first, by=protege)
    revision = agreement_propose(
        partnership=pair,
        by=protege,
        terms=terms | {"call_minutes": 45, "checkin_minutes": 10, "topic_minutes": 30, "prepare_minutes": 5},
        change_note="Fifteen more minutes for the deeper topic: negotiation practice needs the room.",
    )
    agreement_accept(agreement=revision, by=mentor)
    # As if agreed at their first meeting and revised a month later.
    now = timezone.now()
    started = now - datetime.timedelta(days=DEMO_PAIR_DAYS_IN)
    revised = now - datetime.timedelta(days=DEMO_PAIR_DAYS_IN - 30)
    Agreement.objects.filter(pk=first.pk).update(
        created_at=started, mentor_accepted_at=started, protege_accepted_at=started, in_force_at=started
    )
    Agreement.objects.filter(pk=revision.pk).update(
        created_at=revised, mentor_accepted_at=revised, protege_accepted_at=revised, in_force_at=revised
    )
    london = zone_of(mentor)
    last_call = datetime.datetime.combine(
        today - datetime.timedelta(days=9), datetime.time(17), tzinfo=london
    )
    next_call = datetime.datetime.combine(
        today + datetime.timedelta(days=5), datetime.time(17), tzinfo=london
    )
    Partnership.objects.filter(pk=pair.pk).update(
        started_on=started.date(),
        last_call_at=last_call,
        next_call_at=next_call,
        next_call_time_zone=london.key,
        next_call_set_by=mentor,
    )


# Pairs whose history gives the program overview something to show (issue 9):
# protégé, days since each held call, "is it working?" answers (mentor, protégé).
HEALTH_HISTORY = {
    "Sam Patel": ([3, 17, 31, 45, 59, 73], (5, 4)),  # every call held: thriving
    "Lucas Silva": ([6, 58], (3, 2)),  # behind the cadence, unsure it works: at risk
    "Emma Johansson": ([50, 64], None),  # quiet for seven weeks: stalled
}


def seed_health_history(program: Program) -> None:
    """Gives three demo pairs an agreement and 100 days of calls, so the overview
    shows a thriving, an at-risk and a stalled pair. Numbers only: the calls
    carry no notes. Only for a pair still without an agreement, so running
    again changes nothing."""
    now = timezone.now()
    today = timezone.localdate()
    pairs = Partnership.objects.with_people().filter(
        program=program, protege__user__display_name__in=HEALTH_HISTORY, status__in=CURRENT_PAIR_STATUSES
    )
    for pair in pairs:
        if pair.agreements.exists():
            continue
        held, working = HEALTH_HISTORY[pair.protege.user.display_name]
        started = today - datetime.timedelta(days=100)
        terms = agreement_defaults(pair, today=started) | {
            "cadence": Cadence.EVERY_TWO_WEEKS,
            "every_weeks": None,
            "first_review_on": today + datetime.timedelta(days=20),
            "ends_on": today + datetime.timedelta(days=80),
            "success": "Agreed in our first call.",
        }
        agreement_accept(
            agreement=agreement_propose(partnership=pair, by=pair.mentor.user, terms=terms),
            by=pair.protege.user,
        )
        calls = [now - datetime.timedelta(days=d, hours=2) for d in held]
        Session.objects.bulk_create(
            Session(partnership=pair, status=Session.Status.HELD, starts_at=at, logged_by=pair.mentor.user)
            for at in calls
        )
        if working:
            for role, answer in zip(("mentor", "protege"), working, strict=True):
                PartnershipCheck.objects.create(
                    partnership=pair, role=role, after_calls=len(held), working=answer, valuable=answer
                )
        Partnership.objects.filter(pk=pair.pk).update(
            status=Partnership.Status.ACTIVE, started_on=started, last_call_at=max(calls)
        )
