"""The page after rating: what moved since each goal's rating before ("4 → 6,
up 2"; "down 1", never "down -1"), the goals skipped, and one click to put a
goal that moved on the next call's agenda, coming back here."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import RatingRound
from sessions_log.models import AgendaItem
from tests.factories import PartnershipFactory

from .factories import GoalFactory, SituationGoalFactory, SmartGoalFactory, rate_rounds

pytestmark = pytest.mark.django_db


def round_url(world, rating_round) -> str:
    return reverse("goals:rating_round", args=[world.partnership.pk, rating_round.pk])


@pytest.fixture
def rated(world, goals):
    """Three rounds: the last moves one goal up 2, one down 1, leaves one alone."""
    start = timezone.now() - datetime.timedelta(days=30)
    return rate_rounds(
        world.partnership,
        {goals["smart"]: [2, 5, 5], goals["competency"]: [3, 4, 6], goals["situation"]: [6, 7, 6]},
        start=start,
    )[-1]


def test_the_page_says_what_moved_in_words(client, world, goals, rated):
    client.force_login(world.protege)
    text = client.get(round_url(world, rated)).text
    assert "What moved" in text
    assert "Check-in rating of " in text and "3 goals rated." in text
    negotiating = text[text.index("Negotiating") :]
    assert '<span class="move__from">4</span>' in negotiating[:600]
    assert '<span class="move__to">6</span>' in negotiating[:600] and "up 2" in negotiating[:900]
    assert "down 1" in text and "down -1" not in text and "down −1" not in text
    assert "unchanged" in text


def test_each_goal_that_moved_can_go_on_the_next_calls_agenda_and_come_back_here(client, world, goals, rated):
    client.force_login(world.protege)
    here = round_url(world, rated)
    text = client.get(here).text
    agenda = reverse("sessions_log:agenda_add", args=[world.partnership.pk])
    assert text.count(f'action="{agenda}"') == 2  # up 2 and down 1; not the goal unchanged
    assert 'name="text" value="Negotiating: 4 → 6, up 2"' in text
    assert f'name="next" value="{here}#moved"' in text
    response = client.post(agenda, {"text": "Negotiating: 4 → 6, up 2", "next": f"{here}#moved"})
    assert response.status_code == 303
    assert response["Location"] == f"{here}#moved"
    assert AgendaItem.objects.get().text == "Negotiating: 4 → 6, up 2"
    assert "“Negotiating: 4 → 6, up 2” is on the next call&#x27;s agenda." in client.get(here).text


def test_a_move_on_the_agenda_says_so_and_a_second_press_adds_no_second_row(client, world, goals, rated):
    client.force_login(world.protege)
    here = round_url(world, rated)
    agenda = reverse("sessions_log:agenda_add", args=[world.partnership.pk])
    client.post(agenda, {"text": "Negotiating: 4 → 6, up 2", "next": f"{here}#moved"})
    text = client.get(here).text
    assert 'name="text" value="Negotiating: 4 → 6, up 2"' not in text
    assert "On the agenda" in text
    assert text.count(f'action="{agenda}"') == 1  # the other move still offers it
    # Pressed again from another page (or later than the repeat guard's window): one row, a calm word.
    response = client.post(agenda, {"text": "Negotiating: 4 → 6, up 2"}, follow=True)
    assert "“Negotiating: 4 → 6, up 2” is on the next call&#x27;s agenda already." in response.text
    assert AgendaItem.objects.filter(text="Negotiating: 4 → 6, up 2").count() == 1


def test_an_older_round_and_an_achieved_goal_offer_no_agenda_button(client, world, goals, rated):
    client.force_login(world.protege)
    older = RatingRound.objects.filter(partnership=world.partnership).order_by("created_at")[1]
    text = client.get(round_url(world, older)).text
    assert "up 3" in text and "Put it on the next call" not in text  # 2 → 5, history now
    achieved = goals["situation"]
    achieved.status, achieved.slot, achieved.closed_at = "achieved", None, timezone.now()
    achieved.save()
    text = client.get(round_url(world, rated)).text
    agenda = reverse("sessions_log:agenda_add", args=[world.partnership.pk])
    assert text.count(f'action="{agenda}"') == 1  # the competency goal's move; not the achieved one


def test_a_first_rating_and_nothing_moved_say_so(client, world, goals):
    first = rate_rounds(world.partnership, {goals["competency"]: [5]})[0]
    client.force_login(world.protege)
    text = client.get(round_url(world, first)).text
    assert "first rating" in text and "agenda_add" not in text
    assert "Nothing moved since the ratings before." not in text
    same = rate_rounds(world.partnership, {goals["competency"]: [5]}, start=timezone.now())[0]
    text = client.get(round_url(world, same)).text
    assert "Nothing moved since the ratings before." in text
    assert "Put it on the next call" not in text


def test_the_mentor_reads_it_and_can_add_to_the_agenda_too(client, world, goals, rated):
    client.force_login(world.mentor)
    text = client.get(round_url(world, rated)).text
    assert "What moved for Sam Protégé" in text and "up 2" in text
    assert "Put it on the next call" in text


def test_an_ended_partnership_shows_what_moved_without_the_agenda(client, world, goals, rated):
    world.partnership.status = "completed"
    world.partnership.save()
    client.force_login(world.protege)
    text = client.get(round_url(world, rated)).text
    assert "up 2" in text and "Put it on the next call" not in text


@pytest.mark.parametrize("persona", ["outsider", "admin", "other_admin"])
def test_everyone_outside_the_pair_gets_404(client, world, goals, rated, persona):
    client.force_login(getattr(world, persona))
    assert client.get(round_url(world, rated)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, world, goals, rated):
    response = client.get(round_url(world, rated))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_round_of_another_partnership_is_404(client, world):
    elsewhere = PartnershipFactory()
    other_round = rate_rounds(elsewhere, {GoalFactory(partnership=elsewhere): [5]})[0]
    client.force_login(world.protege)
    assert client.get(round_url(world, other_round)).status_code == 404


def test_the_page_runs_the_same_queries_for_3_goals_and_9_goals_with_long_histories(
    client, world, django_assert_num_queries
):
    # Every pair page's six, the round, its ratings with the ones before, the goals skipped,
    # whether it is the last round, the topics waiting on the agenda.
    queries = 6 + 5
    client.force_login(world.protege)
    goals = [SmartGoalFactory(partnership=world.partnership), GoalFactory(partnership=world.partnership)]
    goals.append(SituationGoalFactory(partnership=world.partnership))
    small = rate_rounds(world.partnership, {g: [3, 5] for g in goals})[-1]
    with django_assert_num_queries(queries):
        assert client.get(round_url(world, small)).status_code == 200

    world.partnership.goals.all().delete()
    RatingRound.objects.all().delete()
    goals = [
        f(partnership=world.partnership) for f in (SmartGoalFactory, GoalFactory, SituationGoalFactory) * 3
    ]
    start = timezone.now() - datetime.timedelta(days=14 * 49)
    large = rate_rounds(world.partnership, {g: [i % 11 for i in range(50)] for g in goals[:8]}, start=start)[
        -1
    ]
    with django_assert_num_queries(queries):
        response = client.get(round_url(world, large))
    assert response.text.count('class="move move--') == 8
    assert "Not rated this time:" in response.text


def test_the_goals_page_links_to_what_moved_at_the_last_rating(client, world, goals, rated):
    client.force_login(world.mentor)
    text = client.get(reverse("goals:goals", args=[world.partnership.pk])).text
    assert f'href="{round_url(world, rated)}">What moved at the last rating</a>' in text
