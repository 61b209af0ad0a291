"""Answering a survey at /surveys/<id>/ and through the signed link of the
email: only the person asked, once, every answer at once, and what they gave
read back to them; a closed round says so."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from surveys.models import QuestionKind, SurveyAnswer, SurveyQuestion, SurveyResponse
from surveys.selectors.asks import answer_token
from surveys.services.answers import survey_answer
from tests.reminders.surveys import a_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(world) -> SurveyResponse:
    """The protégé, asked round 1 of a four-question pulse survey a day ago."""
    survey = a_survey(world)
    return SurveyResponse.objects.create(
        survey=survey,
        partnership=world.partnership,
        respondent=world.protege,
        role=SurveyResponse.Role.PROTEGE,
        round="1",
        asked_at=timezone.now() - datetime.timedelta(days=1),
    )


def questions(response) -> dict[str, SurveyQuestion]:
    return {q.kind: q for q in SurveyQuestion.objects.filter(survey=response.survey)}


def filled(response, **changes) -> dict:
    """A full, valid submission; ``changes`` by question kind (None drops it) or field name."""
    q = questions(response)
    data = {
        f"q{q[QuestionKind.SCALE].pk}": "4",
        f"q{q[QuestionKind.NPS].pk}": "9",
        f"q{q[QuestionKind.CHOICE].pk}": "Monthly",
        f"q{q[QuestionKind.TEXT].pk}": "We meet well.",
        "shared": "on",
    }
    for key, value in changes.items():
        name = f"q{q[key].pk}" if key in q else key
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def page(response) -> str:
    return reverse("surveys:answer", args=[response.pk])


def link(response) -> str:
    return reverse("surveys:answer_link", args=[response.pk, answer_token(response)])


# --- who may open them ---


def test_anonymous_is_sent_to_sign_in(client, asked):
    response = client.get(page(asked))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("who", "status"),
    [("protege", 200), ("mentor", 404), ("admin", 404), ("outsider", 404), ("other_admin", 404)],
)
def test_only_the_respondent_reaches_the_page(client, world, asked, who, status):
    client.force_login(getattr(world, who))
    assert client.get(page(asked)).status_code == status


@pytest.mark.parametrize(
    ("who", "status"), [(None, 200), ("protege", 200), ("mentor", 403), ("admin", 403), ("outsider", 403)]
)
def test_the_link_opens_signed_out_or_for_the_respondent_and_refuses_anyone_else(
    client, world, asked, who, status
):
    if who:
        client.force_login(getattr(world, who))
    response = client.get(link(asked))
    assert response.status_code == status
    if status == 403:
        assert "This link was sent to someone else." in response.text
        assert "Sam Protégé" not in response.text


def test_a_forged_link_or_one_for_another_response_is_not_found(client, world, asked):
    assert client.get(reverse("surveys:answer_link", args=[asked.pk, "forged"])).status_code == 404
    other = SurveyResponse.objects.create(
        survey=asked.survey, partnership=world.partnership, respondent=world.mentor, role="mentor", round="1"
    )
    swapped = reverse("surveys:answer_link", args=[asked.pk, answer_token(other)])
    assert client.get(swapped).status_code == 404


# --- what the page shows ---


def test_the_page_shows_program_partner_intro_and_each_kind_of_question(client, world, asked):
    client.force_login(world.protege)
    text = client.get(page(asked)).text
    for words in (
        world.program.name,
        "About your mentoring with Morgan Mentor.",
        "Four questions about your mentoring.",
        "My mentor listens to me.",
        "Strongly disagree",
        "Neither agree nor disagree",
        "Strongly agree",
        "Not at all likely",
        "Extremely likely",
        "Every two weeks",
        "Share my written answers with the program team (without my name)",
        'maxlength="1000"',
    ):
        assert words in text
    nps = questions(asked)[QuestionKind.NPS]
    assert text.count(f'name="q{nps.pk}"') == 11


# --- answering ---


def test_answering_saves_every_answer_once_and_shows_them_back(client, world, asked):
    client.force_login(world.protege)
    response = client.post(page(asked), filled(asked))
    assert response.status_code == 303
    assert response["Location"] == page(asked)
    asked.refresh_from_db()
    assert asked.submitted_at is not None and asked.shared
    assert set(SurveyAnswer.objects.values_list("number", "choice", "text")) == {
        (4, "", ""),
        (9, "", ""),
        (None, "Monthly", ""),
        (None, "", "We meet well."),
    }
    thanks = client.get(page(asked)).text
    assert "Thank you" in thanks
    for words in ("Agree", "9", "Monthly", "We meet well.", "You shared your written answers"):
        assert words in thanks
    assert "<form" not in thanks.split("<main", 1)[1].split("</main>", 1)[0]
    again = client.post(page(asked), filled(asked, nps="0", text="Changed my mind"))
    assert again.status_code == 200
    assert SurveyAnswer.objects.count() == 4
    assert not SurveyAnswer.objects.filter(text="Changed my mind").exists()


def test_a_missing_answer_is_said_beside_its_question_and_what_was_typed_stays(client, world, asked):
    client.force_login(world.protege)
    nps = questions(asked)[QuestionKind.NPS]
    response = client.post(page(asked), filled(asked, nps=None, text="Kept text"))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert f'id="id_q{nps.pk}_error"' in response.text
    assert "Kept text" in response.text
    assert 'value="Monthly" id' in response.text and "checked" in response.text
    asked.refresh_from_db()
    assert asked.submitted_at is None
    assert not SurveyAnswer.objects.exists()


def test_an_optional_text_may_be_left_empty(client, world, asked):
    client.force_login(world.protege)
    assert client.post(page(asked), filled(asked, text="", shared=None)).status_code == 303
    assert SurveyAnswer.objects.count() == 3
    assert not SurveyResponse.objects.get(pk=asked.pk).shared


@pytest.mark.parametrize(
    "changes",
    [
        {"scale": "6"},
        {"scale": "0"},
        {"nps": "11"},
        {"nps": "-1"},
        {"nps": "nine"},
        {"choice": "Daily"},
        {"text": "x" * 2_000_000},
        {"text": "a\x00b"},
        {"scale": None, "nps": None, "choice": None},
    ],
)
def test_odd_input_is_refused_without_saving_anything(client, world, asked, changes):
    client.force_login(world.protege)
    response = client.post(page(asked), filled(asked, **changes))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert not SurveyAnswer.objects.exists()
    assert SurveyResponse.objects.get(pk=asked.pk).submitted_at is None


def test_an_empty_post_is_refused_not_an_error(client, world, asked):
    client.force_login(world.protege)
    assert client.post(page(asked), {}).status_code == 200
    assert client.post(link(asked), {"shared": ["a", "b"]}).status_code == 200


def test_a_closed_round_says_when_it_closed_and_takes_nothing(client, world, asked):
    SurveyResponse.objects.filter(pk=asked.pk).update(
        asked_at=datetime.datetime(2026, 9, 1, 12, tzinfo=datetime.UTC)
    )
    client.force_login(world.protege)
    response = client.get(page(asked))
    assert response.status_code == 410
    assert "This survey closed on Tuesday 15 September 2026" in response.text
    assert client.post(page(asked), filled(asked)).status_code == 410
    assert not SurveyAnswer.objects.exists()


def test_a_second_submission_or_a_race_saves_nothing_more(world, asked):
    qs = list(SurveyQuestion.objects.filter(survey=asked.survey))
    now = timezone.now()
    survey_answer(
        response=asked, by=world.protege, answers={qs[0].pk: 3}, shared=False, questions=qs, now=now
    )
    stale = SurveyResponse.objects.get(pk=asked.pk)
    stale.submitted_at = None  # as a second request read it, before the first committed
    with pytest.raises(ValidationError) as refused:
        survey_answer(
            response=stale, by=world.protege, answers={qs[0].pk: 5}, shared=True, questions=qs, now=now
        )
    assert refused.value.code == "answered"
    assert list(SurveyAnswer.objects.values_list("number", flat=True)) == [3]
    with pytest.raises(ValidationError) as not_yours:
        survey_answer(response=stale, by=world.mentor, answers={}, shared=False, questions=qs, now=now)
    assert not_yours.value.code == "not_yours"


# --- the signed link ---


def test_opening_the_link_saves_nothing_and_posting_it_answers_once_signed_out(client, asked):
    assert client.get(link(asked)).status_code == 200
    assert SurveyResponse.objects.get(pk=asked.pk).submitted_at is None
    response = client.post(link(asked), filled(asked))
    assert response.status_code == 200
    assert "Thank you" in response.text and "We meet well." in response.text
    assert SurveyAnswer.objects.count() == 4
    then = client.get(link(asked))
    assert then.status_code == 302
    assert then["Location"] == f"{reverse('account_login')}?next={page(asked)}"
    assert client.post(link(asked), filled(asked, text="Again")).status_code == 302
    assert SurveyAnswer.objects.count() == 4


def test_the_used_link_takes_the_signed_in_respondent_to_their_answers(client, world, asked):
    client.post(link(asked), filled(asked))
    client.force_login(world.protege)
    response = client.get(link(asked))
    assert (response.status_code, response["Location"]) == (302, page(asked))


def test_the_link_of_a_closed_round_sends_to_sign_in(client, asked):
    SurveyResponse.objects.filter(pk=asked.pk).update(asked_at=timezone.now() - datetime.timedelta(days=15))
    response = client.get(link(asked))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_someone_else_signed_in_posting_the_link_saves_nothing(client, world, asked):
    client.force_login(world.mentor)
    response = client.post(link(asked), filled(asked))
    assert response.status_code == 403
    assert not SurveyAnswer.objects.exists()


# --- queries ---

# The signed-in user, the response with its survey, program and pair, the
# questions (and, once answered, the answers), and the site header's reads.
QUERIES_OPEN = 6
QUERIES_ANSWERED = 7


def _more_questions(survey, n: int) -> None:
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=survey, position=10 + i, kind=QuestionKind.SCALE, text=f"Extra {i}")
        for i in range(n)
    )


def test_the_page_costs_the_same_queries_for_four_questions_or_twelve(
    client, world, asked, django_assert_num_queries
):
    client.force_login(world.protege)
    client.get(page(asked))  # the session and the site's first reads
    with django_assert_num_queries(QUERIES_OPEN):
        client.get(page(asked))
    _more_questions(asked.survey, 8)
    with django_assert_num_queries(QUERIES_OPEN):
        client.get(page(asked))


def test_the_answered_page_costs_the_same_queries_for_four_answers_or_twelve(
    client, world, asked, django_assert_num_queries
):
    client.force_login(world.protege)
    client.post(page(asked), filled(asked))
    client.get(page(asked))
    with django_assert_num_queries(QUERIES_ANSWERED):
        client.get(page(asked))
    other = a_survey(world)
    _more_questions(other, 8)
    bigger = SurveyResponse.objects.create(
        survey=other, partnership=world.partnership, respondent=world.protege, role="protege", round="1"
    )
    data = {f"q{q.pk}": "3" for q in SurveyQuestion.objects.filter(survey=other, kind=QuestionKind.SCALE)}
    data |= filled(bigger)
    assert client.post(page(bigger), data).status_code == 303
    with django_assert_num_queries(QUERIES_ANSWERED):
        client.get(page(bigger))
