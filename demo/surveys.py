"""The demo program's surveys for ``seed_demo``: a monthly pulse (28 days
after a pair starts, then every 30: the demo pair's latest round was asked
yesterday, so it waits on their homes) and a closing survey with a net promoter
question, with the rounds the reminder worker would have sent up to yesterday,
as if it had been running all along.

Three pairs finished before the demo's today (two completed ahead of plan, one
ended early), so the closing survey has answers. The other pairs answered
most rounds a day after they were asked, so the outcome report shows an NPS
and each scale question's mean; one written answer is shared with the program
team and one is not. The demo mentor and protégé's own pair answered nothing:
its rounds wait for them. Each round asked is a sent ledger row
(``reminders.rules.surveys``: at 10:00 on the person's clock on the round's
day), and so is the one reminder to those who had not answered five days on.

Dated by the story (``demo.story``). Idempotent: the surveys are found by their
title, the finished pairs by their protégé, and rounds are written only for a
survey without responses yet."""

import datetime
import random

from mentoring.time_zones import zone_of
from partnerships.models import Partnership
from programs.models import Audience, Program
from reminders.models import Kind, Reminder
from reminders.rules.common import day_key
from reminders.timing import at_local
from surveys.models import (
    ANSWER_DAYS,
    CLOSING_ROUND,
    REMIND_AFTER_DAYS,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyKind,
    SurveyQuestion,
    SurveyResponse,
)

from .pairs import match_pair
from .story import ENGAGEMENT, Story, at

ASK_AT = datetime.time(10)
EARLIEST_ZONE = datetime.timezone(
    datetime.timedelta(hours=14)
)  # where a day begins first  # when a round reaches each person, on their clock
SENT_AFTER = datetime.timedelta(seconds=3)
DEMO_EMAILS = {"mentor@example.com", "protege@example.com"}

# (title, kind, days after the start, then every (days), intro, questions [(kind, text)])
SURVEYS = [
    (
        "Monthly pulse",
        SurveyKind.PULSE,
        28,
        30,
        "Two minutes, once a month: how your partnership is going.",
        [
            (QuestionKind.SCALE, "Our calls are worth the time we give them"),
            (QuestionKind.SCALE, "I am making progress on what I came for"),
            (QuestionKind.TEXT, "Anything the program team should know?"),
        ],
    ),
    (
        "Closing survey",
        SurveyKind.CLOSING,
        None,
        None,
        "Your partnership has ended: what did the program give you?",
        [
            (QuestionKind.NPS, "How likely are you to recommend this program to a colleague?"),
            (QuestionKind.SCALE, "The program met my expectations"),
            (QuestionKind.TEXT, "What was the most valuable part?"),
        ],
    ),
]

# Pairs that finished before today: protégé, mentor, days since they started,
# days since they finished, status, the reason given when ended early.
FINISHED_PAIRS = [
    ("Oscar Lindqvist", "Daniel Weiss", 110, 15, Partnership.Status.COMPLETED, ""),
    ("Fatima Zahra", "Isabel Costa", 104, 22, Partnership.Status.COMPLETED, ""),
    ("Ravi Iyer", "Priya Raman", 98, 40, Partnership.Status.ENDED, "Moved to a role without reports"),
]

# The only written answers: (protégé of the pair, round, role, text, shared with the program team).
WRITTEN = [
    ("Sam Patel", "2", "protege", "More examples from other teams in the program would help.", True),
    (
        "Oscar Lindqvist",
        CLOSING_ROUND,
        "protege",
        "Practising the hard conversation before having it.",
        False,
    ),
]
# People who never answer: their rounds are reminded once, then close.
SILENT = {"Marcus Chen", "Ravi Iyer"}


def _finished_pairs(program: Program, story: Story) -> list[Partnership]:
    """The three pairs that finished, matched once and dated by the story."""
    people = {p.user.display_name: p for p in program.participants.select_related("user")}
    admin = program.admins.order_by("pk").first()
    pairs = []
    for protege, mentor, started_ago, ended_ago, status, reason in FINISHED_PAIRS:
        pair = Partnership.objects.filter(program=program, protege=people[protege], status=status).first()
        if pair is None:
            started = story.today - datetime.timedelta(days=started_ago)
            pair = match_pair(program, people[protege], people[mentor], admin, matched_on=started)
            Partnership.objects.filter(pk=pair.pk).update(
                status=status,
                created_at=at(started - datetime.timedelta(weeks=1), datetime.time(11)),
                ended_at=at(story.today - datetime.timedelta(days=ended_ago), datetime.time(15)),
                ended_by=people[mentor].user,
                ended_reason=reason,
                planned_end_on=started + ENGAGEMENT,
            )
            pair.refresh_from_db()
        pairs.append(pair)
    return pairs


def _survey(program: Program, spec, opened_on: datetime.date) -> Survey:
    title, kind, first, every, intro, questions = spec
    survey, created = Survey.objects.get_or_create(
        program=program,
        title=title,
        defaults={
            "kind": kind,
            "audience": Audience.BOTH,
            "first_after_days": first,
            "every_days": every,
            "intro": intro,
            "opened_on": opened_on,
            "created_by": program.admins.order_by("pk").first(),
            "created_at": at(opened_on - datetime.timedelta(days=7), datetime.time(9)),
        },
    )
    if created:
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(survey=survey, position=i, kind=k, text=text, required=k != QuestionKind.TEXT)
            for i, (k, text) in enumerate(questions)
        )
    return survey


def _rounds(survey: Survey, pair: Partnership, story: Story) -> list[tuple[str, datetime.date]]:
    """(round, day) of each round the worker sent this pair before today, or decided for today."""
    if not survey.is_pulse:
        if pair.ended_at is None:
            return []
        return [(CLOSING_ROUND, pair.ended_at.astimezone(datetime.UTC).date() + datetime.timedelta(days=1))]
    # An ongoing pair's round of today is decided already (reminders.rules.surveys:
    # once the day has begun in the earliest zone), and sent at 10:00 on each clock.
    last = story.today + datetime.timedelta(days=1) if pair.ended_at is None else pair.ended_at.date()
    rounds, number = [], 1
    while (day := survey.round_day(pair.started_on, str(number))) is not None and day < last:
        rounds.append((str(number), day))
        number += 1
    return rounds


def _ledger(
    pair,
    survey,
    key: str,
    due: datetime.date,
    person,
    send_at,
    *,
    decided_at: datetime.datetime | None = None,
) -> Reminder:
    """A survey email of the ledger: sent at ``send_at``, or, given the moment
    the scan ``decided_at`` it, waiting for ``send_at`` later today."""
    if decided_at is not None:
        return Reminder(
            kind=Kind.SURVEY,
            partnership=pair,
            object_key=f"survey-{survey.pk}-{key}",
            due_at=day_key(due),
            recipient=person,
            send_at=send_at,
            created_at=decided_at,
        )
    return Reminder(
        kind=Kind.SURVEY,
        partnership=pair,
        object_key=f"survey-{survey.pk}-{key}",  # reminders.rules.surveys.round_key
        due_at=day_key(due),
        recipient=person,
        send_at=send_at,
        state=Reminder.State.SENT,
        attempts=1,
        enqueued_at=send_at,
        sent_at=send_at + SENT_AFTER,
        created_at=send_at,
    )


def _number(rng: random.Random, kind: str, name: str) -> int:
    """A fond answer, a little lower from the pair that ended early."""
    low = name in {"Ravi Iyer", "Priya Raman"}
    if kind == QuestionKind.NPS:
        return rng.choice([3, 5, 6] if low else [7, 8, 9, 9, 10, 10])
    return rng.choice([2, 3] if low else [3, 4, 4, 5, 5])


def _answer_rounds(surveys: list[Survey], pairs: list[Partnership], story: Story) -> None:
    midnight = datetime.datetime.combine(story.today, datetime.time(0), tzinfo=datetime.UTC)
    written = {(protege, round_, role): (text, shared) for protege, round_, role, text, shared in WRITTEN}
    ledger: list[Reminder] = []
    for survey in surveys:
        questions = list(survey.questions.all())
        for pair in pairs:
            demo = {pair.mentor.user.email, pair.protege.user.email} == DEMO_EMAILS
            for round_, day in _rounds(survey, pair, story):
                for role, person in (("mentor", pair.mentor.user), ("protege", pair.protege.user)):
                    tz = zone_of(person)
                    local_day = day
                    if (
                        round_ == CLOSING_ROUND and pair.ended_at is not None
                    ):  # the day after, on their calendar
                        local_day = pair.ended_at.astimezone(tz).date() + datetime.timedelta(days=1)
                    asked = at_local(local_day, ASK_AT, tz)
                    if asked >= midnight:  # decided at 00:00 in UTC+14, waiting for 10:00 on their clock
                        if round_ != CLOSING_ROUND and day == story.today:
                            decided = datetime.datetime.combine(day, datetime.time(0), tzinfo=EARLIEST_ZONE)
                            ledger.append(
                                _ledger(pair, survey, round_, day, person, asked, decided_at=decided)
                            )
                        continue
                    ledger.append(_ledger(pair, survey, round_, day, person, asked))
                    submitted = asked + datetime.timedelta(days=1, hours=7)
                    answers = not demo and person.display_name not in SILENT and submitted < midnight
                    text, shared = written.get((pair.protege.user.display_name, round_, role), ("", False))
                    response = SurveyResponse.objects.create(
                        survey=survey,
                        partnership=pair,
                        respondent=person,
                        role=role,
                        round=round_,
                        asked_at=asked,
                        submitted_at=submitted if answers else None,
                        shared=shared,
                    )
                    if answers:
                        rng = random.Random(f"{survey.title}-{person.email}-{round_}")
                        SurveyAnswer.objects.bulk_create(
                            SurveyAnswer(response=response, question=q, text=text)
                            if q.kind == QuestionKind.TEXT
                            else SurveyAnswer(
                                response=response,
                                question=q,
                                number=_number(rng, q.kind, person.display_name),
                            )
                            for q in questions
                            if q.kind != QuestionKind.TEXT or text
                        )
                        continue
                    # One reminder five days on, while the round is open, once the scan has
                    # decided it (reminders.rules.surveys.survey_again: from four days after
                    # the ask); sent if its 10:00 has passed, else waiting for it.
                    remind_day = asked.astimezone(tz).date() + datetime.timedelta(days=REMIND_AFTER_DAYS)
                    again = at_local(remind_day, ASK_AT, tz)
                    decided = asked + datetime.timedelta(days=REMIND_AFTER_DAYS - 1)
                    if again < asked + datetime.timedelta(days=ANSWER_DAYS) and decided <= midnight:
                        waiting = {} if again < midnight else {"decided_at": decided}
                        ledger.append(
                            _ledger(pair, survey, f"{round_}-again", remind_day, person, again, **waiting)
                        )
    Reminder.objects.bulk_create(ledger, ignore_conflicts=True)


def seed_surveys(*, program: Program, story: Story) -> list[Survey]:
    """The demo program's pulse and closing surveys, the pairs that finished,
    and every round sent before today with its answers. Idempotent."""
    finished = _finished_pairs(program, story)
    surveys = [_survey(program, spec, story.program_starts_on) for spec in SURVEYS]
    if SurveyResponse.objects.filter(survey__in=surveys).exists():
        return surveys
    pairs = list(
        Partnership.objects.with_people()
        .filter(program=program, status=Partnership.Status.ACTIVE, started_on__isnull=False)
        .order_by("pk")
    )
    _answer_rounds(surveys, [*pairs, *finished], story)
    return surveys
