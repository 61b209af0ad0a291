"""Seeds the benchmark database at program scale with bulk inserts.

One big program (10,000 partnerships, 20,000 people at full scale) and a
10-partnership program for comparison, spread over two years. Pages are
measured as mentor@example.com (a mentor in the big program) and the big
program's admin; the same pages for the small program give the query counts
to compare.
"""

import datetime
import random
import sys
import time

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from demo.people import DEMO_PASSWORD
from health import services as health
from partnerships.models import Agreement, Partnership
from programs.models import Cadence, Method, Participant, Program, Topic

SCALES = {
    "full": {"partnerships": 10_000},
    "small": {"partnerships": 1_000},
}
SMALL_PROGRAM_PAIRS = 10
TOPICS = [f"Topic {i:02d}" for i in range(40)]
TIME_ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago", "Asia/Tokyo",
              "Asia/Kolkata", "Australia/Sydney", "Africa/Lagos", "America/Sao_Paulo", "Asia/Singapore"]  # fmt: skip
BATCH = 5_000
# Names from these, so pairs sorted by name interleave mentors and protégés as real ones do.
FIRST_NAMES = ["Ada", "Bo", "Chidi", "Dana", "Emeka", "Farah", "Giulia", "Hiro", "Ines", "Jonas", "Kemi",
               "Lars", "Mei", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera",
               "Wen", "Ximena", "Yusuf", "Zoe"]  # fmt: skip
LAST_NAMES = ["Adeyemi", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ito",
              "Jensen", "Kowalski", "Lindqvist", "Müller", "Nakamura", "Okafor", "Patel", "Rossi",
              "Schmidt", "Tanaka", "Usman", "Varga", "Wójcik", "Yamamoto", "Zhang"]  # fmt: skip
# The agreed cadences, as often as pairs choose them.
CADENCES = ["weekly", "every_two_weeks", "every_two_weeks", "twice_a_month", "monthly", "monthly"]


class Progress:
    """A one-line progress bar on the terminal."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done, self.started = label, total, 0, time.monotonic()

    def advance(self, n: int) -> None:
        self.done += n
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        elapsed = time.monotonic() - self.started
        sys.stdout.write(
            f"\r  {self.label:<14} [{'#' * filled}{'.' * (width - filled)}] {self.done:>9,}/{self.total:,} {elapsed:5.1f}s"
        )
        sys.stdout.flush()
        if self.done >= self.total:
            sys.stdout.write("\n")


def _bulk(model, rows, label: str) -> list:
    progress = Progress(label, len(rows))
    made = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        made.extend(model.objects.bulk_create(chunk, batch_size=BATCH))
        progress.advance(len(chunk))
    return made


def _program(*, name: str, slug: str, pairs: int, rng: random.Random, password: str, demo: bool) -> Program:
    today = timezone.localdate()
    started = today - datetime.timedelta(days=730)
    program = Program.objects.create(name=name, slug=slug, starts_on=started, engagement_months=6)
    topics = Topic.objects.bulk_create(Topic(program=program, name=t) for t in TOPICS)

    users = []
    for i in range(pairs * 2):
        role = "mentor" if i % 2 == 0 else "protege"
        email = f"{role}{i // 2}@{slug}.bench"
        if demo and i < 2:
            email = f"{role}@example.com"
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {i}"
        users.append(User(email=email, display_name=name, password=password,
                          time_zone=rng.choice(TIME_ZONES), language="en-gb"))  # fmt: skip
    users = _bulk(User, users, f"{slug} people")

    participants = []
    for i, user in enumerate(users):
        is_mentor = i % 2 == 0
        participants.append(
            Participant(
                program=program, user=user, role="mentor" if is_mentor else "protege", status="active",
                intro="Years of experience." if is_mentor else "", challenges="" if is_mentor else "Growing.",
                methods=rng.sample([m.value for m in Method], k=rng.randint(1, 2)),
                preferred_cadence=rng.choice([c.value for c in Cadence]),
                capacity=rng.choice([1, 1, 2, 3]) if is_mentor else 1,
                load=1 if is_mentor else 0,
            )
        )  # fmt: skip
    participants = _bulk(Participant, participants, f"{slug} profiles")

    offered = Participant.topics_offered.through
    sought = Participant.topics_sought.through
    links_o, links_s = [], []
    for i, p in enumerate(participants):
        for topic in rng.sample(topics, k=3):
            if i % 2 == 0:
                links_o.append(offered(participant_id=p.pk, topic_id=topic.pk))
            else:
                links_s.append(sought(participant_id=p.pk, topic_id=topic.pk))
    _bulk(offered, links_o, f"{slug} topics")
    _bulk(sought, links_s, f"{slug} topics")

    partnerships = []
    for n in range(pairs):
        start = started + datetime.timedelta(days=rng.randint(0, 700))
        partnerships.append(
            Partnership(
                program=program, mentor=participants[2 * n], protege=participants[2 * n + 1],
                status="active", started_on=start, planned_end_on=start + datetime.timedelta(days=182),
                match_score=rng.randint(40, 95), match_reasons=["bench"],
            )
        )  # fmt: skip
    partnerships = _bulk(Partnership, partnerships, f"{slug} pairs")
    _agreements(partnerships, rng=rng, slug=slug)
    _history(partnerships, rng=rng, slug=slug)
    _surveys(program, partnerships, rng=rng, slug=slug)

    # Some protégés waiting for a mentor, so the board has work to show.
    waiting_users = _bulk(
        User,
        [User(email=f"waiting{i}@{slug}.bench", display_name=f"Waiting {i}", password=password, language="en-gb")
         for i in range(max(pairs // 20, 3))],
        f"{slug} waiting",
    )  # fmt: skip
    _bulk(
        Participant,
        [Participant(program=program, user=u, role="protege") for u in waiting_users],
        f"{slug} wait",
    )
    admin = User.objects.get(email="admin@example.com")
    program.admins.add(admin)
    return program


def _agreements(partnerships: list, *, rng: random.Random, slug: str) -> None:
    """An agreement in force for each pair, from its first day, each pair's cadence its own."""
    agreements = []
    for pair in partnerships:
        accepted = datetime.datetime.combine(pair.started_on, datetime.time(17), tzinfo=datetime.UTC)
        agreements.append(Agreement(
            partnership=pair, version=1, status="in_force", proposed_by_role="mentor",
            cadence=rng.choice(CADENCES), call_minutes=30, checkin_minutes=10, topic_minutes=15,
            prepare_minutes=5, method="video", first_review_on=pair.started_on + datetime.timedelta(days=42),
            ends_on=pair.planned_end_on, success="Growth.", mentor_accepted_at=accepted,
            protege_accepted_at=accepted, in_force_at=accepted,
        ))  # fmt: skip
    _bulk(Agreement, agreements, f"{slug} agreements")


CALLS_PER_PAIR = 25  # 250,000 calls at full scale
HOMEWORK_PER_CALL = 2  # 500,000 homework items
GOALS_PER_PAIR = 6  # 60,000 goals: two competencies and two situations... and two SMART
ROUNDS_PER_PAIR = 17  # × 6 goals ≈ 1,000,000 ratings


def _history(partnerships: list, *, rng: random.Random, slug: str) -> None:
    """Two years of what pairs do: calls with homework, goals and rating rounds,
    written a slice of partnerships at a time so memory stays flat."""
    from goals.models import Goal, ProgressRating, RatingRound
    from sessions_log.models import Homework, Session

    now = timezone.now()
    progress = Progress(f"{slug} history", len(partnerships))
    for start in range(0, len(partnerships), 500):
        chunk = partnerships[start : start + 500]
        sessions, goals, rounds = [], [], []
        for pair in chunk:
            begin = datetime.datetime.combine(pair.started_on, datetime.time(16), tzinfo=datetime.UTC)
            step = max((now - begin) / (CALLS_PER_PAIR + 1), datetime.timedelta(days=1))
            for n in range(CALLS_PER_PAIR):
                sessions.append(Session(
                    partnership=pair, status="held" if n % 9 else "missed", starts_at=begin + step * n,
                    minutes=30, method="video", checkin_notes="Recap.", topic="Deeper topic",
                    key_learnings="What we learned.", prepare_next="Prepare.",
                ))  # fmt: skip
            for i, category in enumerate(
                ["smart", "smart", "competency", "competency", "situation", "situation"]
            ):
                smart = category == "smart"
                goals.append(Goal(
                    partnership=pair, category=category, title=f"Goal {i}", why="Because it matters.",
                    metric="Retention" if smart else "", baseline=10 if smart else None,
                    target=20 if smart else None, unit="%" if smart else "",
                    deadline=(now + datetime.timedelta(days=180)).date() if smart else None,
                    slot=i % 2 + 1, created_at=begin,
                ))  # fmt: skip
            for n in range(ROUNDS_PER_PAIR):
                rounds.append(RatingRound(
                    partnership=pair, point="baseline" if n == 0 else "check_in",
                    created_at=begin + (now - begin) * n / ROUNDS_PER_PAIR,
                ))  # fmt: skip
        sessions = Session.objects.bulk_create(sessions, batch_size=BATCH)
        Homework.objects.bulk_create(
            [
                Homework(
                    partnership_id=call.partnership_id, session=call, description=f"Homework {k}",
                    due_on=(call.starts_at + datetime.timedelta(days=14)).date(),
                    status="done" if call.starts_at < now - datetime.timedelta(days=30) else "open",
                    done_at=call.starts_at + datetime.timedelta(days=10)
                    if call.starts_at < now - datetime.timedelta(days=30) else None,
                )
                for call in sessions
                for k in range(HOMEWORK_PER_CALL)
            ],
            batch_size=BATCH,
        )  # fmt: skip
        goals = Goal.objects.bulk_create(goals, batch_size=BATCH)
        rounds = RatingRound.objects.bulk_create(rounds, batch_size=BATCH)
        goals_of: dict[int, list] = {}
        for goal in goals:
            goals_of.setdefault(goal.partnership_id, []).append(goal)
        ProgressRating.objects.bulk_create(
            [
                ProgressRating(round=r, goal=g, value=min(10, 2 + rng.randint(0, 2) + (i % ROUNDS_PER_PAIR) // 3),
                               metric_value=12 if g.category == "smart" else None, created_at=r.created_at)
                for i, r in enumerate(rounds)
                for g in goals_of[r.partnership_id]
            ],
            batch_size=BATCH,
        )  # fmt: skip
        progress.advance(len(chunk))


SURVEY_ROUNDS = 3  # pulse rounds asked of each side: 60,000 asked at full scale
SURVEY_ANSWERED = 0.7  # the share of asked rounds answered


def _surveys(program: Program, partnerships: list, *, rng: random.Random, slug: str) -> None:
    """A monthly pulse (two scale questions, the 0–10 recommendation and a
    written answer) asked of both sides of every pair ``SURVEY_ROUNDS`` times,
    most of it answered, a few written answers shared: what the outcome
    report aggregates."""
    from surveys.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

    survey = Survey.objects.create(
        program=program, title="Monthly pulse", kind="pulse", first_after_days=30, every_days=30,
        opened_on=program.starts_on,
    )  # fmt: skip
    questions = SurveyQuestion.objects.bulk_create([
        SurveyQuestion(survey=survey, position=0, kind="scale", text="Our calls are worth the time we give them"),
        SurveyQuestion(survey=survey, position=1, kind="scale", text="I am making progress on what I came for"),
        SurveyQuestion(survey=survey, position=2, kind="nps", text="How likely are you to recommend this program?"),
        SurveyQuestion(survey=survey, position=3, kind="text", text="Anything the program team should know?",
                       required=False),
    ])  # fmt: skip
    responses = []
    for pair in partnerships:
        for n in range(1, SURVEY_ROUNDS + 1):
            asked = datetime.datetime.combine(
                pair.started_on + datetime.timedelta(days=30 * n), datetime.time(10), tzinfo=datetime.UTC
            )
            for role, side in (("mentor", pair.mentor), ("protege", pair.protege)):
                answered = rng.random() < SURVEY_ANSWERED
                responses.append(SurveyResponse(
                    survey=survey, partnership=pair, respondent_id=side.user_id, role=role, round=str(n),
                    asked_at=asked, submitted_at=asked + datetime.timedelta(days=2) if answered else None,
                    shared=answered and rng.random() < 0.2,
                ))  # fmt: skip
    responses = _bulk(SurveyResponse, responses, f"{slug} surveys")
    scale, progress, nps, text = questions
    answers = []
    for response in responses:
        if response.submitted_at is None:
            continue
        answers += [
            SurveyAnswer(response=response, question=scale, number=rng.randint(2, 5)),
            SurveyAnswer(response=response, question=progress, number=rng.randint(1, 5)),
            SurveyAnswer(response=response, question=nps, number=rng.randint(4, 10)),
            SurveyAnswer(response=response, question=text, text="More time for the deeper topic."),
        ]
    _bulk(SurveyAnswer, answers, f"{slug} answers")


@transaction.atomic
def seed(scale: str) -> None:
    rng = random.Random(2026)
    with connection.cursor() as cursor:
        # Two years of history in one go: the page-version triggers (partnerships
        # 0008) would write each pair's row once per inserted row; the pages key on
        # the version, whatever its value, so seeding leaves them at 0.
        cursor.execute("SET LOCAL session_replication_role = replica")
    password = make_password(DEMO_PASSWORD)  # sign in as any bench person with the demo password
    User.objects.create(
        email="admin@example.com", display_name="Alex Admin", password=password, is_staff=True
    )
    _program(
        name="Big Program",
        slug="big",
        pairs=SCALES[scale]["partnerships"],
        rng=rng,
        password=password,
        demo=True,
    )
    _program(
        name="Small Program", slug="small", pairs=SMALL_PROGRAM_PAIRS, rng=rng, password=password, demo=False
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # What the nightly refresh keeps: every pair's health numbers of the day.
    health.refresh_stale(Partnership.objects.all())
