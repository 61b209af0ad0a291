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
from partnerships.models import Cadence, Method, Participant, Partnership, Program, Topic

SCALES = {
    "full": {"partnerships": 10_000},
    "small": {"partnerships": 1_000},
}
SMALL_PROGRAM_PAIRS = 10
TOPICS = [f"Topic {i:02d}" for i in range(40)]
TIME_ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "America/Chicago", "Asia/Tokyo",
              "Asia/Kolkata", "Australia/Sydney", "Africa/Lagos", "America/Sao_Paulo", "Asia/Singapore"]  # fmt: skip
BATCH = 5_000


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
        users.append(User(email=email, display_name=f"{role.title()} {i // 2} {slug}", password=password,
                          time_zone=rng.choice(TIME_ZONES)))  # fmt: skip
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
    _bulk(Partnership, partnerships, f"{slug} pairs")

    # Some protégés waiting for a mentor, so the board has work to show.
    waiting_users = _bulk(
        User,
        [User(email=f"waiting{i}@{slug}.bench", display_name=f"Waiting {i}", password=password)
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


@transaction.atomic
def seed(scale: str) -> None:
    rng = random.Random(2026)
    password = make_password("mentoring-demo")
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
