"""The demo program for ``seed_demo``: a program with topics, the demo admin,
mentor and protégé in an active partnership, and a few dozen participants with
varied profiles waiting to be matched. Idempotent."""

import datetime
import random

from partnerships.models import Partnership
from programs.models import Cadence, Method, Participant, Program
from programs.services.invitations import invitation_create

from .pairs import DEMO_PAIRS, match_pair, seed_agreement
from .people import MENTORS, PROTEGES, TOPICS, demo_user, email_of
from .story import Story, at

# People invited who have not joined yet.
DEMO_INVITATIONS = [
    ("Rosa Delgado", "rosa.delgado@example.com", Participant.Role.MENTOR),
    ("Felix Wagner", "felix.wagner@example.com", Participant.Role.PROTEGE),
]


def _participant(program, user, role, *, joined: datetime.datetime, **profile) -> Participant:
    """The person's place in the program, with their profile; the first time, dated ``joined``."""
    topics = profile.pop("topics", [])
    participant, created = Participant.objects.update_or_create(
        program=program, user=user, defaults={"role": role, **profile}
    )
    if created:
        Participant.objects.filter(pk=participant.pk).update(created_at=joined)
    field = participant.topics_offered if role == Participant.Role.MENTOR else participant.topics_sought
    field.set(topics)
    return participant


def seed_program(*, rng: random.Random, story: Story) -> Program:
    """The demo program and its people; the demo mentor and protégé matched a
    week before their first call. What exists already keeps its dates."""
    settings = {
        "name": "Leadership Mentoring 2026",
        "description": "Six-month mentoring for new and aspiring leaders: negotiation, feedback, "
        "influence and leading peers.",
        "engagement_months": 6,
        "default_cadence": Cadence.EVERY_TWO_WEEKS,
        "default_call_minutes": 30,
    }
    # Its dates are those of the story of the day it was made: running again on a later day keeps them.
    dates = {"starts_on": story.program_starts_on, "ends_on": story.program_ends_on}
    program, created = Program.objects.update_or_create(
        slug="demo-leadership", defaults=settings, create_defaults=settings | dates
    )
    if created:  # set up a month before it began
        Program.objects.filter(pk=program.pk).update(
            created_at=at(story.program_starts_on - datetime.timedelta(days=30), datetime.time(10))
        )
    topics = [program.topics.get_or_create(name=name)[0] for name in TOPICS]

    set_up = at(story.program_starts_on - datetime.timedelta(days=30), datetime.time(9))
    admin = demo_user(
        "admin@example.com",
        "Alex Admin",
        "Europe/London",
        is_staff=True,
        is_superuser=True,
        date_joined=set_up,
    )
    program.admins.add(admin)
    demo_user("outsider@example.com", "Olive Outsider", "Europe/London", date_joined=set_up)

    mentor_user = demo_user(
        "mentor@example.com", "Morgan Mentor", "Europe/London", date_joined=story.joined_at(0)
    )
    protege_user = demo_user(
        "protege@example.com", "Priya Protégé", "America/New_York", date_joined=story.joined_at(1)
    )
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
        joined=story.joined_at(0),
    )
    protege = _participant(
        program,
        protege_user,
        Participant.Role.PROTEGE,
        challenges="Just became lead of my former peers; negotiating scope with other teams.",
        topics=[topics[0], topics[2], topics[3]],
        methods=[Method.VIDEO],
        preferred_cadence=Cadence.EVERY_TWO_WEEKS,
        joined=story.joined_at(1),
    )
    demo_pair = match_pair(program, protege, mentor, admin)
    if demo_pair.status == Partnership.Status.PROPOSED:
        # About four months in: history to show, two months to go. Active from
        # the first call, where they agreed how to work (seed_agreement).
        Partnership.objects.filter(pk=demo_pair.pk).update(
            status=Partnership.Status.ACTIVE,
            started_on=story.started_on,
            planned_end_on=story.ends_on,
            created_at=at(story.matched_on, datetime.time(11)),
        )
        demo_pair.refresh_from_db()
    seed_agreement(demo_pair, story=story)

    index = 2
    for name, tz, intro, topic_ids, methods, cadence, capacity in MENTORS:
        joined, index = story.joined_at(index), index + 1
        user = demo_user(email_of(name), name, tz, date_joined=joined)
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
            joined=joined,
        )
    for name, tz, challenges, topic_ids in PROTEGES:
        joined, index = story.joined_at(index), index + 1
        user = demo_user(email_of(name), name, tz, date_joined=joined)
        _participant(
            program,
            user,
            Participant.Role.PROTEGE,
            challenges=challenges,
            topics=[topics[i] for i in topic_ids],
            methods=rng.sample([m.value for m in Method], k=rng.randint(1, 2)),
            preferred_cadence=rng.choice([Cadence.WEEKLY, Cadence.EVERY_TWO_WEEKS, Cadence.MONTHLY]),
            joined=joined,
        )
    people = {p.user.display_name: p for p in program.participants.select_related("user")}
    for protege_name, mentor_name, days_ago in DEMO_PAIRS:
        matched_on = None if days_ago is None else story.today - datetime.timedelta(days=days_ago)
        match_pair(program, people[protege_name], people[mentor_name], admin, matched_on=matched_on)
    for name, email, role in DEMO_INVITATIONS:
        if not program.invitations.open().filter(email=email).exists():
            invitation_create(program=program, email=email, name=name, role=role, invited_by=admin)
    return program
