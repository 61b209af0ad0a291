"""A program's survey pages for its admins (issue 21): who may open them, the
list, starting from a template, the form's errors, locked questions, pause
and resume, and the same queries at any size."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import QuestionKind, Survey, SurveyKind, SurveyQuestion, SurveyResponse
from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 10, 12, 0, tzinfo=datetime.UTC)


def make_survey(program, **kwargs) -> Survey:
    fields = {"title": "Monthly pulse", "kind": SurveyKind.PULSE, "first_after_days": 30, "every_days": 30}
    survey = Survey.objects.create(program=program, **{**fields, **kwargs})
    SurveyQuestion.objects.create(survey=survey, position=1, kind=QuestionKind.SCALE, text="Calls worth it")
    return survey


def respond(survey, partnership, *, submitted: bool = True, round_key: str = "1") -> SurveyResponse:
    return SurveyResponse.objects.create(
        survey=survey,
        partnership=partnership,
        respondent=partnership.protege.user,
        role=SurveyResponse.Role.PROTEGE,
        round=round_key,
        asked_at=NOW,
        submitted_at=NOW if submitted else None,
    )


def pages(world) -> dict[str, str]:
    survey = make_survey(world.program)
    slug = world.program.slug
    return {
        "list": reverse("surveys:program_surveys", args=[slug]),
        "new": reverse("surveys:survey_new", args=[slug]),
        "edit": reverse("surveys:survey_edit", args=[slug, survey.pk]),
        "results": reverse("surveys:survey_results", args=[slug, survey.pk]),
        "pause": reverse("surveys:survey_pause", args=[slug, survey.pk]),
    }


@pytest.mark.parametrize("page", ["list", "new", "edit", "results", "pause"])
def test_a_signed_out_visitor_is_asked_to_sign_in(client, world, page):
    url = pages(world)[page]
    response = client.post(url) if page == "pause" else client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("page", ["list", "new", "edit", "results"])
@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_open_the_survey_pages(client, world, page, persona, status):
    url = pages(world)[page]
    client.force_login(getattr(world, persona))
    assert client.get(url).status_code == status


@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_pause_a_survey(client, world, persona, status):
    url = pages(world)["pause"]
    client.force_login(getattr(world, persona))
    response = client.post(url, {"action": "pause"})
    assert response.status_code == (303 if status == 200 else status)
    assert (
        Survey.objects.get().paused_at is not None
        if status == 200
        else Survey.objects.get().paused_at is None
    )


def test_pausing_needs_a_post(client, world):
    client.force_login(world.admin)
    assert client.get(pages(world)["pause"]).status_code == 405


def test_a_survey_of_another_program_is_not_found(client, world):
    elsewhere = make_survey(PartnershipFactory().program)
    client.force_login(world.admin)
    for name in ("surveys:survey_edit", "surveys:survey_results"):
        assert client.get(reverse(name, args=[world.program.slug, elsewhere.pk])).status_code == 404


def test_the_empty_list_explains_surveys_and_offers_three_starts(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("surveys:program_surveys", args=[world.program.slug])).text
    assert "Answers are private" in page
    assert "five people" in page
    for start in ("pulse", "closing", "blank"):
        assert f"?start={start}" in page


def test_the_list_shows_when_to_whom_state_and_answer_rate(client, world):
    pulse = make_survey(world.program)
    make_survey(world.program, title="Once-off", every_days=None, audience="mentors")
    make_survey(
        world.program, title="Goodbye", kind=SurveyKind.CLOSING, first_after_days=None, every_days=None
    )
    Survey.objects.filter(title="Goodbye").update(paused_at=NOW)
    respond(pulse, world.partnership)
    respond(pulse, world.partnership, submitted=False, round_key="2")
    client.force_login(world.admin)
    page = client.get(reverse("surveys:program_surveys", args=[world.program.slug])).text
    assert "30 days after the match, then every 30 days" in page
    assert "Once, 30 days after the match" in page
    assert "When a partnership ends" in page
    assert "sent to: Mentors" in page
    assert "Paused" in page and "Sending" in page
    assert "fewer than 5" in page and "50%" not in page  # one of two answered: no count, no rate
    assert reverse("surveys:survey_results", args=[world.program.slug, pulse.pk]) in page


def answered_and_rate(page: str) -> list[str]:
    """The list's "Answered" and "Answer rate" figures, as shown."""
    return re.findall(r"<dt>Answer(?:ed| rate)</dt><dd>([^<]*)</dd>", page)


def test_the_lists_answered_count_moves_in_steps_of_five_so_one_answer_never_shows(client, world):
    pulse = make_survey(world.program)
    for round_key in range(1, 11):
        respond(pulse, world.partnership, round_key=str(round_key), submitted=round_key <= 5)
    client.force_login(world.admin)
    url = reverse("surveys:program_surveys", args=[world.program.slug])
    assert answered_and_rate(client.get(url).text) == ["5", "50%"]
    SurveyResponse.objects.filter(survey=pulse, round="6").update(submitted_at=NOW)  # one more answers
    assert answered_and_rate(client.get(url).text) == ["5", "50%"]
    SurveyResponse.objects.filter(survey=pulse).update(submitted_at=NOW)
    assert answered_and_rate(client.get(url).text) == ["10", "100%"]


def test_the_programs_navigation_links_the_surveys(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("home:program_overview", args=[world.program.slug])).text
    assert reverse("surveys:program_surveys", args=[world.program.slug]) in page
    page = client.get(reverse("surveys:program_surveys", args=[world.program.slug])).text
    assert 'aria-current="page">Surveys<' in page


@pytest.mark.parametrize(
    ("start", "title", "questions"),
    [
        ("pulse", "Monthly pulse", ["Our calls are worth the time we give them"]),
        ("closing", "Closing survey", ["How likely are you to recommend", "Yes, as a protégé"]),
    ],
)
def test_a_template_fills_the_form(client, world, start, title, questions):
    client.force_login(world.admin)
    page = client.get(reverse("surveys:survey_new", args=[world.program.slug]), {"start": start}).text
    assert f'value="{title}"' in page
    for words in questions:
        assert words in page


def management(total: int, initial: int = 0) -> dict:
    return {
        "questions-TOTAL_FORMS": str(total),
        "questions-INITIAL_FORMS": str(initial),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "12",
    }


def post_data(**fields) -> dict:
    data = {
        "title": "Pulse",
        "kind": "pulse",
        "audience": "both",
        "first_after_days": "30",
        "every_days": "60",
        "intro": "",
        **management(3),
        "questions-0-kind": "scale",
        "questions-0-text": "Calls worth it",
        "questions-0-required": "on",
        "questions-1-kind": "choice",
        "questions-1-text": "Again?",
        "questions-1-choices": "Yes\nNo",
        "questions-2-kind": "scale",
        "questions-2-text": "",
        "questions-2-required": "on",
    }
    data.update(fields)
    return data


def test_a_new_survey_is_saved_with_its_questions_in_order_and_opened_today(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("surveys:survey_new", args=[world.program.slug]), post_data())
    assert response.status_code == 303
    survey = Survey.objects.get()
    assert (survey.first_after_days, survey.every_days, survey.created_by) == (30, 60, world.admin)
    assert survey.opened_on == timezone.localdate()
    assert [(q.position, q.text, q.choice_list) for q in survey.questions.all()] == [
        (1, "Calls worth it", []),
        (2, "Again?", ["Yes", "No"]),
    ]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"first_after_days": "0"}, "first_after_days", "from 1 to 365"),
        ({"every_days": "7"}, "every_days", "from 14 to 365"),
        ({"title": "x" * 101}, "title", "Keep it to 100 characters"),
        ({"questions-1-choices": "Yes"}, "questions-1-choices", "at least 2 choices"),
        ({"questions-1-choices": "Yes\nyes"}, "questions-1-choices", "there twice"),
        ({"questions-0-choices": "A\nB"}, "questions-0-choices", "Only a choice question"),
    ],
)
def test_an_error_shows_beside_its_field_and_keeps_what_was_typed(client, world, change, field, words):
    client.force_login(world.admin)
    data = post_data(intro="Kept words", **change)
    response = client.post(reverse("surveys:survey_new", args=[world.program.slug]), data)
    assert response.status_code == 200
    page = response.text
    assert f'id="id_{field}_error"' in page
    assert words in page
    assert "Kept words" in page and "Calls worth it" in page
    assert not Survey.objects.exists() and not SurveyQuestion.objects.exists()


def test_a_survey_needs_a_question(client, world):
    client.force_login(world.admin)
    data = post_data(**{"questions-0-text": "", "questions-1-text": "", "questions-1-choices": ""})
    page = client.post(reverse("surveys:survey_new", args=[world.program.slug]), data).text
    assert "A survey needs at least one question" in page
    assert not Survey.objects.exists()


def test_editing_an_unanswered_survey_changes_its_questions(client, world):
    survey = make_survey(world.program)
    client.force_login(world.admin)
    url = reverse("surveys:survey_edit", args=[world.program.slug, survey.pk])
    assert "Calls worth it" in client.get(url).text
    response = client.post(url, post_data(**{"questions-0-text": "Calls are useful"}))
    assert response.status_code == 303
    assert [q.text for q in survey.questions.all()] == ["Calls are useful", "Again?"]


def test_answered_questions_are_locked_and_a_posted_change_is_refused(client, world):
    survey = make_survey(world.program)
    respond(survey, world.partnership)
    client.force_login(world.admin)
    url = reverse("surveys:survey_edit", args=[world.program.slug, survey.pk])
    page = client.get(url).text
    assert "the answers would no longer compare" in page
    assert 'name="questions-0-text"' not in page
    response = client.post(url, post_data(title="Renamed", **{"questions-0-text": "Changed"}))
    assert response.status_code == 200
    assert "can no longer change" in response.text
    survey.refresh_from_db()
    assert survey.title == "Monthly pulse"
    assert [q.text for q in survey.questions.all()] == ["Calls worth it"]


def test_answered_survey_keeps_editable_title_and_timing(client, world):
    survey = make_survey(world.program)
    respond(survey, world.partnership)
    client.force_login(world.admin)
    url = reverse("surveys:survey_edit", args=[world.program.slug, survey.pk])
    data = {
        "title": "Renamed",
        "kind": "closing",
        "audience": "mentors",
        "first_after_days": "40",
        "intro": "Hi",
    }
    assert client.post(url, data).status_code == 303
    survey.refresh_from_db()
    assert (survey.title, survey.kind, survey.audience, survey.first_after_days) == (
        "Renamed",
        "pulse",
        "mentors",
        40,
    )
    assert [q.text for q in survey.questions.all()] == ["Calls worth it"]


def test_pausing_and_resuming_sets_the_day_rounds_count_from(client, world):
    survey = make_survey(world.program, opened_on=datetime.date(2026, 1, 1))
    client.force_login(world.admin)
    url = reverse("surveys:survey_pause", args=[world.program.slug, survey.pk])
    client.post(url, {"action": "pause", "back": "edit"})
    survey.refresh_from_db()
    assert survey.paused_at is not None
    page = client.get(reverse("surveys:survey_edit", args=[world.program.slug, survey.pk])).text
    assert "Resume" in page and "not sent in a burst" in page
    response = client.post(url, {"action": "resume"})
    assert response["Location"] == reverse("surveys:program_surveys", args=[world.program.slug])
    survey.refresh_from_db()
    assert survey.paused_at is None
    assert survey.opened_on == timezone.localdate()


def test_an_odd_pause_action_changes_nothing(client, world):
    survey = make_survey(world.program)
    client.force_login(world.admin)
    url = reverse("surveys:survey_pause", args=[world.program.slug, survey.pk])
    assert client.post(url, {"action": "x"}).status_code == 303
    assert Survey.objects.get().paused_at is None


def _grow(world, count: int) -> None:
    for _ in range(count):
        survey = make_survey(world.program)
        pair = PartnershipFactory(program=world.program)
        respond(survey, pair)


@pytest.mark.parametrize("page", ["list", "edit"])
def test_the_pages_run_the_same_queries_at_any_size(
    client, world, page, django_assert_num_queries, django_assert_max_num_queries
):
    url = pages(world)[page]
    client.force_login(world.admin)
    _grow(world, 1)
    with django_assert_max_num_queries(20) as small:
        assert client.get(url).status_code == 200
    _grow(world, 8)
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(survey=Survey.objects.first(), position=n, kind="scale", text=f"Q{n}")
        for n in range(2, 9)
    )
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "odd",
    [
        {"questions-TOTAL_FORMS": "x"},
        {"questions-TOTAL_FORMS": "9999"},
        {"first_after_days": "1e9", "every_days": "-3"},
        {"title": "A\x00B", "kind": "weekly", "audience": "everyone"},
        {"questions-0-kind": "nps\n", "questions-0-choices": "\x00\n" * 3},
        {"questions-0-DELETE": "on", "questions-1-DELETE": "on"},
    ],
)
def test_an_odd_post_is_answered_with_the_form_never_a_500(client, world, odd):
    survey = make_survey(world.program)
    client.force_login(world.admin)
    for url in (
        reverse("surveys:survey_new", args=[world.program.slug]),
        reverse("surveys:survey_edit", args=[world.program.slug, survey.pk]),
    ):
        response = client.post(url, post_data(**odd))
        assert response.status_code == 200, url
        assert "There is a problem" in response.text
    assert Survey.objects.count() == 1


def test_a_survey_id_beyond_any_row_is_not_found(client, world):
    client.force_login(world.admin)
    url = reverse("surveys:survey_results", args=[world.program.slug, 99999999999999999999])
    assert client.get(url).status_code == 404
