"""The outcome report's page and CSV (issue 21): who sees them, what they show,
how they are written, and that they cost the same queries at any size."""

import csv
import datetime
import io

import pytest
from django.db import reset_queries
from django.urls import reverse

from mentoring.spreadsheets import BOM
from partnerships.models import Partnership
from tests.conftest import PROGRAM_ADMIN_ONLY
from tests.factories import PartnershipFactory, ProgramFactory
from tests.goals.factories import GoalFactory
from tests.sessions_log.factories import CallFeedbackFactory, HomeworkFactory, SessionFactory

from .test_outcomes import hand_built, rate

pytestmark = pytest.mark.django_db

PAGES = ["health:program_outcomes", "health:program_outcomes_csv"]


@pytest.mark.parametrize("name", PAGES)
def test_a_signed_out_visitor_is_asked_to_sign_in(client, world, name):
    response = client.get(reverse(name, args=[world.program.slug]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(("persona", "status"), PROGRAM_ADMIN_ONLY.items())
def test_only_the_programs_admins_see_its_outcomes(client, world, name, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(reverse(name, args=[world.program.slug])).status_code == status


def test_the_page_shows_each_category_with_its_figures_and_no_names_or_goal_text(client, world):
    hand_built(world.partnership)
    client.force_login(world.admin)
    page = client.get(reverse("health:program_outcomes", args=[world.program.slug])).text
    for words in ["SMART", "Competency / job skill", "Real-time situation", "3.7", "4.5", "+5 or more"]:
        assert words in page, words
    assert "Calls held of agreed, in the last 90 days" in page
    assert "Moved abroad" in page
    for private in ["Sam Protégé", "Morgan Mentor", "Goal 0", "Because it matters to me."]:
        assert private not in page, private


def test_a_reason_is_shown_escaped(client, world):
    PartnershipFactory(program=world.program, status=Partnership.Status.ENDED, ended_reason="<b>Busy</b>")
    client.force_login(world.admin)
    page = client.get(reverse("health:program_outcomes", args=[world.program.slug])).text
    assert "&lt;b&gt;Busy&lt;/b&gt;" in page
    assert "<b>Busy</b>" not in page


def test_the_page_is_linked_from_the_programs_navigation(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("home:program_overview", args=[world.program.slug])).text
    assert reverse("health:program_outcomes", args=[world.program.slug]) in page


def test_a_cohort_with_a_clone_shows_both_programs_side_by_side(client, world):
    clone = ProgramFactory(
        admins=[world.admin],
        cloned_from=world.program,
        name="Spring cohort",
        starts_on=datetime.date(2027, 3, 1),
    )
    client.force_login(world.admin)
    for program in (world.program, clone):
        page = client.get(reverse("health:program_outcomes", args=[program.slug])).text
        # the categories', calls', surveys' and endings' tables
        assert page.count(f'<th scope="col">{world.program.name}</th>') == 6
        assert page.count('<th scope="col">Spring cohort</th>') == 6
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("health:program_outcomes_csv", args=[clone.slug]))
                .getvalue()
                .decode()
                .lstrip(BOM)
            )
        )
    )
    assert {row[0] for row in rows[1:]} == {world.program.name, "Spring cohort"}


def test_the_csv_starts_with_a_bom_and_neutralises_a_reason_read_as_a_formula(client, world):
    hand_built(world.partnership)
    client.force_login(world.admin)
    response = client.get(reverse("health:program_outcomes_csv", args=[world.program.slug]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.getvalue().decode()
    assert text.startswith(BOM)
    rows = list(csv.reader(io.StringIO(text.lstrip(BOM))))
    assert rows[0] == ["program", "category", "measure", "value", "reason"]
    assert [world.program.name, "SMART", "mean change", "2.3", ""] in rows
    assert [world.program.name, "Competency / job skill", "goals rated once so far", "1", ""] in rows
    assert [world.program.name, "", "pairs ended early for this reason", "1", "'=HYPERLINK(1)"] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)


def _grow(world, pairs: int) -> None:
    for i in range(pairs):
        pair = PartnershipFactory(program=world.program)
        goals = [GoalFactory(partnership=pair), GoalFactory(partnership=pair)]
        rate(pair, {goals[0]: [3, 5, 6], goals[1]: [7, 2]})
        call = SessionFactory(partnership=pair)
        HomeworkFactory(session=call, status="partly", recapped_in=call)
        CallFeedbackFactory(session=call)
        PartnershipFactory(program=world.program, status=Partnership.Status.ENDED, ended_reason=f"Reason {i}")


@pytest.mark.parametrize("name", PAGES)
def test_the_outcomes_run_the_same_queries_at_any_size(
    client, world, name, django_assert_num_queries, django_assert_max_num_queries
):
    ProgramFactory(admins=[world.admin], cloned_from=world.program)
    client.force_login(world.admin)
    url = reverse(name, args=[world.program.slug])
    _grow(world, 1)
    client.get(url)  # brings the new pairs' stored numbers up to date, as a first visit of the day does
    reset_queries()  # the log keeps the last 9,000 queries only: the data built above must not fill it
    with django_assert_max_num_queries(20) as small:
        response = client.get(url)
        if name.endswith("_csv"):
            b"".join(response.streaming_content)
    queries = len(small.captured_queries)
    _grow(world, 12)
    client.get(url)
    reset_queries()
    with django_assert_num_queries(queries):
        response = client.get(url)
        if name.endswith("_csv"):
            b"".join(response.streaming_content)
