"""Choice answers join the program's CSV report: a column per current choice
question and side of the pair it is asked of; short text stays out."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.services.answers import answers_save
from programs.services.questions import question_create, question_retire
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


def report(client, world) -> tuple[str, list[dict]]:
    body = b"".join(
        client.get(reverse("health:program_report", args=[world.program.slug])).streaming_content
    ).decode("utf-8")
    return body, list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def test_choice_answers_join_the_report_and_short_text_stays_out(client, world):
    style = question_create(
        program=world.program, text="Team style?", kind="single", choices=["=HYPERLINK(1)", "Office"]
    )
    languages = question_create(
        program=world.program,
        text="Languages?",
        kind="multiple",
        choices=["Python", "Go"],
        audience="proteges",
    )
    secret = question_create(program=world.program, text="Dream role?", kind="text")
    retired = question_create(program=world.program, text="Gone?", kind="single", choices=["A", "B"])
    question_retire(question=retired)
    pair = world.partnership
    answers_save(
        participant=pair.protege,
        cleaned={
            style.pk: style.choices.get(label="=HYPERLINK(1)").pk,
            languages.pk: [c.pk for c in languages.choices.all()],
            secret.pk: "SECRET-text-answer",
        },
    )
    answers_save(participant=pair.mentor, cleaned={style.pk: style.choices.get(label="Office").pk})
    client.force_login(world.admin)
    body, rows = report(client, world)
    assert body.startswith("\ufeffpartnership_id,")
    header = body.split("\r\n")[0]
    assert header.endswith(",health_reason,protege: Team style?,mentor: Team style?,protege: Languages?")
    assert "SECRET-text-answer" not in body and "Dream role?" not in body and "Gone?" not in body
    (row,) = rows
    assert row["protege: Team style?"] == "'=HYPERLINK(1)"  # never read as a formula
    assert row["mentor: Team style?"] == "Office"
    assert row["protege: Languages?"] == "Python; Go"


def test_without_choice_questions_the_report_keeps_its_columns(client, world):
    question_create(program=world.program, text="Dream role?", kind="text")
    client.force_login(world.admin)
    body, _rows = report(client, world)
    assert body.split("\r\n")[0].endswith(",health,health_reason")


def test_the_report_with_answers_runs_the_same_queries_at_two_sizes(client, world):
    style = question_create(program=world.program, text="Style?", kind="multiple", choices=["A", "B", "C"])
    client.force_login(world.admin)
    counts = []
    for size in (1, 4):
        for _ in range(size):
            pair = PartnershipFactory(program=world.program)
            for person in (pair.mentor, pair.protege):
                answers_save(participant=person, cleaned={style.pk: [c.pk for c in style.choices.all()]})
        with CaptureQueriesContext(connection) as captured:
            _body, rows = report(client, world)
        counts.append(len(captured))
    assert len(rows) == 1 + 1 + 4
    assert {r["mentor: Style?"] for r in rows} == {"A; B; C", ""}
    assert counts[0] == counts[1], counts
