"""The demo program for ``seed_demo``: a program with topics, the demo admin,
mentor and protégé in an active partnership, and a few dozen participants with
varied profiles waiting to be matched. Idempotent."""

import datetime
import random
import unicodedata
import zoneinfo

from django.utils import timezone

from accounts.demo import demo_user
from partnerships.models import Agreement, Partnership
from programs.invitations import invitation_create
from programs.models import CURRENT_PAIR_STATUSES, Cadence, Method, Participant, Program

from .agreements import agreement_accept, agreement_defaults, agreement_propose
from .services import partnership_match

TOPICS = [
    "Negotiation",
    "Conflict management",
    "Leading a team of peers",
    "Influencing decision makers",
    "Career planning",
    "Public speaking",
    "Managing up",
    "Giving feedback",
    "Hiring",
    "Product strategy",
    "Technical leadership",
    "Time management",
    "Stakeholder management",
    "Data-driven decisions",
    "Work-life balance",
    "Change management",
]

# name, time zone, intro / challenges, topics (indexes into TOPICS), methods, cadence, capacity
MENTORS = [
    (
        "Amara Okafor",
        "Europe/London",
        "Director of engineering; 15 years building platform teams. "
        "I mentor because someone once took a chance on me.",
        [0, 1, 10],
        ["video", "phone"],
        "every_two_weeks",
        3,
    ),
    (
        "Daniel Weiss",
        "Europe/Berlin",
        "VP Product at a logistics company. Mentored 9 people through their first management role.",
        [9, 6, 12],
        ["video"],
        "monthly",
        2,
    ),
    (
        "Priya Raman",
        "Asia/Kolkata",
        "Head of data science. I enjoy helping people turn numbers into decisions leaders act on.",
        [13, 3, 4],
        ["video", "chat"],
        "every_two_weeks",
        2,
    ),
    (
        "Marcus Chen",
        "America/New_York",
        "Engineering manager, formerly a staff engineer. Ask me about moving from doing to leading.",
        [2, 7, 8],
        ["video", "in_person"],
        "weekly",
        1,
    ),
    (
        "Sofia Martínez",
        "Europe/Madrid",
        "Operations lead in healthcare; calm under pressure, good at difficult conversations.",
        [1, 7, 15],
        ["phone", "video"],
        "every_two_weeks",
        2,
    ),
    (
        "Kenji Watanabe",
        "Asia/Tokyo",
        "Principal architect. I mentor on technical leadership and writing proposals that get approved.",
        [10, 3, 5],
        ["video", "chat"],
        "monthly",
        2,
    ),
    (
        "Grace Mensah",
        "Africa/Accra",
        "HR business partner; coaching managers on hiring and feedback is my day job and my hobby.",
        [8, 7, 4],
        ["video", "phone"],
        "twice_a_month",
        3,
    ),
    (
        "Liam O'Connor",
        "Europe/Dublin",
        "Sales director. Negotiation, managing up and recovering from a lost deal.",
        [0, 6, 12],
        ["phone", "in_person"],
        "every_two_weeks",
        2,
    ),
    (
        "Hannah Berg",
        "America/Chicago",
        "Product designer turned design manager; public speaking coach on the side.",
        [5, 2, 14],
        ["video"],
        "every_two_weeks",
        1,
    ),
    (
        "Tomasz Nowak",
        "Europe/Warsaw",
        "CTO of a 40-person startup. Strategy, hiring and surviving change.",
        [9, 8, 15],
        ["video", "chat"],
        "monthly",
        2,
    ),
    (
        "Isabel Costa",
        "America/Sao_Paulo",
        "Customer success director; I help people manage up and stay calm with hard stakeholders.",
        [6, 12, 1],
        ["video", "phone"],
        "every_two_weeks",
        2,
    ),
    (
        "Ahmed Farouk",
        "Africa/Cairo",
        "Finance lead who learned to present numbers to boards; ask me about influence.",
        [3, 13, 5],
        ["video"],
        "monthly",
        1,
    ),
]

PROTEGES = [
    (
        "Sam Patel",
        "Europe/London",
        "New team lead; struggling to negotiate scope with other teams.",
        [0, 1, 2],
    ),
    ("Aisha Bello", "Africa/Lagos", "Wants to move into product management within a year.", [9, 4, 12]),
    ("Lucas Silva", "America/Sao_Paulo", "Senior engineer asked to lead peers; unsure how.", [2, 10, 7]),
    ("Emma Johansson", "Europe/Stockholm", "Finds it hard to influence senior stakeholders.", [3, 12, 6]),
    ("Noah Kim", "Asia/Seoul", "Data analyst who wants to present findings with impact.", [13, 5, 3]),
    (
        "Olivia Brown",
        "America/Los_Angeles",
        "Returning from parental leave; balancing work and family.",
        [14, 11, 4],
    ),
    ("Mateo Rossi", "Europe/Rome", "First-time hiring manager.", [8, 7, 2]),
    ("Zara Ahmed", "Asia/Dubai", "Conflict between two of her reports is draining the team.", [1, 7, 2]),
    ("Ethan Walker", "Australia/Sydney", "Wants a career plan towards staff engineer.", [4, 10, 5]),
    (
        "Chloé Dubois",
        "Europe/Paris",
        "Leading a reorganisation; needs change management skills.",
        [15, 12, 1],
    ),
    ("Ravi Iyer", "Asia/Kolkata", "Manages up poorly; his manager is often surprised.", [6, 11, 12]),
    ("Fatima Zahra", "Africa/Casablanca", "Would like to speak at a conference this year.", [5, 4]),
    ("Jonas Müller", "Europe/Berlin", "Product owner; prioritisation fights with sales.", [9, 0, 12]),
    ("Mia Thompson", "America/Toronto", "Overloaded; wants better time management and boundaries.", [11, 14]),
    (
        "Diego Herrera",
        "America/Mexico_City",
        "Engineer curious about data-driven product decisions.",
        [13, 9],
    ),
    ("Yuki Tanaka", "Asia/Tokyo", "New manager giving feedback for the first time.", [7, 2, 1]),
    ("Grace Liu", "Asia/Singapore", "Wants to influence the roadmap of the platform team.", [3, 10, 6]),
    ("Oscar Lindqvist", "Europe/Stockholm", "Negotiating a promotion and a new scope.", [0, 4, 6]),
    ("Nadia Hassan", "Africa/Cairo", "Leads a cross-cultural team spread over four time zones.", [2, 1, 15]),
    ("Ben Carter", "America/Denver", "Hiring fast for a new team; worried about quality.", [8, 10]),
    (
        "Lena Fischer",
        "Europe/Vienna",
        "Moving from engineering into product; wants a sounding board.",
        [9, 4],
    ),
    ("Kwame Asante", "Africa/Accra", "First management role in a fast-growing team.", [2, 7, 8]),
    ("Sara Lindgren", "Europe/Stockholm", "Wants to negotiate better contracts with vendors.", [0, 12]),
    ("Tariq Aziz", "Asia/Karachi", "Struggles to say no; wants boundaries and focus.", [11, 14, 6]),
    ("Julia Novak", "Europe/Prague", "Preparing for her first board presentation.", [5, 3, 13]),
    ("Hiro Sato", "Asia/Tokyo", "Leads an international team; conflicts across cultures.", [1, 2]),
]

DEMO_PAIR_DAYS_IN = 135  # how long the demo mentor and protégé have worked together

# People invited who have not joined yet.
DEMO_INVITATIONS = [
    ("Rosa Delgado", "rosa.delgado@example.com", Participant.Role.MENTOR),
    ("Felix Wagner", "felix.wagner@example.com", Participant.Role.PROTEGE),
]

# Pairs matched in the demo besides the demo mentor and protégé: (protégé, mentor).
DEMO_PAIRS = [
    ("Sam Patel", "Amara Okafor"),
    ("Lucas Silva", "Marcus Chen"),
    ("Emma Johansson", "Kenji Watanabe"),
    ("Mateo Rossi", "Grace Mensah"),
    ("Zara Ahmed", "Sofia Martínez"),
    ("Chloé Dubois", "Tomasz Nowak"),
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
    demo_pair = _pair(program, protege, mentor, admin)
    if demo_pair.status == Partnership.Status.PROPOSED:
        demo_pair.status = Partnership.Status.ACTIVE
        # Four and a half months in: history to show, two months to go.
        demo_pair.started_on = today - datetime.timedelta(days=DEMO_PAIR_DAYS_IN)
        demo_pair.planned_end_on = today + datetime.timedelta(days=50)
        demo_pair.save(update_fields=["status", "started_on", "planned_end_on"])
    seed_agreement(demo_pair)

    for name, tz, intro, topic_ids, methods, cadence, capacity in MENTORS:
        user = demo_user(_email(name), name, tz)
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
        user = demo_user(_email(name), name, tz)
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
        _pair(program, people[protege_name], people[mentor_name], admin)
    for name, email, role in DEMO_INVITATIONS:
        if not program.invitations.open().filter(email=email).exists():
            invitation_create(program=program, email=email, name=name, role=role, invited_by=admin)
    return program


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
    london = zoneinfo.ZoneInfo(mentor.time_zone)
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


def _pair(program, protege, mentor, admin) -> Partnership:
    """The protégé's current partnership, or a new one matched the way an admin would."""
    current = Partnership.objects.filter(protege=protege, status__in=CURRENT_PAIR_STATUSES).first()
    return current or partnership_match(program=program, protege=protege, mentor=mentor, matched_by=admin)


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace("'", "").replace(" ", ".") + "@example.com"


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
    from sessions_log.models import PartnershipCheck, Session

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
