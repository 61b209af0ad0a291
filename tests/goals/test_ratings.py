"""The rating form: every active goal rated 0–10 at once, with what grounds each
number; bad ratings refused beside the goal, keeping everything typed."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from goals.models import ProgressRating, RatingRound

from .factories import GoalFactory, ProgressRatingFactory, rate_rounds

pytestmark = pytest.mark.django_db


def rating_url(world):
    return reverse("goals:rating_new", args=[world.partnership.pk])


def good_data(goals) -> dict:
    return {
        f"g{goals['smart'].pk}-value": "7",
        f"g{goals['smart'].pk}-metric_value": "84.5",
        f"g{goals['competency'].pk}-value": "5",
        f"g{goals['competency'].pk}-self_assessment": "Held my ground once.",
        f"g{goals['situation'].pk}-value": "0",
        f"g{goals['situation'].pk}-reflection": "Not in the room yet.",
    }


@pytest.fixture
def protege_client(client, world):
    client.force_login(world.protege)
    return client


def test_the_form_asks_per_category_what_grounds_the_number(protege_client, world, goals):
    text = protege_client.get(rating_url(world)).text
    assert "Your baseline rating" in text  # nothing rated yet
    assert f'name="g{goals["smart"].pk}-metric_value"' in text
    assert "Team retention, now (%)" in text and "objective evidence" in text
    assert f'name="g{goals["competency"].pk}-self_assessment"' in text and "Your self-assessment" in text
    assert f'name="g{goals["situation"].pk}-reflection"' in text and "Your reflection" in text
    assert 'inputmode="numeric"' in text


def test_one_submission_rates_every_active_goal(protege_client, world, goals):
    response = protege_client.post(rating_url(world), good_data(goals))
    assert response.status_code == 303
    assert response["Location"] == reverse("goals:goals", args=[world.partnership.pk])
    rating_round = RatingRound.objects.get()
    assert rating_round.point == "baseline"
    ratings = {r.goal_id: r for r in rating_round.ratings.all()}
    assert {g: ratings[g.pk].value for g in goals.values()} == {
        goals["smart"]: 7,
        goals["competency"]: 5,
        goals["situation"]: 0,
    }
    assert ratings[goals["smart"].pk].metric_value == Decimal("84.5")
    assert ratings[goals["competency"].pk].self_assessment == "Held my ground once."
    assert ratings[goals["situation"].pk].reflection == "Not in the room yet."


def test_the_second_round_is_a_check_in_and_the_chart_gets_the_new_point(protege_client, world, goals):
    rate_rounds(
        world.partnership,
        {g: [3] for g in goals.values()},
        start=timezone.now() - datetime.timedelta(days=20),
    )
    protege_client.post(rating_url(world), good_data(goals))
    assert list(RatingRound.objects.order_by("created_at").values_list("point", flat=True)) == [
        "baseline",
        "check_in",
    ]
    text = protege_client.get(reverse("goals:goals", args=[world.partnership.pk])).text
    today = timezone.localdate().strftime("%-d %b %Y")
    assert (
        "Rated 3 on " in text and f"7 on {today}. Up 4 since the first rating, up 4 since the last." in text
    )


def test_the_end_rating_comes_at_the_planned_end(protege_client, world, goals):
    rate_rounds(
        world.partnership,
        {g: [3] for g in goals.values()},
        start=timezone.now() - datetime.timedelta(days=20),
    )
    world.partnership.planned_end_on = timezone.localdate()
    world.partnership.save()
    assert "Your end-of-partnership rating" in protege_client.get(rating_url(world)).text
    protege_client.post(rating_url(world), good_data(goals))
    assert RatingRound.objects.latest("created_at").point == "end"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "Rate from 0 to 10: -1 is outside the scale."),
        ("11", "Rate from 0 to 10: 11 is outside the scale."),
        ("7.5", "Use a whole number from 0 to 10, like 7 or 8."),
        ("seven", "Enter your rating as a number from 0 to 10, like 7."),
        ("", "Rate this goal from 0 to 10."),
    ],
)
def test_a_bad_rating_is_refused_beside_its_goal_keeping_every_other_value(
    protege_client, world, goals, typed, message
):
    bad = goals["competency"]
    data = good_data(goals) | {f"g{bad.pk}-value": typed}
    response = protege_client.post(rating_url(world), data)
    assert response.status_code == 200
    assert not RatingRound.objects.exists() and not ProgressRating.objects.exists()
    form = response.context["form"]
    assert form.errors == {f"g{bad.pk}-value": [message]}
    text = response.text
    # Beside the goal: inside its fieldset, and linked from the summary at the top.
    fieldset = text[text.index(f'id="rate-{bad.pk}"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert message.replace("'", "&#x27;") in fieldset
    assert f'<a href="#id_g{bad.pk}-value">Negotiating: {message}' in text.replace("&#x27;", "'")
    # Every other value is still there, this one too.
    if typed:
        assert f'value="{typed}"' in fieldset
    assert 'value="7"' in text and 'value="84.5"' in text and 'value="0"' in text
    assert "Held my ground once." in text and "Not in the room yet." in text


def test_a_smart_goal_needs_the_metric_value(protege_client, world, goals):
    data = good_data(goals) | {f"g{goals['smart'].pk}-metric_value": ""}
    response = protege_client.post(rating_url(world), data)
    assert "Give the metric&#x27;s value now" in response.text
    assert not ProgressRating.objects.exists()


def test_a_goal_added_meanwhile_must_be_rated_too(protege_client, world, goals):
    data = good_data(goals)
    late = GoalFactory(partnership=world.partnership, title="Added in another tab")
    response = protege_client.post(rating_url(world), data)
    assert response.context["form"].errors == {f"g{late.pk}-value": ["Rate this goal from 0 to 10."]}


def test_closed_goals_are_not_rated(protege_client, world, goals):
    GoalFactory(partnership=world.partnership, status="achieved")
    assert protege_client.post(rating_url(world), good_data(goals)).status_code == 303
    assert ProgressRating.objects.count() == 3


def test_with_no_active_goal_the_form_says_to_add_one(protege_client, world):
    response = protege_client.get(rating_url(world))
    assert "You have no active goals to rate." in response.text
    assert protege_client.post(rating_url(world), {}).status_code == 200
    assert not RatingRound.objects.exists()


def test_the_database_refuses_a_rating_outside_0_to_10(world, goals):
    for value in (11, 200):
        with pytest.raises(IntegrityError, match="progressrating_value_0_to_10"), transaction.atomic():
            ProgressRatingFactory(goal=goals["competency"], value=value)
    ProgressRatingFactory(goal=goals["competency"], value=10)


def test_the_database_keeps_one_rating_per_goal_and_round(world, goals):
    rating = ProgressRatingFactory(goal=goals["competency"])
    with pytest.raises(IntegrityError, match="progressrating_once_per_round"), transaction.atomic():
        ProgressRatingFactory(goal=goals["competency"], round=rating.round)


def test_the_database_keeps_one_baseline_per_partnership(world):
    RatingRound.objects.create(partnership=world.partnership, point="baseline")
    with pytest.raises(IntegrityError, match="ratinground_one_baseline"), transaction.atomic():
        RatingRound.objects.create(partnership=world.partnership, point="baseline")
