"""Survey scores and NPS on the outcome report (issue 21): figures counted by
hand, the five-answer floor, a cloned program's questions in the same rows,
free text never shown, a safe CSV, and the same queries at any size."""

import csv
import datetime
import io

import pytest
from django.db import reset_queries
from django.urls import reverse

from mentoring.spreadsheets import BOM
from surveys.models import QuestionKind, Survey, SurveyAnswer, SurveyKind, SurveyQuestion, SurveyResponse
from surveys.selectors.outcomes import scale_rows, survey_scores
from tests.factories import PartnershipFactory, ProgramFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 10, 20, 10, tzinfo=datetime.UTC)
WORTH = "Our calls are worth the time we give them"
MET = "The program met my expectations"
RECOMMEND = "How likely are you to recommend this program to a colleague?"
SECRETS = ["SECRET-SHARED-7f3a", "SECRET-PRIVATE-9c1b"]


def survey(program, kind, questions: list[tuple[str, str]]) -> tuple[Survey, list[SurveyQuestion]]:
    made = Survey.objects.create(
        program=program,
        title="Pulse" if kind == SurveyKind.PULSE else "Closing",
        kind=kind,
        first_after_days=30 if kind == SurveyKind.PULSE else None,
        every_days=30 if kind == SurveyKind.PULSE else None,
    )
    return made, [
        SurveyQuestion.objects.create(survey=made, position=i, kind=k, text=text)
        for i, (k, text) in enumerate(questions)
    ]


def answer(s: Survey, answers: dict[SurveyQuestion, int | str], *, submitted=True, shared=False) -> None:
    """One protégé of a new pair of ``s``'s program answers (or, unsubmitted, was only asked)."""
    pair = PartnershipFactory(program=s.program)
    response = SurveyResponse.objects.create(
        survey=s,
        partnership=pair,
        respondent=pair.protege.user,
        role=SurveyResponse.Role.PROTEGE,
        round="1" if s.kind == SurveyKind.PULSE else "end",
        asked_at=T0,
        submitted_at=T0 + datetime.timedelta(days=1) if submitted else None,
        shared=shared,
    )
    for question, value in answers.items():
        if isinstance(value, str):
            SurveyAnswer.objects.create(response=response, question=question, text=value)
        else:
            SurveyAnswer.objects.create(response=response, question=question, number=value)


def hand_built(program) -> dict[str, SurveyQuestion]:
    """Pulse: "worth the time" 5, 4, 4, 3, 5 (mean 4.2, n 5) with a text answer;
    two asked who did not answer, one of them with a draft answer of 1.
    Closing: NPS 10, 9, 9, 8, 3, 6, of which the earliest five count (3
    promoters, 1 passive, 1 detractor: +40; the sixth waits for four more);
    "met my expectations" 4, 5, 3, 5 on four of them (below the floor).
    Answer rate: 11 submitted of 13 asked, counted as 10 (steps of five): 77%."""
    pulse, (worth, note) = survey(
        program, SurveyKind.PULSE, [(QuestionKind.SCALE, WORTH), (QuestionKind.TEXT, "Anything?")]
    )
    closing, (nps, met, valuable) = survey(
        program,
        SurveyKind.CLOSING,
        [(QuestionKind.NPS, RECOMMEND), (QuestionKind.SCALE, MET), (QuestionKind.TEXT, "Most valuable?")],
    )
    for i, value in enumerate([5, 4, 4, 3, 5]):
        text = {note: SECRETS[i % 2]} if i < 2 else {}
        answer(pulse, {worth: value, **text}, shared=i == 0)
    answer(pulse, {worth: 1}, submitted=False)
    answer(pulse, {}, submitted=False)
    for i, value in enumerate([10, 9, 9, 8, 3, 6]):
        scale = {met: [4, 5, 3, 5][i]} if i < 4 else {}
        answer(closing, {nps: value, **scale, valuable: SECRETS[i % 2]}, shared=i % 2 == 0)
    return {"worth": worth, "met": met, "nps": nps}


def test_scores_equal_those_counted_by_hand(world):
    hand_built(world.program)
    scores = survey_scores([world.program.pk])[world.program.pk]
    assert (scores.surveys, scores.asked, scores.submitted, scores.answer_rate) == (2, 13, 10, 77)
    assert (scores.nps.promoters, scores.nps.passives, scores.nps.detractors) == (3, 1, 1)
    assert scores.nps.score == 40  # (3 - 1) / 5; the sixth answer (6) waits for four more
    assert (scores.promoter_share, scores.passive_share, scores.detractor_share) == (60, 20, 20)
    assert list(scores.scales) == [WORTH, MET]
    assert (scores.scales[WORTH].mean, scores.scales[WORTH].answers) == (4.2, 5)
    assert (scores.scales[MET].mean, scores.scales[MET].answers) == (None, 0)  # 4: below the floor


def test_a_program_without_surveys_has_no_figures(world):
    scores = survey_scores([world.program.pk])[world.program.pk]
    assert (scores.surveys, scores.asked, scores.answer_rate, scores.nps.score, scores.scales) == (
        0,
        0,
        None,
        None,
        {},
    )


def test_four_answers_give_no_figure_and_the_fifth_gives_it(world):
    closing, (nps, met) = survey(
        world.program, SurveyKind.CLOSING, [(QuestionKind.NPS, RECOMMEND), (QuestionKind.SCALE, MET)]
    )
    for value in [10, 10, 7, 2]:
        answer(closing, {nps: value, met: 4})
    scores = survey_scores([world.program.pk])[world.program.pk]
    assert (scores.answer_rate, scores.nps.score, scores.promoter_share, scores.scales[MET].mean) == (
        None,
        None,
        None,
        None,
    )
    answer(closing, {nps: 9, met: 5})
    scores = survey_scores([world.program.pk])[world.program.pk]
    assert (scores.answer_rate, scores.nps.score, scores.scales[MET].mean) == (100, 40, 4.2)


def test_a_cloned_programs_question_lines_up_in_the_same_row(world):
    hand_built(world.program)
    clone = ProgramFactory(admins=[world.admin], cloned_from=world.program, name="Spring cohort")
    pulse, (worth,) = survey(clone, SurveyKind.PULSE, [(QuestionKind.SCALE, WORTH)])
    for value in [2, 2, 2, 2, 2]:
        answer(pulse, {worth: value})
    scores = survey_scores([world.program.pk, clone.pk])
    rows = scale_rows([scores[world.program.pk], scores[clone.pk]])
    assert [row.question for row in rows] == [WORTH, MET]
    assert [s.mean for s in rows[0].scores] == [4.2, 2.0]
    assert rows[1].scores[0].mean is None and rows[1].scores[1] is None  # below the floor; not asked


def test_a_cloned_programs_column_on_the_page_lines_up_by_question(client, world):
    hand_built(world.program)
    clone = ProgramFactory(admins=[world.admin], cloned_from=world.program, name="Spring cohort")
    pulse, (worth,) = survey(clone, SurveyKind.PULSE, [(QuestionKind.SCALE, WORTH)])
    for value in [2, 2, 2, 2, 2]:
        answer(pulse, {worth: value})
    client.force_login(world.admin)
    page = client.get(reverse("health:program_outcomes", args=[clone.slug])).text
    row = page[page.index(f"{WORTH} (mean out of 5)") :].split("</tr>")[0]
    assert row.index("4.2 (n = 5)") < row.index("2.0 (n = 5)")
    row = page[page.index(f"{MET} (mean out of 5)") :].split("</tr>")[0]
    assert row.index("fewer than 5 answers") < row.index("not asked")


def test_the_page_shows_scores_and_says_fewer_than_five_below_the_floor(client, world):
    hand_built(world.program)
    client.force_login(world.admin)
    page = client.get(reverse("health:program_outcomes", args=[world.program.slug])).text
    assert 'id="surveys-title">Surveys<' in page
    table = page[page.index("Survey scores, by program") :]
    for words in ["<td>40</td>", "<td>3 (60%)</td>", "<td>1 (20%)</td>", "<td>1 (20%)</td>"]:
        assert words in table, words
    assert "4.2 (n = 5)" in page
    assert "77%" in page
    assert "move in steps of 5" in page
    assert "fewer than 5 answers" in page  # "met my expectations": four answers
    assert "(n = 4)" not in page


def test_a_program_without_surveys_links_its_admin_to_set_one_up(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("health:program_outcomes", args=[world.program.slug])).text
    assert "This program has no survey yet." in page
    assert f'href="/programs/{world.program.slug}/surveys/"' in page


def _csv(client, program) -> list[list[str]]:
    response = client.get(reverse("health:program_outcomes_csv", args=[program.slug]))
    return list(csv.reader(io.StringIO(response.getvalue().decode().lstrip(BOM))))


def test_the_csv_has_the_survey_measures_and_leaves_figures_below_the_floor_empty(client, world):
    hand_built(world.program)
    client.force_login(world.admin)
    rows = _csv(client, world.program)
    name = world.program.name
    for row in [
        [name, "surveys", "surveys set", "2", ""],
        [name, "surveys", "survey answer rate (%)", "77", ""],
        [name, "surveys", "NPS (-100 to 100)", "40", ""],
        [name, "surveys", "NPS answers", "5", ""],
        [name, "surveys", "NPS promoters (9 to 10)", "3", ""],
        [name, "surveys", "NPS detractors (0 to 6)", "1", ""],
        [name, "surveys", f"{WORTH} (mean, 1 to 5)", "4.2", ""],
        [name, "surveys", f"{WORTH} (answers)", "5", ""],
        [name, "surveys", f"{MET} (mean, 1 to 5)", "", "fewer than 5 answers"],
        [name, "surveys", f"{MET} (answers)", "", "fewer than 5 answers"],
    ]:
        assert row in rows, row


def test_a_secret_in_a_written_answer_never_reaches_the_page_or_the_csv_shared_or_not(client, world):
    hand_built(world.program)
    client.force_login(world.admin)
    page = client.get(reverse("health:program_outcomes", args=[world.program.slug])).text
    text = "\n".join(",".join(row) for row in _csv(client, world.program))
    for secret in SECRETS:
        assert secret not in page and secret not in text, secret


def test_csv_cells_read_as_formulas_are_neutralised(client, world):
    questions = [(QuestionKind.SCALE, start + "cmd|' /C calc'!A0") for start in "=+-@"]
    pulse, made = survey(world.program, SurveyKind.PULSE, questions)
    for value in [5, 5, 5, 5, 5]:
        answer(pulse, dict.fromkeys(made, value))
    client.force_login(world.admin)
    rows = _csv(client, world.program)
    measures = [row[2] for row in rows if "calc" in row[2]]
    assert len(measures) == 8 and all(m.startswith("'") for m in measures), measures
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def _grow(program, pairs: int) -> None:
    surveys = list(Survey.objects.filter(program=program).prefetch_related("questions"))
    for _ in range(pairs):
        for s in surveys:
            answer(
                s,
                {
                    q: 7 if q.kind == QuestionKind.NPS else "note" if q.kind == "text" else 4
                    for q in s.questions.all()
                },
            )


@pytest.mark.parametrize("name", ["health:program_outcomes", "health:program_outcomes_csv"])
def test_the_scores_run_the_same_queries_at_any_size(
    client, world, name, django_assert_num_queries, django_assert_max_num_queries
):
    hand_built(world.program)
    clone = ProgramFactory(admins=[world.admin], cloned_from=world.program)
    survey(clone, SurveyKind.PULSE, [(QuestionKind.SCALE, WORTH)])
    client.force_login(world.admin)
    url = reverse(name, args=[world.program.slug])

    def load():
        response = client.get(url)
        if name.endswith("_csv"):
            b"".join(response.streaming_content)

    load()  # brings the pairs' stored numbers up to date, as a first visit of the day does
    reset_queries()  # the log keeps the last 9,000 queries only: the data built above must not fill it
    with django_assert_max_num_queries(20) as small:
        load()
    queries = len(small.captured_queries)
    _grow(world.program, 6)
    _grow(clone, 6)
    load()
    reset_queries()
    with django_assert_num_queries(queries):
        load()
