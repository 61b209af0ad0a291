"""Survey figures move only in steps of five answers (issue 21, privacy): an
admin who knows that one person answered since they last looked learns
nothing from the results page, the outcome page or its CSV, because every
figure and count is made from the earliest 5, 10, 15… answers of its set.

The tester's sequence: five answers show the figures; a sixth changes none of
them; the tenth brings the next five in, with the NPS and means computed by
hand here."""

import csv
import datetime
import io
import random
from collections import Counter

import pytest
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from mentoring.spreadsheets import BOM
from surveys import scores
from surveys.models import QuestionKind, Survey, SurveyKind, SurveyQuestion, SurveyResponse
from surveys.selectors.published import published_answers, published_counts, submitted_answers
from surveys.services.answers import survey_answer
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)
RECOMMEND, MET, AGAIN, VALUABLE = "Recommend?", "Met my expectations", "Again?", "Most valuable part?"
SIXTH = "SIXTH-person-words-5521"


@pytest.fixture
def closing(world) -> Survey:
    survey = Survey.objects.create(program=world.program, title="Closing survey", kind=SurveyKind.CLOSING)
    for position, (kind, text, choices) in enumerate(
        [
            (QuestionKind.NPS, RECOMMEND, ""),
            (QuestionKind.SCALE, MET, ""),
            (QuestionKind.CHOICE, AGAIN, "Yes\nNot now"),
            (QuestionKind.TEXT, VALUABLE, ""),
        ],
        start=1,
    ):
        SurveyQuestion.objects.create(
            survey=survey, position=position, kind=kind, text=text, choices=choices, required=False
        )
    return survey


def asked(survey: Survey, people: int, *, round_key: str = "end") -> list[SurveyResponse]:
    """``people`` protégés of new pairs asked ``round_key`` of ``survey`` at T0, none answered yet."""
    responses = []
    for _ in range(people):
        pair = PartnershipFactory(program=survey.program)
        responses.append(
            SurveyResponse.objects.create(
                survey=survey,
                partnership=pair,
                respondent=pair.protege.user,
                role=SurveyResponse.Role.PROTEGE,
                round=round_key,
                asked_at=T0,
            )
        )
    return responses


def submit(response: SurveyResponse, values: dict[str, int | str], *, minutes: int, shared=False) -> None:
    """The respondent answers (by question text), ``minutes`` after T0, through the answer service."""
    questions = list(response.survey.questions.all())
    by_text = {q.text: q.pk for q in questions}
    survey_answer(
        response=response,
        by=response.respondent,
        answers={by_text[text]: value for text, value in values.items()},
        shared=shared,
        questions=questions,
        now=T0 + datetime.timedelta(minutes=minutes),
    )


def main(response) -> str:
    """What the page shows in its main region (the header's sign-out form holds a fresh CSRF token)."""
    assert response.status_code == 200
    text = response.text
    return text[text.index('<main id="main"') : text.index("</main>")]


def results_page(client, world, survey) -> str:
    return main(client.get(reverse("surveys:survey_results", args=[world.program.slug, survey.pk])))


def outcome_page(client, world) -> str:
    return main(client.get(reverse("health:program_outcomes", args=[world.program.slug])))


def outcome_csv(client, world) -> list[list[str]]:
    response = client.get(reverse("health:program_outcomes_csv", args=[world.program.slug]))
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip(BOM))))


def nps_by_hand(values: list[int]) -> int:
    promoters = sum(v >= 9 for v in values)
    detractors = sum(v <= 6 for v in values)
    return round(100 * (promoters - detractors) / len(values))


NPS = [10, 9, 9, 8, 3, 1, 7, 10, 0, 9]
SCALE = [5, 4, 4, 3, 2, 1, 3, 5, 2, 4]
CHOICE = ["Yes", "Not now", "Yes", "Yes", "Not now", "Not now", "Yes", "Yes", "Not now", "Yes"]


def test_a_sixth_answer_changes_no_figure_on_any_page_and_the_tenth_brings_five_more(client, world, closing):
    people = asked(closing, 10)
    client.force_login(world.admin)
    for i in range(5):
        submit(
            people[i],
            {RECOMMEND: NPS[i], MET: SCALE[i], AGAIN: CHOICE[i], VALUABLE: f"Words {i}"},
            minutes=i,
            shared=i < 2,
        )
    page, outcomes, rows = (
        results_page(client, world, closing),
        outcome_page(client, world),
        outcome_csv(client, world),
    )
    assert nps_by_hand(NPS[:5]) == 40
    assert ">+40<" in page and "3 (60%)" in page and ">3.6<" in page  # (5 + 4 + 4 + 3 + 2) / 5
    assert "<dd>5</dd>" in page  # answered
    assert "3 answers were not shared." in page
    assert "move in steps of 5" in page and "move in steps of 5" in outcomes
    assert [world.program.name, "surveys", "NPS (-100 to 100)", "40", ""] in rows

    # One person answers, all lowest, and shares their words: nothing moves anywhere.
    submit(people[5], {RECOMMEND: 1, MET: 1, AGAIN: "Not now", VALUABLE: SIXTH}, minutes=5, shared=True)
    assert results_page(client, world, closing) == page
    assert outcome_page(client, world) == outcomes
    assert outcome_csv(client, world) == rows
    assert SIXTH not in page and "+17" not in page and "6 answers" not in page

    # Up to nine: still nothing moves.
    for i in range(6, 9):
        submit(people[i], {RECOMMEND: NPS[i], MET: SCALE[i], AGAIN: CHOICE[i]}, minutes=i)
    assert results_page(client, world, closing) == page
    assert outcome_page(client, world) == outcomes

    # The tenth brings in the next five, the sixth among them.
    submit(people[9], {RECOMMEND: NPS[9], MET: SCALE[9], AGAIN: CHOICE[9]}, minutes=9)
    page = results_page(client, world, closing)
    assert nps_by_hand(NPS) == 20  # promoters 10, 9, 9, 10, 9; detractors 3, 1, 0: (5 − 3) / 10
    assert ">+20<" in page and "5 (50%)" in page and "3 (30%)" in page
    assert ">3.3<" in page  # 33 / 10
    assert "<dd>10</dd>" in page and "10 answers" in page
    # Only six wrote something: the written answers still count their earliest five.
    assert SIXTH not in page and "3 answers were not shared." in page
    assert [world.program.name, "surveys", "NPS (-100 to 100)", "20", ""] in outcome_csv(client, world)
    assert "<td>20</td>" in outcome_page(client, world)


def test_written_answers_and_their_unshared_count_move_in_steps_too(client, world, closing):
    people = asked(closing, 10)
    client.force_login(world.admin)
    for i in range(5):
        submit(people[i], {VALUABLE: f"Written {i}"}, minutes=i, shared=i == 0)
    page = results_page(client, world, closing)
    assert "Written 0" in page and "4 answers were not shared." in page
    submit(people[5], {VALUABLE: "Written 5"}, minutes=5, shared=True)
    submit(people[6], {VALUABLE: "Written 6"}, minutes=6, shared=False)
    page = results_page(client, world, closing)
    assert "Written 5" not in page
    assert "4 answers were not shared." in page and "5 answers were not shared." not in page


def test_the_earliest_answers_count_by_when_they_were_submitted_not_when_asked(world, closing):
    people = asked(closing, 6)
    nps = closing.questions.get(text=RECOMMEND)
    # The first asked answers last: it is the one left out.
    for minutes, response in zip([50, 1, 2, 3, 4, 5], people, strict=True):
        submit(response, {RECOMMEND: 7}, minutes=minutes)
    counted = published_answers(submitted_answers().filter(response__survey=closing), "question_id")
    assert sorted(counted.values_list("response_id", flat=True)) == sorted(r.pk for r in people[1:])
    assert counted.filter(question=nps).count() == 5


def test_a_round_with_two_answers_shows_no_count_and_no_figure(client, world):
    survey = Survey.objects.create(
        program=world.program, title="Pulse", kind=SurveyKind.PULSE, first_after_days=30, every_days=30
    )
    SurveyQuestion.objects.create(survey=survey, position=1, kind=QuestionKind.SCALE, text=MET)
    first, second = asked(survey, 5, round_key="1"), asked(survey, 2, round_key="2")
    for i, value in enumerate([5, 4, 4, 4, 3]):
        submit(first[i], {MET: value}, minutes=i)
    client.force_login(world.admin)
    before = results_page(client, world, survey)
    submit(second[0], {MET: 1}, minutes=10)
    assert results_page(client, world, survey) == before
    submit(second[1], {MET: 1}, minutes=11)
    page = results_page(client, world, survey)
    assert page == before
    assert "2 of 2" not in page and "1 of 2" not in page
    row = page[page.index("Round 2") :].split("</tr>")[0]
    assert row.count("fewer than 5") == 2  # answered, and the mean


@pytest.mark.parametrize(("answers", "counted"), [(0, 0), (4, 0), (5, 5), (6, 5), (9, 5), (10, 10), (14, 10)])
def test_a_count_is_published_in_steps_of_five(answers, counted):
    assert scores.published(answers) == counted


def test_a_pulse_with_rounds_runs_the_same_queries_at_any_size(
    client, world, django_assert_num_queries, django_assert_max_num_queries
):
    survey = Survey.objects.create(
        program=world.program, title="Pulse", kind=SurveyKind.PULSE, first_after_days=30, every_days=30
    )
    for position, kind in enumerate([QuestionKind.SCALE, QuestionKind.NPS, QuestionKind.TEXT], start=1):
        SurveyQuestion.objects.create(survey=survey, position=position, kind=kind, text=f"Q{position}")
    client.force_login(world.admin)
    url = reverse("surveys:survey_results", args=[world.program.slug, survey.pk])

    def grow(count: int) -> None:
        for round_key in ["1", "2"]:
            for i, response in enumerate(asked(survey, count, round_key=round_key)):
                submit(response, {"Q1": 1 + i % 5, "Q2": i % 11, "Q3": f"Words {i}"}, minutes=i, shared=i % 2)

    grow(5)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    grow(12)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_counts_leave_out_exactly_the_latest_answers_of_each_set_as_ranking_them_does(
    world, closing, seed
):
    """Counting all answers and taking away each set's latest few gives what
    ranking every answer gives, with skipped questions, two rounds, answers
    submitted out of the order they were asked in, and ties in time."""
    rng = random.Random(seed)
    people = asked(closing, 13) + asked(closing, 8, round_key="mid")
    for response in people:
        values = {
            RECOMMEND: rng.randint(0, 10),
            MET: rng.randint(1, 5),
            AGAIN: rng.choice(["Yes", "Not now"]),
        }
        submit(response, {k: v for k, v in values.items() if rng.random() < 0.8}, minutes=rng.randint(0, 6))
    given = submitted_answers().filter(response__survey=closing, number__isnull=False)
    for sets in (("question_id",), ("question_id", "response__round")):
        by = {"question_id": "question_id", "number": "number"}
        ranked = Counter(ranked_by_hand(given, sets).values_list("question_id", "number"))
        assert Counter({(q, n): c for q, n, c in published_counts(given, *sets, by=by)}) == ranked
        assert Counter(published_answers(given, *sets).values_list("question_id", "number")) == ranked
        assert sum(ranked.values()) % scores.FLOOR == 0 or len(sets) == 2


def ranked_by_hand(answers, sets):
    """The published rows by the rule's definition, in SQL: ranked, the earliest kept."""
    partition = [F(s) for s in sets]
    earliest = [F("response__submitted_at").asc(), F("response_id").asc(), F("pk").asc()]
    return (
        answers.order_by()
        .annotate(
            place=Window(RowNumber(), partition_by=partition, order_by=earliest),
            counted=Window(Count("pk"), partition_by=partition) / scores.FLOOR * scores.FLOOR,
        )
        .filter(place__lte=F("counted"))
    )
