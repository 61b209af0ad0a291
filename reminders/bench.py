"""Reminder figures for ``make bench``: one scan over N active partnerships of
which a share has something due, and one worker's sending rate to a local
SMTP sink. Call after ``django.setup()`` against PostgreSQL, outside a
transaction: ``benchmark(partnerships=100_000)``. It leaves nothing behind:
the scan's seed is rolled back and vacuumed away, the sends' seed deleted.

The scan runs as beat runs it in a live database: with planner statistics
(ANALYZE, as autovacuum would have run), with what the database itself had
due recorded first (as earlier scans would have), and counting the deferred
foreign-key checks its commit would run. The sends run what the
``send_reminders`` task runs, batch by batch, each row's claim and "sent"
committed, to an aiosmtpd sink in a process of its own; only the broker's
hop is left out."""

import datetime
import socket
import subprocess
import sys
import time
import zoneinfo
from collections import Counter

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import User
from partnerships.models import Agreement, Partnership
from programs.models import Participant, Program
from surveys.models import Survey, SurveyKind, SurveyResponse

from .models import Kind, Reminder
from .services import scan, send

BATCH = 5_000
TAG = "bench-reminders"
SEEDED_TABLES = [Reminder, SurveyResponse, Survey, Agreement, Partnership, Participant, User, Program]
# The program's pulse survey: 30 days after the match, then every 60.
PULSE_FIRST, PULSE_EVERY = 30, 60


class _Rollback(Exception):
    pass


def _seed(
    n: int, due_share: float, now: datetime.datetime, *, zone: str = "Europe/London", due_in: int = 20
) -> list[Partnership]:
    """``n`` pairs with an agreement in force, both people in ``zone``, in a
    program with a pulse and a closing survey; ``due_share`` of them have
    their next call in ``due_in`` hours (so check-in reminders each), the
    others in four days. Of the rest, one in ``PULSE_EVERY`` reach their first
    pulse round today (a day's rounds: the scan decides them all in the one
    scan after UTC+14 reaches the day) and a fifth of that share ended
    yesterday (so a closing survey each); the others are 50 days in, between
    two rounds."""
    tag = f"{TAG}-{time.time_ns()}"
    program = Program.objects.create(name=tag, slug=tag, starts_on=now.date() - datetime.timedelta(days=60))
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"{tag}-{i}@example.org",
                display_name=f"Person {i}",  # i18n: not shown (benchmark seed data)
                password=password,
                time_zone=zone,
            )
            for i in range(2 * n)
        ],
        batch_size=BATCH,
    )
    people = Participant.objects.bulk_create(
        [
            Participant(
                program=program,
                user=u,
                role=Participant.Role.MENTOR if i % 2 else Participant.Role.PROTEGE,
                capacity=1,
            )
            for i, u in enumerate(users)
        ],
        batch_size=BATCH,
    )
    due_every = max(1, round(1 / due_share)) if due_share else 0
    Survey.objects.bulk_create([
        Survey(program=program, title="Pulse", kind=SurveyKind.PULSE, first_after_days=PULSE_FIRST,  # i18n: not shown (benchmark seed data)
               every_days=PULSE_EVERY, opened_on=now.date() - datetime.timedelta(days=60)),
        Survey(program=program, title="Closing", kind=SurveyKind.CLOSING, opened_on=now.date() - datetime.timedelta(days=60)),  # i18n: not shown (benchmark seed data)
    ])  # fmt: skip
    pairs = []
    for i in range(n):
        due = due_every and i % due_every == 0
        surveyed = due_every > 2 and i % PULSE_EVERY == 1
        ended = due_every > 2 and i % (5 * PULSE_EVERY) == 2
        pairs.append(
            Partnership(
                program=program, protege=people[2 * i], mentor=people[2 * i + 1],
                status=Partnership.Status.ENDED if ended else Partnership.Status.ACTIVE,
                ended_at=now - datetime.timedelta(days=1) if ended else None,
                started_on=now.date() - datetime.timedelta(days=PULSE_FIRST if surveyed else 50),
                last_call_at=now - datetime.timedelta(days=3),
                next_call_at=now + datetime.timedelta(hours=due_in if due else 96), next_call_time_zone=zone,
            )
        )  # fmt: skip
    pairs = Partnership.objects.bulk_create(pairs, batch_size=BATCH)
    Agreement.objects.bulk_create(
        [
            Agreement(
                partnership=p, version=1, status=Agreement.Status.IN_FORCE, proposed_by_role="mentor", cadence="weekly",
                call_minutes=30, checkin_minutes=10, topic_minutes=15, prepare_minutes=5, method="video",
                first_review_on=now.date() + datetime.timedelta(days=30), ends_on=now.date() + datetime.timedelta(days=150),
                success="-", mentor_accepted_at=now, protege_accepted_at=now, in_force_at=now,
            )
            for p in pairs
        ],
        batch_size=BATCH,
    )  # fmt: skip
    return pairs


def _midday_zone(now: datetime.datetime) -> str:
    """A zone where it is now around midday (Etc/ zones' signs are inverted)."""
    for hours in range(-12, 15):
        name = f"Etc/GMT{-hours:+d}" if hours else "Etc/UTC"
        if 11 <= now.astimezone(zoneinfo.ZoneInfo(name)).hour < 15:
            return name
    return "Etc/UTC"


def _tables(models) -> str:
    return ", ".join(model._meta.db_table for model in models)


def _time_scan(partnerships: int, due_share: float, figures: dict) -> None:
    now = timezone.now().replace(hour=12, minute=0)  # midday in London: no quiet hours
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # What the database itself has due, recorded as earlier scans would have.
            started = time.perf_counter()
            figures["backlog_decided"] = scan.reminders_scan(now=now)["decided"]
            figures["backlog_seconds"] = round(time.perf_counter() - started, 3)
            _seed(partnerships, due_share, now)
            cursor.execute(f"ANALYZE {_tables(SEEDED_TABLES)}")
            # The seed's own deferred foreign-key checks, so that only the scan's are timed.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            started = time.perf_counter()
            figures["decided"] = scan.reminders_scan(now=now)["decided"]
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # what its commit would check
            figures["scan_seconds"] = round(time.perf_counter() - started, 3)
            raise _Rollback  # and with it the scan's enqueueing, which waits for a commit
    except _Rollback:
        pass
    with connection.cursor() as cursor:
        # The rolled-back rows are dead weight in every table until vacuumed:
        # runs would otherwise get slower one after the other.
        cursor.execute(f"VACUUM (ANALYZE) {_tables(SEEDED_TABLES)}")


# An SMTP server in a process of its own, as a real one would be (in a thread
# of this one it would take turns with the sender for the interpreter): it
# accepts every message, and says how many it has for each line it reads.
SINK = """
import sys
from aiosmtpd.controller import Controller

class Sink:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
for _ in sys.stdin:
    print(Sink.count, flush=True)
controller.stop()
"""


def _time_sends(sends: int, smtp_port: int, figures: dict) -> None:
    if not smtp_port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            smtp_port = probe.getsockname()[1]
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(smtp_port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )

    def received() -> int:
        sink.stdin.write("?\n")
        sink.stdin.flush()
        return int(sink.stdout.readline())

    mailers = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                           "OPTIONS": {"host": "127.0.0.1", "port": smtp_port}}}  # fmt: skip
    now = timezone.now()
    try:
        assert sink.stdout.readline().strip() == "ready", "the SMTP sink did not start"
        with transaction.atomic():
            # One check-in a day before the call for each person of the pairs:
            # people where it is midday and a call on a later day, so that
            # whatever the hour of the run none waits for the end of quiet
            # hours or is dropped as on the wrong day.
            pairs = _seed(sends // 2 + 1, 1.0, now, zone=_midday_zone(now), due_in=30)
            reminders = Reminder.objects.bulk_create(
                Reminder(kind=Kind.CHECK_IN, partnership=pair, object_key="day_before", due_at=pair.next_call_at,
                         recipient_id=person.user_id, send_at=now)
                for pair in pairs
                for person in (pair.mentor, pair.protege)
            )  # fmt: skip
        warm_up, *ids = [reminder.pk for reminder in reminders][: sends + 1]
        with override_settings(MAILERS=mailers):
            # A worker loads its URLconf, templates and email classes once, at its
            # first task: that first one is not timed.
            send.reminders_send(reminder_ids=[warm_up])
            before = received()
            started = time.perf_counter()
            outcomes: Counter[str] = Counter()
            for start in range(0, len(ids), scan.SEND_BATCH):
                batch = ids[start : start + scan.SEND_BATCH]
                outcomes.update(send.reminders_send(reminder_ids=batch).counts())
            elapsed = time.perf_counter() - started
            sent = received() - before
        figures.update(sent=sent, send_seconds=round(elapsed, 3), outcomes=dict(outcomes),
                       sends_per_second=round(sent / elapsed, 1) if ids else None)  # fmt: skip
    finally:
        sink.stdin.close()
        try:
            sink.wait(timeout=30)
        except subprocess.TimeoutExpired:
            sink.kill()
            sink.wait()
        _delete_seeded()


def _delete_seeded() -> None:
    """Everything a run of this bench committed, also a crashed one's."""
    with transaction.atomic():
        programs = Program.objects.filter(slug__startswith=f"{TAG}-")
        pairs = Partnership.objects.filter(program__in=programs)
        Reminder.objects.filter(partnership__in=pairs).delete()
        SurveyResponse.objects.filter(partnership__in=pairs).delete()
        Survey.objects.filter(program__in=programs).delete()
        Agreement.objects.filter(partnership__in=pairs).delete()
        pairs.delete()
        Participant.objects.filter(program__in=programs).delete()
        # In slices: one delete of 200,000 people would bind more parameters than PostgreSQL takes.
        people = list(User.objects.filter(email__startswith=f"{TAG}-").values_list("pk", flat=True))
        for start in range(0, len(people), 5_000):
            User.objects.filter(pk__in=people[start : start + 5_000]).delete()
        programs.delete()


def benchmark(
    *, partnerships: int = 100_000, due_share: float = 0.05, sends: int = 1_000, smtp_port: int = 0
) -> dict:
    """Seeds ``partnerships`` pairs (``due_share`` of them with a call
    within a day, one in 60 with a pulse survey round due today, a fifth of
    that ended yesterday) and times one ``reminders_scan`` over them; then times one
    worker sending ``sends`` check-in reminders to an aiosmtpd sink on
    127.0.0.1 (``smtp_port`` 0 picks a free port).

    Returns ``{"partnerships", "decided", "scan_seconds", "sent",
    "send_seconds", "sends_per_second"}`` and, for information, what the
    database itself had due (``backlog_decided``, ``backlog_seconds``) and
    what became of the sends (``outcomes``). The issue's goals are scan < 2 s
    at 100,000 with 5 % due, and ≥ 200 sends per second."""
    figures: dict = {"partnerships": partnerships}
    # The sends first: after the scan's seed, rollback and VACUUM, the server
    # is still writing them out, and each commit of a send waits on that.
    _time_sends(sends, smtp_port, figures)
    _time_scan(partnerships, due_share, figures)
    return figures
