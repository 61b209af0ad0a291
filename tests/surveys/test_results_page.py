"""A survey's results for its program's admins (issue 21): aggregates only,
nothing under five answers (the steps of five are in test_published), net promoter score as computed by hand, text
answers only when shared and never in the order they came, and the same
queries at any size."""

import datetime

import pytest
from django.urls import reverse

from surveys.models import QuestionKind, Survey, SurveyAnswer, SurveyKind, SurveyQuestion, SurveyResponse
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 10, 12, 0, tzinfo=datetime.UTC)
FLOOR_NOTE = "Fewer than 5 answers so far: results show from 5, so no one can be singled out."


@pytest.fixture
def closing(world) -> Survey:
    survey = Survey.objects.create(program=world.program, title="Closing survey", kind=SurveyKind.CLOSING)
    rows = [
        (QuestionKind.NPS, "Recommend?", ""),
        (QuestionKind.SCALE, "Met my expectations", ""),
        (QuestionKind.CHOICE, "Again?", "Yes, as a mentor\nYes, as a protégé\nNot now"),
        (QuestionKind.TEXT, "Most valuable part?", ""),
    ]
    for position, (kind, text, choices) in enumerate(rows, start=1):
        SurveyQuestion.objects.create(survey=survey, position=position, kind=kind, text=text, choices=choices)
    return survey


def answer(survey, answers: dict, *, shared=False, round_key="end", minutes=0, submitted=True):
    """One person's submitted response: ``answers`` by question text."""
    pair = PartnershipFactory(program=survey.program)
    response = SurveyResponse.objects.create(
        survey=survey,
        partnership=pair,
        respondent=pair.protege.user,
        role=SurveyResponse.Role.PROTEGE,
        round=round_key,
        asked_at=NOW,
        submitted_at=NOW + datetime.timedelta(minutes=minutes) if submitted else None,
        shared=shared,
    )
    questions = {q.text: q for q in survey.questions.all()}
    for text, value in answers.items():
        question = questions[text]
        fields = {"number": value} if isinstance(value, int) else {}
        if question.kind == QuestionKind.CHOICE:
            fields = {"choice": value}
        elif question.kind == QuestionKind.TEXT:
            fields = {"text": value}
        SurveyAnswer.objects.create(response=response, question=question, **fields)
    return response


def results_page(client, world, survey) -> str:
    client.force_login(world.admin)
    response = client.get(reverse("surveys:survey_results", args=[world.program.slug, survey.pk]))
    assert response.status_code == 200
    return response.text


def test_four_answers_show_nothing_but_the_note(client, world, closing):
    for i, score in enumerate([10, 9, 3, 7]):
        answer(
            closing,
            {
                "Recommend?": score,
                "Met my expectations": 4,
                "Again?": "Not now",
                "Most valuable part?": f"Open {i}",
            },
            shared=True,
        )
    answer(closing, {}, submitted=False)
    page = results_page(client, world, closing)
    assert page.count(FLOOR_NOTE) == 4
    # 4 of 5 answered: the count and the rate wait for five, like every figure.
    assert "Asked" in page and "80%" not in page and "<dd>4</dd>" not in page
    assert "<dd>fewer than 5</dd>" in page
    for figure in ["Promoters", "Not now", "Open 0", "4.0", "(25%)"]:
        assert figure not in page, figure


def test_five_answers_show_every_figure_and_the_hand_computed_nps(client, world, closing):
    scores = [10, 9, 9, 8, 3]
    scales = [5, 4, 4, 3, 2]
    choices = ["Not now", "Yes, as a mentor", "Not now", "Yes, as a protégé", "Not now"]
    for score, scale, choice in zip(scores, scales, choices, strict=True):
        answer(closing, {"Recommend?": score, "Met my expectations": scale, "Again?": choice})
    page = results_page(client, world, closing)
    # Promoters 3 of 5 (60%), passives 1 (20%), detractors 1 (20%): 60 − 20 = +40.
    promoters, detractors = sum(s >= 9 for s in scores), sum(s <= 6 for s in scores)
    assert round(100 * (promoters - detractors) / len(scores)) == 40
    assert ">+40<" in page
    assert "3 (60%)" in page and "1 (20%)" in page
    assert ">3.6<" in page  # (5 + 4 + 4 + 3 + 2) / 5
    assert "Not now" in page and "3 (60%)" in page
    assert page.count(FLOOR_NOTE) == 1  # the text question had no answers


def test_a_negative_nps_shows_its_sign(client, world, closing):
    for score in [0, 2, 6, 9, 7]:
        answer(closing, {"Recommend?": score})
    assert ">-40<" in results_page(client, world, closing)  # 1 promoter, 3 detractors of 5


def test_a_text_answer_shows_only_when_shared_in_alphabetical_order(client, world, closing):
    secret = "SECRET-unshared-words-7731"
    answer(closing, {"Most valuable part?": "Zebra crossings of ideas"}, shared=True, minutes=1)
    answer(closing, {"Most valuable part?": "apples and feedback"}, shared=True, minutes=2)
    answer(closing, {"Most valuable part?": secret}, shared=False, minutes=3)
    answer(closing, {"Most valuable part?": "Another private one"}, shared=False, minutes=4)
    answer(closing, {"Most valuable part?": "Mentor's calm"}, shared=True, minutes=5)
    page = results_page(client, world, closing)
    assert secret not in page and "Another private one" not in page
    apples, mentor, zebra = (
        page.index(t) for t in ["apples and feedback", "Mentor&#x27;s calm", "Zebra crossings"]
    )
    assert apples < mentor < zebra  # by the words, not by when they came
    assert "2 answers were not shared." in page
    for name in [p.user.display_name for p in world.program.participants.all()]:
        assert name not in page


def test_shared_text_waits_for_five_answers_too(client, world, closing):
    for i in range(4):
        answer(closing, {"Most valuable part?": f"Shared words {i}"}, shared=True)
    page = results_page(client, world, closing)
    assert "Shared words" not in page
    assert FLOOR_NOTE in page


def test_a_pulse_shows_each_round_with_cells_under_five_held_back(client, world):
    survey = Survey.objects.create(
        program=world.program, title="Pulse", kind=SurveyKind.PULSE, first_after_days=30, every_days=30
    )
    SurveyQuestion.objects.create(survey=survey, position=1, kind=QuestionKind.SCALE, text="Calls worth it")
    for value in [5, 4, 4, 4, 3]:
        answer(survey, {"Calls worth it": value}, round_key="1")
    for value in [2, 5]:
        answer(survey, {"Calls worth it": value}, round_key="2")
    page = results_page(client, world, survey)
    assert "Round by round" in page
    assert ">4.0<" in page  # round 1: 20 / 5
    assert "fewer than 5" in page  # round 2: two answers
    # Round 2: asked 2, answered "fewer than 5", never "2 of 2".
    assert "2 of 2" not in page
    assert '<td>2</td>\n        <td><span class="muted">fewer than 5</span></td>' in page
    # Pooled: the earliest five of seven answers (round 1's), so 4.0, not 27 / 7 = 3.9.
    assert ">3.9<" not in page and "5 answers" in page


def _grow(survey, count: int) -> None:
    for i in range(count):
        answer(
            survey,
            {
                "Recommend?": i % 11,
                "Met my expectations": 1 + i % 5,
                "Again?": "Not now",
                "Most valuable part?": f"Words {i}",
            },
            shared=bool(i % 2),
        )


def test_the_results_run_the_same_queries_at_any_size(
    client, world, closing, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(world.admin)
    url = reverse("surveys:survey_results", args=[world.program.slug, closing.pk])
    _grow(closing, 5)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _grow(closing, 15)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
