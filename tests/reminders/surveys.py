"""What the survey tests share: a survey of the world's program with a question
of each kind, the reminders of a round as the ledger holds them, and a scan
with the sending of what it made due."""

import datetime

from reminders.models import Kind, Reminder
from reminders.services.scan import reminders_scan
from reminders.services.send import reminders_send
from surveys.models import QuestionKind, Survey, SurveyKind, SurveyQuestion


def a_survey(world, *, kind=SurveyKind.PULSE, **fields) -> Survey:
    """A survey of the world's program, open since 1 September 2026, with four
    questions (a scale, an NPS, a choice and an optional text); a pulse 30
    days after the match and every 30 days, unless ``fields`` say otherwise."""
    values = {
        "program": world.program,
        "title": "How is it going?",
        "kind": kind,
        "opened_on": datetime.date(2026, 9, 1),
        "intro": "Four questions about your mentoring.",
    }
    if kind == SurveyKind.PULSE:
        values |= {"first_after_days": 30, "every_days": 30}
    survey = Survey.objects.create(**(values | fields))
    SurveyQuestion.objects.bulk_create(
        [
            SurveyQuestion(
                survey=survey, position=1, kind=QuestionKind.SCALE, text="My mentor listens to me."
            ),
            SurveyQuestion(
                survey=survey, position=2, kind=QuestionKind.NPS, text="How likely are you to recommend it?"
            ),
            SurveyQuestion(
                survey=survey,
                position=3,
                kind=QuestionKind.CHOICE,
                text="How often do you meet?",
                choices="Weekly\nEvery two weeks\nMonthly",
            ),
            SurveyQuestion(
                survey=survey, position=4, kind=QuestionKind.TEXT, text="Anything to add?", required=False
            ),
        ]
    )
    return survey


def scan_and_send(now: datetime.datetime) -> None:
    """What beat and the workers do at ``now``: a scan, and sending the survey emails it made due."""
    reminders_scan(now=now)
    due = Reminder.objects.filter(kind=Kind.SURVEY, state=Reminder.State.PENDING, send_at__lte=now)
    ids = list(due.values_list("pk", flat=True))
    if ids:
        reminders_send(reminder_ids=ids, now=now)
