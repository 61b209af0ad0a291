"""The health rule (health.rule): one case per label, from numbers only."""

import datetime

import pytest
from django.utils import timezone

from health import rule, services
from partnerships.models import Partnership
from sessions_log.models import Homework, PartnershipCheck
from tests.goals.factories import GoalFactory, rate_rounds
from tests.partnerships.agreement_helpers import agree
from tests.sessions_log.factories import HomeworkFactory, SessionFactory

pytestmark = pytest.mark.django_db

Label = rule.Label


def started(partnership: Partnership, days_ago: int) -> Partnership:
    Partnership.objects.filter(pk=partnership.pk).update(
        started_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    partnership.refresh_from_db()
    return partnership


def calls(partnership: Partnership, days_ago: list[int], *, status="held"):
    made = [
        SessionFactory(
            partnership=partnership, status=status, starts_at=timezone.now() - datetime.timedelta(days=d)
        )
        for d in days_ago
    ]
    last = min(days_ago)
    Partnership.objects.filter(pk=partnership.pk).update(
        last_call_at=timezone.now() - datetime.timedelta(days=last)
    )
    return made


def check(partnership, role, working):
    PartnershipCheck.objects.create(
        partnership=partnership, role=role, after_calls=3, working=working, valuable=working
    )


def health_of(partnership: Partnership) -> tuple[str, str]:
    """The label and reason, from numbers counted afresh (the factories write
    history without the services that refresh them)."""
    services.refresh([partnership.pk])
    row = rule.annotate(Partnership.objects.filter(pk=partnership.pk), now=timezone.now()).get()
    label = rule.label_of(row.severity)
    return label, rule.reason(label, rule.Numbers.of(row))


def on_rhythm(partnership, **terms) -> Partnership:
    """Every two weeks for 100 days, every expected call held (6 of 6 in 90 days)."""
    agree(partnership, **terms)
    started(partnership, 100)
    calls(partnership, [2, 16, 30, 44, 58, 72])
    return partnership


def test_a_pair_just_matched_without_an_agreement_is_on_track(world):
    started(world.partnership, 3)
    label, reason = health_of(world.partnership)
    assert label == Label.ON_TRACK
    assert "Newly matched" in reason


def test_a_pair_matched_weeks_ago_without_an_agreement_is_at_risk(world):
    started(world.partnership, 30)
    label, reason = health_of(world.partnership)
    assert label == Label.AT_RISK
    assert "no agreement" in reason


def test_no_call_for_twice_the_agreed_interval_is_stalled(world):
    agree(world.partnership, cadence="weekly")
    started(world.partnership, 60)
    calls(world.partnership, [40, 20])
    label, reason = health_of(world.partnership)
    assert label == Label.STALLED
    assert "twice the agreed interval (weekly)" in reason


def test_a_set_call_ahead_does_not_undo_a_stall_but_a_recent_call_does(world):
    agree(world.partnership, cadence="weekly")
    started(world.partnership, 60)
    calls(world.partnership, [20])
    assert health_of(world.partnership)[0] == Label.STALLED
    calls(world.partnership, [3])
    assert health_of(world.partnership)[0] != Label.STALLED


def test_too_few_calls_for_the_cadence_is_at_risk(world):
    agree(world.partnership)  # every two weeks: 6 expected in 90 days
    started(world.partnership, 100)
    calls(world.partnership, [5, 40, 70])
    label, reason = health_of(world.partnership)
    assert label == Label.AT_RISK
    assert reason == "Only 3 of 6 expected calls held in 90 days."


def test_homework_left_undone_is_at_risk(world):
    on_rhythm(world.partnership)
    session = world.partnership.sessions.first()
    past = timezone.localdate() - datetime.timedelta(days=3)
    for _ in range(3):
        HomeworkFactory(session=session, due_on=past, status=Homework.Status.NOT_DONE)
    HomeworkFactory(session=session, due_on=past, status=Homework.Status.DONE, done_at=timezone.now())
    label, reason = health_of(world.partnership)
    assert label == Label.AT_RISK
    assert "1 of 4 due homework done" in reason


def test_falling_goal_ratings_are_at_risk(world):
    on_rhythm(world.partnership)
    goal = GoalFactory(partnership=world.partnership)
    rate_rounds(world.partnership, {goal: [6, 8, 6]})
    label, reason = health_of(world.partnership)
    assert label == Label.AT_RISK
    assert "goal ratings down 2.0" in reason.lower()


def test_either_side_saying_it_is_not_working_is_at_risk(world):
    on_rhythm(world.partnership)
    check(world.partnership, "mentor", 5)
    check(world.partnership, "protege", 2)
    label, reason = health_of(world.partnership)
    assert label == Label.AT_RISK
    assert "“is it working?” answered 2 of 5" in reason


def test_every_call_held_homework_done_and_both_saying_it_works_is_thriving(world):
    on_rhythm(world.partnership)
    session = world.partnership.sessions.first()
    for _ in range(4):
        HomeworkFactory(session=session, status=Homework.Status.DONE, done_at=timezone.now())
    check(world.partnership, "mentor", 5)
    check(world.partnership, "protege", 4)
    label, reason = health_of(world.partnership)
    assert label == Label.THRIVING
    assert (
        reason == "6 of 6 expected calls held in 90 days; 4 of 4 due homework done; “is it working?” 4 of 5."
    )


def test_mostly_on_rhythm_with_nothing_alarming_is_on_track(world):
    agree(world.partnership)
    started(world.partnership, 100)
    calls(world.partnership, [2, 16, 30, 44, 58])
    label, reason = health_of(world.partnership)
    assert label == Label.ON_TRACK
    assert reason.startswith("5 of 6 expected calls held")


def test_a_closed_partnership_has_no_label(world):
    Partnership.objects.filter(pk=world.partnership.pk).update(status=Partnership.Status.COMPLETED)
    assert health_of(world.partnership) == ("", "Closed.")


def test_missed_calls_and_drafts_do_not_count_as_held(world):
    agree(world.partnership)
    started(world.partnership, 100)
    calls(world.partnership, [2, 16, 30, 44, 58])
    calls(world.partnership, [72], status="missed")
    services.refresh([world.partnership.pk])
    row = rule.annotate(Partnership.objects.filter(pk=world.partnership.pk), now=timezone.now()).get()
    assert (row.calls_held, row.calls_expected) == (5, 6)


def test_the_labels_and_the_rule_in_words_are_marked_for_translation_and_read_as_before():
    from django.utils.functional import Promise

    assert all(isinstance(label.label, Promise) for label in Label)
    assert [str(label.label) for label in Label] == ["Thriving", "On track", "At risk", "Stalled"]
    assert all(isinstance(words, Promise) for _, words in rule.RULE)
    assert str(rule.RULE[1][1]).endswith(
        "or either side answering 2 of 5 or less to “is it working?”. "
        "Also a pair matched over 14 days ago without an agreement."
    )


def _numbers(**changes) -> rule.Numbers:
    on_track = dict(
        status="active",
        has_agreement=True,
        started_on=None,
        cadence_text="every two weeks",
        calls_expected=6,
        calls_held=5,
        homework_assigned=0,
        homework_due=0,
        homework_done=0,
        rating_latest=None,
        rating_change=None,
        working=None,
    )
    return rule.Numbers(**{**on_track, **changes})


@pytest.mark.parametrize(
    ("label", "changes", "reason"),
    [
        (Label.AT_RISK, {"has_agreement": False}, "Matched over 14 days ago and no agreement accepted yet."),
        (Label.STALLED, {}, "No call held for over twice the agreed interval (every two weeks)."),
        (
            Label.AT_RISK,
            {"calls_expected": 1, "calls_held": 0, "homework_due": 3, "rating_change": -1.25, "working": 1},
            "Only 0 of 1 expected call held in 90 days; 0 of 3 due homework done; "
            "goal ratings down 1.2 since the last round; “is it working?” answered 1 of 5.",
        ),
        (Label.AT_RISK, {}, "Nothing to go on yet."),
        (
            Label.ON_TRACK,
            {"calls_expected": 0, "rating_change": 0.0},
            "No call expected yet; goal ratings unchanged.",
        ),
        (
            Label.THRIVING,
            {"calls_held": 6, "homework_due": 2, "homework_done": 2, "rating_change": 0.55},
            "6 of 6 expected calls held in 90 days; 2 of 2 due homework done; goal ratings up 0.6.",
        ),
        (
            Label.ON_TRACK,
            {"rating_change": -0.5, "working": 3},
            "5 of 6 expected calls held in 90 days; goal ratings down 0.5; “is it working?” 3 of 5.",
        ),
    ],
)
def test_each_reason_reads_word_for_word(label, changes, reason):
    assert rule.reason(label, _numbers(**changes)) == reason


@pytest.mark.parametrize(
    ("label", "changes", "phrase"),
    [
        ("", {}, "Closed"),
        (Label.AT_RISK, {"has_agreement": False}, "No agreement after 14 days"),
        (Label.ON_TRACK, {"has_agreement": False}, "Agreeing how to work together"),
        (Label.STALLED, {"interval_days": 14}, "No call for over 4 weeks"),
        (Label.STALLED, {"interval_days": 30}, "No call for over 8 weeks"),
        (Label.STALLED, {}, "No call for twice the agreed interval"),
        (Label.AT_RISK, {"calls_held": 2}, "2 of 6 calls held"),
        (Label.AT_RISK, {"homework_due": 4, "homework_done": 1}, "1 of 4 homework done"),
        (Label.AT_RISK, {"rating_change": -5.06}, "Goal ratings down 5.1"),
        (Label.AT_RISK, {"working": 2}, "“Is it working?” 2 of 5"),
        (Label.THRIVING, {"calls_held": 6}, "6 of 6 calls held"),
        (Label.ON_TRACK, {"calls_expected": 1, "calls_held": 1}, "1 of 1 call held"),
        (Label.ON_TRACK, {"calls_expected": 0, "calls_held": 0}, "No call expected yet"),
    ],
)
def test_each_reason_has_one_short_phrase_for_the_overviews_row(label, changes, phrase):
    assert rule.short_reason(label, _numbers(**changes)) == phrase


@pytest.mark.parametrize(
    ("change", "words", "direction"),
    [
        (-5.06, "down 5.1", "down"),
        (0.55, "up 0.6", "up"),
        (-0.04, "unchanged", "steady"),
        (0.0, "unchanged", "steady"),
        (None, "", ""),
    ],
)
def test_a_trend_is_worded_without_a_minus_sign(change, words, direction):
    assert rule.trend(change) == words
    assert rule.trend_direction(change) == direction
