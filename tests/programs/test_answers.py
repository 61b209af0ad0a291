"""People answer their program's own questions: at sign-up from an invitation
and on their profile, through one form builder (programs.question_forms)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs.models import Answer, Participant
from programs.question_forms import AnswersForm
from programs.selectors.questions import answers_of, questions_for
from programs.services.answers import answers_save
from programs.services.questions import question_create, question_retire, question_update
from tests.factories import ParticipantFactory, ProgramFactory
from tests.programs.test_invitation_sign_up import SIGNUP, accept_url, sign_up
from tests.programs.test_invitations import invite

pytestmark = pytest.mark.django_db

PROFILE = reverse("home:profile")


def questions(program, audience="both"):
    """One question of each kind, in this order: single (required), several, scale, text."""
    return [
        question_create(
            program=program, text="Team style?", kind="single", choices=["Remote", "Office"],
            required=True, audience=audience, weight=20, rule="same",
        ),
        question_create(
            program=program, text="Languages?", kind="multiple", choices=["Python", "Go", "Rust"],
            audience=audience,
        ),
        question_create(program=program, text="How confident?", kind="scale", audience=audience),
        question_create(program=program, text="Dream role?", kind="text", audience=audience),
    ]  # fmt: skip


def field(q):
    return f"question_{q.pk}"


# --- The form ---------------------------------------------------------------------


def test_the_form_asks_each_kind_in_its_own_way(world):
    single, several, scale, text = questions(world.program)
    html = AnswersForm(questions_for(world.program, "protege")).render()
    assert html.count(f'type="radio" name="{field(single)}"') == 2
    assert html.count(f'type="checkbox" name="{field(several)}"') == 3
    assert html.count(f'type="radio" name="{field(scale)}"') == 5
    assert re.search(rf'<input type="text" name="{field(text)}"[^>]*maxlength="200"', html)
    assert "<legend>Team style?</legend>" in html


def test_questions_are_asked_of_their_audience_only(world):
    question_create(program=world.program, text="For mentors", kind="text", audience="mentors")
    question_create(program=world.program, text="For protégés", kind="text", audience="proteges")
    retired = question_create(program=world.program, text="Retired", kind="text")
    question_retire(question=retired)
    assert [q.text for q in questions_for(world.program, "mentor")] == ["For mentors"]
    assert [q.text for q in questions_for(world.program, "protege")] == ["For protégés"]


def test_a_retired_choice_shows_only_to_whoever_chose_it_and_cannot_be_newly_chosen(world):
    single, *_ = questions(world.program)
    remote = single.choices.get(label="Remote")
    chooser, other = world.partnership.protege, world.partnership.mentor
    answers_save(participant=chooser, cleaned={single.pk: remote.pk})
    question_update(
        question=single, text=single.text, kind="single", choices=["Office", "Hybrid"], required=True
    )
    asked = questions_for(world.program, "protege")
    mine = AnswersForm(asked, participant=chooser).render()
    assert "Remote (retired)" in mine and "checked" in mine
    theirs = AnswersForm(questions_for(world.program, "mentor"), participant=other).render()
    assert "Remote" not in theirs
    crafted = AnswersForm(questions_for(world.program, "mentor"), data={field(single): str(remote.pk)})
    assert not crafted.is_valid()
    assert crafted.errors[field(single)] == ["Choose one of the options shown."]
    with pytest.raises(ValidationError):
        answers_save(participant=other, cleaned={single.pk: remote.pk})
    kept = AnswersForm(asked, participant=chooser, data={field(single): str(remote.pk)})
    assert kept.is_valid(), kept.errors


def test_required_questions_say_what_to_do_and_text_is_bounded(world):
    single, _several, _scale, text = questions(world.program)
    form = AnswersForm(questions_for(world.program, "protege"), data={field(text): "x" * 201})
    assert not form.is_valid()
    assert form.errors[field(single)] == ["Choose an answer."]
    assert form.errors[field(text)] == ["Keep it to 200 characters or fewer; this is 201."]
    form = AnswersForm(
        questions_for(world.program, "protege"), data={field(single): "1", field(text): "a\u202eb"}
    )
    assert not form.is_valid() and field(text) in form.errors


def test_the_service_refuses_what_the_form_never_offers_and_saves_nothing(world):
    single, several, scale, _text = questions(world.program)
    protege = world.partnership.protege
    other = ProgramFactory()
    alien = question_create(program=other, text="Elsewhere", kind="single", choices=["A", "B"])
    for cleaned in (
        {single.pk: [c.pk for c in single.choices.all()]},
        {several.pk: [alien.choices.first().pk]},
        {scale.pk: 6},
    ):
        with pytest.raises(ValidationError):
            answers_save(participant=protege, cleaned={single.pk: single.choices.first().pk} | cleaned)
    assert not Answer.objects.exists()
    answers_save(participant=protege, cleaned={alien.pk: alien.choices.first().pk})  # not asked: left out
    assert not Answer.objects.exists()


def test_answers_of_reads_any_number_of_people_in_two_queries(world, django_assert_num_queries):
    single, several, *_ = questions(world.program)
    people = [ParticipantFactory(program=world.program) for _ in range(4)]
    for person in people:
        answers_save(
            participant=person,
            cleaned={single.pk: single.choices.first().pk, several.pk: [c.pk for c in several.choices.all()]},
        )
    with django_assert_num_queries(2):
        found = answers_of(people)
    assert {len(found[p.pk]) for p in people} == {2}
    assert [c.label for c in found[people[0].pk][several.pk].choices.all()] == ["Python", "Go", "Rust"]


# --- On the profile ---------------------------------------------------------------


def test_the_profile_has_a_section_of_the_programs_questions_that_saves_on_its_own(client, world):
    single, several, scale, text = questions(world.program)
    client.force_login(world.protege)
    page = client.get(PROFILE).content.decode()
    section = f"questions-{world.program.slug}"
    assert f'id="{section}"' in page
    assert f"Questions from {world.program.name}" in page
    prefix = f"q{world.partnership.protege.pk}-"
    data = {
        "form": f"q{world.partnership.protege.pk}",
        "section": [section, "account"],
        prefix + field(single): str(single.choices.get(label="Office").pk),
        prefix + field(several): [str(c.pk) for c in several.choices.all()[:2]],
        prefix + field(scale): "4",
        prefix + field(text): "Staff engineer",
        "display_name": world.protege.display_name,
        "time_zone": world.protege.time_zone,
        "language": world.protege.language,
    }
    response = client.post(PROFILE, data)
    assert response.status_code == 302 and response["Location"].endswith(f"#{section}")
    answers = answers_of([world.partnership.protege])[world.partnership.protege.pk]
    assert [c.label for c in answers[single.pk].choices.all()] == ["Office"]
    assert [c.label for c in answers[several.pk].choices.all()] == ["Python", "Go"]
    assert (answers[scale.pk].value, answers[text.pk].text) == (4, "Staff engineer")
    page = client.get(PROFILE).content.decode()
    assert "Your answers to" in page and "are saved" in page
    # Changed there: one answer taken away, another changed.
    data[prefix + field(several)] = []
    data[prefix + field(scale)] = "2"
    client.post(PROFILE, data)
    answers = answers_of([world.partnership.protege])[world.partnership.protege.pk]
    assert several.pk not in answers and answers[scale.pk].value == 2


def test_a_refused_section_keeps_what_was_typed_and_saves_nothing(client, world):
    single, _several, _scale, text = questions(world.program)
    client.force_login(world.protege)
    prefix = f"q{world.partnership.protege.pk}-"
    response = client.post(
        PROFILE,
        {
            "form": f"q{world.partnership.protege.pk}",
            "section": [f"questions-{world.program.slug}"],
            prefix + field(text): "Kept as typed",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose an answer." in html and 'value="Kept as typed"' in html
    assert f'id="id_{prefix}{field(single)}_error"' in html
    assert not Answer.objects.exists()


def test_typing_in_the_questions_survives_saving_another_section(client, world):
    _single, _several, _scale, text = questions(world.program)
    client.force_login(world.protege)
    prefix = f"q{world.partnership.protege.pk}-"
    response = client.post(
        PROFILE,
        {
            "form": "account",
            "section": ["account", f"questions-{world.program.slug}"],
            "display_name": "Sam P.",
            "time_zone": "UTC",
            "language": "en-gb",
            prefix + field(text): "Typed, not saved",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Typed, not saved"' in html and "not saved yet" in html
    assert not Answer.objects.exists()


def test_no_questions_no_section(client, world):
    question_create(program=world.program, text="Only for mentors", kind="text", audience="mentors")
    client.force_login(world.protege)
    assert "Questions from" not in client.get(PROFILE).content.decode()


def test_the_profile_runs_the_same_queries_at_two_sizes(client, world):
    client.force_login(world.protege)
    counts = []
    for size in (1, 3):
        for _ in range(size):
            program = ProgramFactory()
            person = ParticipantFactory(program=program, user=world.protege, role="protege")
            asked = questions(program)
            answers_save(participant=person, cleaned={asked[0].pk: asked[0].choices.first().pk})
        client.get(PROFILE)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PROFILE).status_code == 200
        counts.append(len(captured))
    # The profile's program sections read one topic list per program (3 more programs
    # here); the questions and answers of every program are read in four queries.
    assert counts[1] - counts[0] == 3, counts


# --- At sign-up -------------------------------------------------------------------


def test_signing_up_asks_the_questions_for_the_invited_role_and_saves_the_answers(
    client, world, django_capture_on_commit_callbacks
):
    single, several, scale, text = questions(world.program)
    question_create(program=world.program, text="Mentors only", kind="text", audience="mentors")
    _invitation, token = invite(world, django_capture_on_commit_callbacks, role="protege")
    client.get(accept_url(token))
    page = client.get(SIGNUP).content.decode()
    assert "Team style?" in page and "Dream role?" in page and "Mentors only" not in page
    response = sign_up(client, **{field(text): "Kept", field(scale): "9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose an answer." in html and 'value="Kept"' in html
    assert not Participant.objects.filter(user__email="new.person@example.org").exists()
    response = sign_up(
        client,
        **{
            field(single): str(single.choices.get(label="Remote").pk),
            field(several): [str(c.pk) for c in several.choices.all()],
            field(scale): "5",
            field(text): "Engineering manager",
        },
    )
    assert response.status_code == 302
    participant = Participant.objects.get(user__email="new.person@example.org")
    answers = answers_of([participant])[participant.pk]
    assert [c.label for c in answers[single.pk].choices.all()] == ["Remote"]
    assert len(answers[several.pk].choices.all()) == 3
    assert (answers[scale.pk].value, answers[text.pk].text) == (5, "Engineering manager")


def test_a_mentor_is_asked_the_mentors_questions(client, world, django_capture_on_commit_callbacks):
    question_create(
        program=world.program, text="Mentors only", kind="text", audience="mentors", required=True
    )
    _invitation, token = invite(world, django_capture_on_commit_callbacks, role="mentor")
    client.get(accept_url(token))
    assert "Mentors only" in client.get(SIGNUP).content.decode()
    assert sign_up(client).status_code == 200  # required
    assert not Participant.objects.filter(user__email="new.person@example.org").exists()


def test_saved_answers_show_as_saved_when_another_part_comes_back_unsaved(client, world):
    single, *_ = questions(world.program)
    protege = world.partnership.protege
    answers_save(participant=protege, cleaned={single.pk: single.choices.get(label="Remote").pk})
    office = single.choices.get(label="Office")
    client.force_login(world.protege)
    response = client.post(
        PROFILE,
        {
            "form": f"q{protege.pk}",
            "section": [f"questions-{world.program.slug}", "account"],
            f"q{protege.pk}-{field(single)}": str(office.pk),
            "display_name": "Typed, not saved",
            "time_zone": world.protege.time_zone,
            "language": world.protege.language,
        },
    )
    assert response.status_code == 200  # the account part is kept as typed
    html = response.content.decode()
    assert re.search(rf'<input type="radio"[^>]*value="{office.pk}"[^>]*checked', html)
