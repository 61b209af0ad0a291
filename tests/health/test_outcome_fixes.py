"""The outcome report as a tester read it (issue 21): calls said to be of the
last 90 days and read fresh, change counted only over goals rated twice, the
whole clone family on every page, only pairs that started counted as ended,
reasons grouped as a person reads them, and the page's plain words."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from goals.models import Category, Goal
from health import outcomes
from health.models import HealthNumbers
from mentoring.spreadsheets import BOM
from partnerships.models import Partnership
from programs.models import Program
from tests.factories import PartnershipFactory, ProgramFactory
from tests.goals.factories import GoalFactory
from tests.sessions_log.factories import CallFeedbackFactory, SessionFactory

from .test_outcomes import rate

pytestmark = pytest.mark.django_db


def _page(client, world, program=None) -> str:
    client.force_login(world.admin)
    return client.get(reverse("health:program_outcomes", args=[(program or world.program).slug])).text


def _csv(client, world) -> list[list[str]]:
    client.force_login(world.admin)
    response = client.get(reverse("health:program_outcomes_csv", args=[world.program.slug]))
    return list(csv.reader(io.StringIO(response.getvalue().decode().lstrip(BOM))))


def test_calls_are_said_to_be_of_the_last_90_days_and_stale_numbers_are_counted_again(client, world):
    HealthNumbers.objects.update_or_create(
        partnership=world.partnership,
        defaults={"as_of": datetime.date(2020, 1, 1), "calls_held": 99, "calls_expected": 100},
    )
    page = _page(client, world)
    assert "99 of 100" not in page  # the numbers of 2020 were counted again before the page read them
    assert "Calls held of agreed, in the last 90 days" in page
    assert HealthNumbers.objects.get(partnership=world.partnership).as_of > datetime.date(2020, 1, 1)
    measures = {row[2] for row in _csv(client, world)}
    assert {"calls held in the last 90 days", "calls agreed in the last 90 days"} <= measures
    assert "calls held" not in measures


def test_a_goal_rated_once_is_no_change_and_is_counted_apart(client, world):
    once = GoalFactory(partnership=world.partnership, category=Category.SITUATION)
    twice = GoalFactory(partnership=world.partnership, category=Category.SITUATION)
    rate(world.partnership, {once: [7], twice: [2, 6]})
    [outcome] = outcomes.program_outcomes([world.program])
    situation = outcome.categories[2]
    assert (situation.rated, situation.rated_once) == (1, 1)
    assert [b.count for b in situation.bands] == [0, 0, 0, 1, 0]  # +4 only; the 7 is not "Same"
    assert (situation.first_mean, situation.latest_mean, situation.change_mean) == (2.0, 6.0, 4.0)
    page = _page(client, world)
    assert "Rated once so far: 1 goal, not counted in the change." in page
    assert "4.0" in page
    assert [world.program.name, "Real-time situation", "goals rated once so far", "1", ""] in _csv(
        client, world
    )


def _chain(world) -> list[Program]:
    p2026 = world.program
    p2027 = ProgramFactory(admins=[world.admin], cloned_from=p2026, starts_on=datetime.date(2027, 1, 1))
    p2028 = ProgramFactory(admins=[world.admin], cloned_from=p2027, starts_on=datetime.date(2028, 1, 1))
    return [p2026, p2027, p2028]


def test_every_program_of_a_clone_chain_shows_the_whole_chain_in_start_order(
    client, world, django_assert_num_queries
):
    chain = _chain(world)
    for program in chain:
        with django_assert_num_queries(1):
            assert outcomes.cohort_of(program, world.admin) == chain
        page = _page(client, world, program)
        assert all(page.count(f'<th scope="col">{p.name}</th>') == 6 for p in chain)


def test_the_chain_is_walked_through_a_program_the_admin_does_not_run_and_a_loop_ends(world):
    p2026, p2027, p2028 = _chain(world)
    p2027.admins.clear()
    assert outcomes.cohort_of(p2028, world.admin) == [p2026, p2028]
    Program.objects.filter(pk=p2026.pk).update(cloned_from=p2028)  # a loop, as bad data could make
    assert outcomes.cohort_of(p2026, world.admin) == [p2026, p2028]


def test_a_proposal_never_started_is_not_a_pair_that_ended(client, world):
    for _ in range(2):
        PartnershipFactory(
            program=world.program, status=Partnership.Status.ENDED, started_on=None, ended_reason="Unmatched"
        )
    PartnershipFactory(program=world.program, status=Partnership.Status.ENDED, ended_reason="Moved abroad")
    [outcome] = outcomes.program_outcomes([world.program])
    assert (outcome.ended_early, outcome.reasons) == (1, [("Moved abroad", 1)])
    assert "Unmatched" not in _page(client, world)


def test_reasons_are_grouped_ignoring_case_and_spaces_and_the_rest_are_counted(client, world):
    spellings = ["Moved abroad", " moved abroad", "Moved abroad ", "MOVED ABROAD", "", "   "]
    spellings += [f"Reason {n:02}" for n in range(12)]
    for reason in spellings:
        PartnershipFactory(program=world.program, status=Partnership.Status.ENDED, ended_reason=reason)
    [outcome] = outcomes.program_outcomes([world.program])
    assert outcome.reasons[:2] == [("Moved abroad", 4), ("No reason given", 2)]
    assert len(outcome.reasons) == 10
    assert outcome.more_reasons == 4  # 14 reasons in all
    page = _page(client, world)
    assert "and 4 more reasons" in page
    assert [world.program.name, "", "other reasons for ending early", "4", ""] in _csv(client, world)


@pytest.mark.parametrize(
    "name", ["health:program_outcomes", "health:program_outcomes_csv", "health:program_report"]
)
def test_head_is_answered_like_get(client, world, name):
    client.force_login(world.admin)
    assert client.head(reverse(name, args=[world.program.slug])).status_code == 200


def test_a_program_with_no_pair_says_there_is_nothing_to_show_yet(client, world):
    empty = ProgramFactory(admins=[world.admin])
    page = _page(client, world, empty)
    assert "Nothing to show yet" in page
    assert "Goals rated at least twice" not in page


def test_means_have_one_decimal_and_dropped_goals_have_their_row(client, world):
    for rating in (4, 4):
        CallFeedbackFactory(session=SessionFactory(partnership=world.partnership), rating=rating)
    GoalFactory(partnership=world.partnership, status=Goal.Status.DROPPED)
    [outcome] = outcomes.program_outcomes([world.program])
    assert (outcome.call_value, outcome.categories[1].dropped) == (4.0, 1)
    page = _page(client, world)
    assert "4.0 (2 ratings)" in page
    assert "Goals dropped" in page
    assert [world.program.name, "", "call value (mean, 1 to 5)", "4.0", ""] in _csv(client, world)


def test_the_page_says_when_its_figures_are_of_and_explains_its_terms(client, world):
    page = _page(client, world)
    assert "Figures as of " in page
    for words in [
        "SMART goals are specific, measurable, achievable, relevant and time-bound.",
        "Advanced versions: goals set as a harder version of a goal done well.",
        "Homework recapped: homework the pair went over at a later call",
        "Call value: how useful the protégé rated each call, from 1 to 5.",
    ]:
        assert words in page, words
