"""The demo program for ``seed_demo``: a program with topics, the demo admin,
mentor and protégé in an active partnership, and a few dozen participants with
varied profiles waiting to be matched. Idempotent."""

import datetime
import random

from django.utils import timezone

from partnerships.models import Partnership
from programs.models import Cadence, Method, Participant, Program
from programs.services.invitations import invitation_create

from .pairs import DEMO_PAIR_DAYS_IN, DEMO_PAIRS, match_pair, seed_agreement
from .people import MENTORS, PROTEGES, TOPICS, demo_user, email_of

# People invited who have not joined yet.
DEMO_INVITATIONS = [
    ("Rosa Delgado", "rosa.delgado@example.com", Participant.Role.MENTOR),
    ("Felix Wagner", "felix.wagner@example.com", Participant.Role.PROTEGE),
]


def _participant(program, user, role, **profile) -> Participant:
    topics = profile.pop("topics", [])
    participant, _ = Participant.objects.update_or_create(
        program=program, user=user, defaults={"role": role, **profile}
    )
    field = participant.topics_offered if role == Participant.Role.MENTOR else participant.topics_sought
    field.set(topics)
    return participant


def seed_program(*, rng: random.Random) -> Program:
    today = timezone.localdate()
    program, _ = Program.objects.update_or_create(
        slug="demo-leadership",
        defaults={
            "name": "Leadership Mentoring 2026",
            "description": "Six-month mentoring for new and aspiring leaders: negotiation, feedback, "
            "influence and leading peers.",
            "starts_on": today - datetime.timedelta(days=90),
            "ends_on": today + datetime.timedelta(days=275),
            "engagement_months": 6,
            "default_cadence": Cadence.EVERY_TWO_WEEKS,
            "default_call_minutes": 30,
        },
    )
    topics = [program.topics.get_or_create(name=name)[0] for name in TOPICS]

    admin = demo_user("admin@example.com", "Alex Admin", "Europe/London", is_staff=True, is_superuser=True)
    program.admins.add(admin)
    demo_user("outsider@example.com", "Olive Outsider", "Europe/London")

    mentor_user = demo_user("mentor@example.com", "Morgan Mentor", "Europe/London")
    protege_user = demo_user("protege@example.com", "Priya Protégé", "America/New_York")
    mentor = _participant(
        program,
        mentor_user,
        Participant.Role.MENTOR,
        intro="Fifteen years leading product and engineering teams; I mentor because good mentors "
        "changed my career. Earlier partnerships: four protégés into their first lead role.",
        strengths="Negotiation, giving feedback, leading a team of peers.",
        topics=[topics[0], topics[7], topics[2]],
        methods=[Method.VIDEO, Method.PHONE],
        preferred_cadence=Cadence.EVERY_TWO_WEEKS,
        capacity=3,
    )
    protege = _participant(
        program,
        protege_user,
        Participant.Role.PROTEGE,
        challenges="Just became lead of my former peers; negotiating scope with other teams.",
        topics=[topics[0], topics[2], topics[3]],
        methods=[Method.VIDEO],
        preferred_cadence=Cadence.EVERY_TWO_WEEKS,
    )
    demo_pair = match_pair(program, protege, mentor, admin)
    if demo_pair.status == Partnership.Status.PROPOSED:
        demo_pair.status = Partnership.Status.ACTIVE
        # Four and a half months in: history to show, two months to go.
        demo_pair.started_on = today - datetime.timedelta(days=DEMO_PAIR_DAYS_IN)
        demo_pair.planned_end_on = today + datetime.timedelta(days=50)
        demo_pair.save(update_fields=["status", "started_on", "planned_end_on"])
    seed_agreement(demo_pair)

    for name, tz, intro, topic_ids, methods, cadence, capacity in MENTORS:
        user = demo_user(email_of(name), name, tz)
        _participant(
            program,
            user,
            Participant.Role.MENTOR,
            intro=intro,
            strengths=", ".join(TOPICS[i] for i in topic_ids),
            topics=[topics[i] for i in topic_ids],
            methods=methods,
            preferred_cadence=cadence,
            capacity=capacity,
        )
    for name, tz, challenges, topic_ids in PROTEGES:
        user = demo_user(email_of(name), name, tz)
        _participant(
            program,
            user,
            Participant.Role.PROTEGE,
            challenges=challenges,
            topics=[topics[i] for i in topic_ids],
            methods=rng.sample([m.value for m in Method], k=rng.randint(1, 2)),
            preferred_cadence=rng.choice([Cadence.WEEKLY, Cadence.EVERY_TWO_WEEKS, Cadence.MONTHLY]),
        )
    people = {p.user.display_name: p for p in program.participants.select_related("user")}
    for protege_name, mentor_name in DEMO_PAIRS:
        match_pair(program, people[protege_name], people[mentor_name], admin)
    for name, email, role in DEMO_INVITATIONS:
        if not program.invitations.open().filter(email=email).exists():
            invitation_create(program=program, email=email, name=name, role=role, invited_by=admin)
    return program
