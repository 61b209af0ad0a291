"""The rating form: each active goal rated 0–10 on a scale of eleven choices, or
skipped this time, with what grounds each number; bad ratings refused beside
the goal, keeping everything chosen and typed. Then a page says what moved."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from goals.models import ProgressRating, RatingRound
from goals.services import RatingEntry, ratings_record

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


def test_each_goal_is_a_scale_of_eleven_radios_with_a_skip_and_last_time_marked(protege_client, world, goals):
    rate_rounds(
        world.partnership,
        {goals["competency"]: [4, 6], goals["smart"]: [3]},
        start=timezone.now() - datetime.timedelta(days=20),
    )
    text = protege_client.get(rating_url(world)).text
    negotiating = text[text.index(f'id="rate-{goals["competency"].pk}"') :]
    negotiating = negotiating[: negotiating.index("</section>")]
    assert "<fieldset" in negotiating
    assert '<legend><span class="visually-hidden">Negotiating: </span>Your rating, 0 to 10' in negotiating
    assert negotiating.count('type="radio"') == 12  # 0 to 10, and "Skip this time"
    assert "Skip this time" in negotiating
    assert "checked" not in negotiating  # nothing chosen for the protégé
    # Last time's value is marked on the scale in words, not by colour alone.
    last = negotiating[negotiating.index("rating-option--last") :]
    assert 'value="6"' in last[:300] and 'aria-label="6, your rating last time"' in last[:400]
    assert ">last<" in last[:700]
    # The trend beside it, as a small chart with its words.
    assert (
        "<svg" in negotiating
        and "Rated 4 on" in negotiating
        and "Last time <strong>6</strong>" in negotiating
    )
    assert "up 2 on the one before" in negotiating
    situation = text[text.index(f'id="rate-{goals["situation"].pk}"') :]
    assert "Your first rating of this goal." in situation[: situation.index("</section>")]


def test_one_submission_rates_every_active_goal(protege_client, world, goals):
    response = protege_client.post(rating_url(world), good_data(goals))
    assert response.status_code == 303
    rating_round = RatingRound.objects.get()
    assert response["Location"] == reverse("goals:rating_round", args=[world.partnership.pk, rating_round.pk])
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
        ("9" * 5000, "Rate from 0 to 10: that number is outside the scale."),  # never echoed in full
        ("7.5", "Use a whole number from 0 to 10, like 7 or 8."),
        ("seven", "Enter your rating as a number from 0 to 10, like 7."),
        ("", "Pick a number for this goal too, or clear what you wrote to skip it this time."),
        ("skip", "Pick a number for this goal too, or clear what you wrote to skip it this time."),
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
    fieldset = fieldset[: fieldset.index("</section>")]
    assert message.replace("'", "&#x27;") in fieldset
    assert f'<a href="#id_g{bad.pk}-value_0">Negotiating: {message}' in text.replace("&#x27;", "'")
    # Every other choice is still there, and what was typed.
    for goal, value in ((goals["smart"], "7"), (goals["situation"], "0")):
        assert f'name="g{goal.pk}-value" value="{value}" id="id_g{goal.pk}-value_{value}" checked' in text
    assert 'value="84.5"' in text
    assert "Held my ground once." in text and "Not in the room yet." in text


def test_a_rated_smart_goal_needs_the_metric_value(protege_client, world, goals):
    data = good_data(goals) | {f"g{goals['smart'].pk}-metric_value": ""}
    response = protege_client.post(rating_url(world), data)
    assert "Give the metric&#x27;s value now" in response.text
    assert not ProgressRating.objects.exists()


def test_a_goal_can_be_skipped_and_only_the_goals_rated_are_saved(protege_client, world, goals):
    smart, competency = goals["smart"], goals["competency"]
    data = good_data(goals)
    data[f"g{smart.pk}-value"] = "skip"  # the explicit "Skip this time"
    del data[f"g{smart.pk}-metric_value"]
    del data[f"g{competency.pk}-value"]  # or nothing chosen
    del data[f"g{competency.pk}-self_assessment"]
    response = protege_client.post(rating_url(world), data)
    assert response.status_code == 303
    rating_round = RatingRound.objects.get()
    assert [r.goal for r in rating_round.ratings.all()] == [goals["situation"]]
    page = protege_client.get(response["Location"]).text
    assert "Thank you: your rating of 1 goal is saved." in page
    assert "Not rated this time: “Raise retention to 90%”, “Negotiating”." in page


def test_skipping_every_goal_saves_nothing_and_says_to_rate_one(protege_client, world, goals):
    data = {f"g{goal.pk}-value": "skip" for goal in goals.values()}
    response = protege_client.post(rating_url(world), data)
    assert response.status_code == 200
    assert not RatingRound.objects.exists()
    assert response.context["form"].non_field_errors() == [
        "Pick a number from 0 to 10 for at least one goal. Goals you skip wait for next time."
    ]
    assert "Pick a number from 0 to 10 for at least one goal." in response.text


def test_a_goal_added_meanwhile_is_skipped_this_time(protege_client, world, goals):
    data = good_data(goals)
    late = GoalFactory(partnership=world.partnership, title="Added in another tab")
    assert protege_client.post(rating_url(world), data).status_code == 303
    assert not ProgressRating.objects.filter(goal=late).exists()
    assert ProgressRating.objects.count() == 3


def test_the_service_refuses_no_ratings_and_goals_outside_the_active_ones(world, goals):
    closed = GoalFactory(partnership=world.partnership, status="achieved")
    with pytest.raises(ValidationError, match="Rate at least one goal"):
        ratings_record(partnership=world.partnership, by=world.protege, entries=[])
    with pytest.raises(ValidationError, match="Your goals changed meanwhile"):
        ratings_record(partnership=world.partnership, by=world.protege, entries=[RatingEntry(closed, 5)])
    entry = RatingEntry(goals["competency"], 5)
    with pytest.raises(ValidationError, match="Your goals changed meanwhile"):
        ratings_record(partnership=world.partnership, by=world.protege, entries=[entry, entry])
    assert not RatingRound.objects.exists()


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
