"""A program's own profile questions, as its admins set them at /programs/<slug>/questions/."""

import pytest
from django.urls import reverse

from programs.models import Answer, Choice, Question
from programs.services.answers import answers_save
from programs.services.questions import question_create, question_retire
from tests.conftest import PROGRAM_ADMIN_ONLY

pytestmark = pytest.mark.django_db


def a_question(program, text="Where do you work?", kind="single", choices=("Remote", "Office"), **fields):
    return question_create(
        program=program,
        text=text,
        kind=kind,
        choices=list(choices) if kind in ("single", "multiple") else [],
        **fields,
    )


def posted(**fields) -> dict:
    data = {
        "text": "Which team style suits you?",
        "help_text": "",
        "kind": "single",
        "audience": "both",
        "choices": "Remote-first\nIn the office",
        "weight": "0",
        "rule": "",
    }
    data.update(fields)
    return data


def url(name, world, question=None):
    args = [world.program.slug] + ([question.pk] if question else [])
    return reverse(f"programs:{name}", args=args)


VIEWS = {
    "questions": ("get", False, None, 200),
    "question_add": ("post", False, posted(), 303),
    "question_edit": ("get", True, None, 200),
    "question_edit_post": ("post", True, posted(text="Changed"), 303),
    "question_move": ("post", True, {"direction": "down"}, 303),
    "question_retire": ("post", True, {}, 303),
}


def call(client, world, view):
    method, needs_question, data, _ok = VIEWS[view]
    question = a_question(world.program)
    a_question(world.program, text="Second")
    name = view.removesuffix("_post")
    return getattr(client, method)(url(name, world, question if needs_question else None), data)


@pytest.mark.parametrize("view", VIEWS)
def test_anonymous_is_sent_to_sign_in(client, world, view):
    response = call(client, world, view)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_see_and_change_its_questions(client, world, view, persona, status):
    client.force_login(getattr(world, persona))
    response = call(client, world, view)
    assert response.status_code == (VIEWS[view][3] if status == 200 else 404)
    if status == 404:
        assert list(Question.objects.values_list("text", "retired_at", "position")) == [
            ("Where do you work?", None, 0),
            ("Second", None, 1),
        ]


def test_a_question_of_another_program_is_404_even_to_an_admin(client, world):
    elsewhere = a_question(world.other_admin.programs_run.get())
    client.force_login(world.admin)
    for name in ("question_edit", "question_move", "question_retire"):
        response = client.post(reverse(f"programs:{name}", args=[world.program.slug, elsewhere.pk]), posted())
        assert response.status_code == 404
    assert Question.objects.get().retired_at is None


def test_the_admin_adds_a_criterion_question_and_the_list_says_how_it_counts(client, world):
    client.force_login(world.admin)
    response = client.post(url("question_add", world), posted(weight="30", rule="same", required="on"))
    assert response.status_code == 303
    question = Question.objects.get()
    assert (question.weight, question.rule, question.required) == (30, "same", True)
    assert [c.label for c in question.choices.all()] == ["Remote-first", "In the office"]
    page = client.get(url("questions", world)).content.decode()
    assert "Which team style suits you?" in page
    assert "Counts in matching: weight 30, rule “Same answer”." in page
    assert "Remote-first" in page


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"choices": ""}, "choices", "at least 2 choices"),
        ({"choices": "Only one"}, "choices", "at least 2 choices"),
        ({"choices": "Remote\nremote"}, "choices", "is there twice"),
        ({"choices": "\n".join(f"Choice {i}" for i in range(31))}, "choices", "Keep it to 30 choices"),
        ({"choices": "A\n" + "x" * 81}, "choices", "Keep each choice to 80 characters"),
        ({"weight": "101", "rule": "same"}, "weight", "from 0 to 100"),
        ({"weight": "-1", "rule": "same"}, "weight", "from 0 to 100"),
        ({"weight": "ten", "rule": "same"}, "weight", "whole number"),
        ({"weight": "20", "rule": ""}, "rule", "Choose a rule"),
        # A criterion asked of one side only had nothing to compare: every pair scored 0 on it.
        ({"weight": "20", "rule": "same", "audience": "proteges"}, "audience", "ask it of both"),
        ({"weight": "20", "rule": "same", "audience": "mentors"}, "audience", "ask it of both"),
        ({"kind": "text", "choices": "", "rule": "same"}, "rule", "Only a question with choices"),
        ({"kind": "scale", "choices": "A\nB"}, "choices", "empty this box"),
        ({"text": "x" * 201}, "text", "Keep it to 200 characters"),
        ({"text": ""}, "text", "required"),
        ({"kind": "nonsense"}, "kind", "Choose one of the options shown"),
        ({"rule": "nonsense"}, "rule", "Choose one of the options shown"),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_kept_as_typed(client, world, fields, field, words):
    client.force_login(world.admin)
    response = client.post(url("question_add", world), posted(**fields))
    assert response.status_code == 200
    form = response.context["form"]
    assert words in " ".join(form.errors[field]), form.errors
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert not Question.objects.exists() and not Choice.objects.exists()
    if fields.get("text"):
        assert fields["text"][:50] in page


def test_removing_an_answered_choice_retires_it_and_the_answer_stays_readable(client, world):
    question = a_question(world.program, choices=("Remote", "Office", "Hybrid"))
    remote, _office, hybrid = question.choices.all()
    protege = world.partnership.protege
    answers_save(participant=protege, cleaned={question.pk: remote.pk})
    client.force_login(world.admin)
    response = client.post(
        url("question_edit", world, question), posted(text="Where do you work?", choices="Office\nOn site")
    )
    assert response.status_code == 303
    remote.refresh_from_db()
    assert remote.retired_at is not None  # chosen: kept, retired
    assert not Choice.objects.filter(pk=hybrid.pk).exists()  # nobody chose it: gone
    assert [c.label for c in question.choices.filter(retired_at=None)] == ["Office", "On site"]
    assert list(Answer.objects.get().choices.all()) == [remote]
    page = client.get(url("questions", world)).content.decode()
    assert "retired" in page
    detail = client.get(reverse("partnerships:participant_detail", args=[world.program.slug, protege.pk]))
    assert "Remote" in detail.content.decode()


def test_a_retired_choice_comes_back_when_its_line_is_typed_again(client, world):
    question = a_question(world.program)
    remote = question.choices.get(label="Remote")
    answers_save(participant=world.partnership.protege, cleaned={question.pk: remote.pk})
    client.force_login(world.admin)
    client.post(url("question_edit", world, question), posted(text="Q", choices="Office\nHybrid"))
    client.post(url("question_edit", world, question), posted(text="Q", choices="remote\nOffice\nHybrid"))
    remote.refresh_from_db()
    assert (remote.retired_at, remote.label, remote.position) == (None, "remote", 0)
    assert question.choices.count() == 3


def test_the_kind_of_an_answered_question_cannot_change(client, world):
    question = a_question(world.program)
    answers_save(participant=world.partnership.protege, cleaned={question.pk: question.choices.first().pk})
    client.force_login(world.admin)
    response = client.post(url("question_edit", world, question), posted(kind="multiple", text="New words"))
    assert response.status_code == 200
    assert "its kind of answer stays as it is" in " ".join(response.context["form"].errors["kind"])
    question.refresh_from_db()
    assert (question.kind, question.text) == ("single", "Where do you work?")  # nothing half-saved


def test_an_unanswered_question_may_change_kind(client, world):
    question = a_question(world.program)
    client.force_login(world.admin)
    response = client.post(url("question_edit", world, question), posted(kind="text", choices=""))
    assert response.status_code == 303
    question.refresh_from_db()
    assert question.kind == "text"


def test_questions_move_up_and_down(client, world):
    first, _second, third = (a_question(world.program, text=t) for t in ("One", "Two", "Three"))
    client.force_login(world.admin)
    client.post(url("question_move", world, third), {"direction": "up"})
    client.post(url("question_move", world, first), {"direction": "down"})
    assert list(Question.objects.filter(program=world.program).values_list("text", flat=True)) == [
        "Three",
        "One",
        "Two",
    ]
    response = client.post(url("question_move", world, third), {"direction": "up"}, follow=True)
    assert "first already" in response.content.decode()


def test_retiring_keeps_the_answers_and_stops_asking(client, world):
    question = a_question(world.program, kind="text")
    answers_save(participant=world.partnership.protege, cleaned={question.pk: "Remote, mostly"})
    client.force_login(world.admin)
    client.post(url("question_retire", world, question))
    question.refresh_from_db()
    assert question.retired_at is not None
    assert Answer.objects.get().text == "Remote, mostly"
    page = client.get(url("questions", world)).content.decode()
    assert "Retired questions" in page
    assert client.get(url("question_edit", world, question)).status_code == 404


def test_a_choice_question_with_retired_choices_holds_at_most_thirty_in_all(client, world):
    question = a_question(world.program, choices=[f"C{i}" for i in range(30)])
    protege = world.partnership.protege
    answers_save(participant=protege, cleaned={question.pk: question.choices.get(label="C0").pk})
    client.force_login(world.admin)
    lines = "\n".join([f"C{i}" for i in range(1, 30)] + ["New"])
    response = client.post(url("question_edit", world, question), posted(choices=lines))
    assert response.status_code == 200
    assert "at most 30 choices" in " ".join(response.context["form"].errors["choices"])
    assert question.choices.filter(retired_at=None).count() == 30  # nothing half-saved


def test_the_list_runs_the_same_queries_at_any_size(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.admin)
    counts = []
    for size in (1, 4):
        for i in range(size):
            question = a_question(world.program, text=f"Q{size}-{i}", weight=10, rule="overlap")
            answers_save(
                participant=world.partnership.protege, cleaned={question.pk: question.choices.first().pk}
            )
            a_question(world.program, text=f"T{size}-{i}", kind="text", choices=())
            question_retire(question=a_question(world.program, text=f"R{size}-{i}"))
        client.get(url("questions", world))  # the session and the user read once
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("questions", world)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_participant_page_shows_their_answers_in_the_same_queries_at_any_size(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    protege = world.partnership.protege
    page = reverse("partnerships:participant_detail", args=[world.program.slug, protege.pk])
    client.force_login(world.admin)
    counts = []
    for size in (1, 3):
        cleaned = {}
        for i in range(size):
            single = a_question(world.program, text=f"Single {size}-{i}")
            several = a_question(world.program, text=f"Several {size}-{i}", kind="multiple")
            scale = a_question(world.program, text=f"Scale {size}-{i}", kind="scale", choices=())
            text = a_question(world.program, text=f"Text {size}-{i}", kind="text", choices=())
            cleaned |= {
                single.pk: single.choices.first().pk,
                several.pk: [c.pk for c in several.choices.all()],
                scale.pk: 4,
                text.pk: "Mostly remote",
            }
        answers_save(participant=protege, cleaned=cleaned)
        client.get(page)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    html = response.content.decode()
    assert "Remote, Office" in html
    assert "4 on a scale of 1 to 5" in html
    assert "Mostly remote" in html


def test_the_edit_page_runs_the_same_queries_at_any_size(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.admin)
    counts = []
    for size in (2, 12):
        question = a_question(world.program, text=f"Q{size}", choices=[f"C{i}" for i in range(size)])
        for person in (world.partnership.protege, world.partnership.mentor):
            answers_save(participant=person, cleaned={question.pk: question.choices.first().pk})
        client.get(url("question_edit", world, question))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url("question_edit", world, question)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts


def test_the_service_refuses_a_one_sided_criterion_for_any_caller(world):
    from django.core.exceptions import ValidationError

    from programs.services.questions import question_create

    with pytest.raises(ValidationError) as refused:
        question_create(
            program=world.program,
            text="Team?",
            kind="single",
            audience="proteges",
            weight=10,
            rule="same",
            choices=["A", "B"],
        )
    assert "audience" in refused.value.message_dict
    assert not Question.objects.exists()
