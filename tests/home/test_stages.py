"""A partnership's stage (home.stages): one rule per stage, the current one
the first not done, closing from four weeks before the planned end; and how
far it has come (week N of M, calls held against the calls agreed)."""

import datetime

from home.stages import Stage, StageFacts, calls_agreed, progress_of, steps_of
from programs.rhythms import Rhythm

START = datetime.date(2026, 1, 5)
END = datetime.date(2026, 6, 22)  # 24 weeks
MIDPOINT = datetime.date(2026, 3, 30)


def facts(**changes) -> StageFacts:
    return StageFacts(
        **{
            "current": True,
            "has_agreement": False,
            "held_a_call": False,
            "rated": False,
            "reviewed_on": None,
            "started_on": START,
            "ends_on": END,
        }
        | changes
    )


def current(stage_facts: StageFacts, today=START + datetime.timedelta(days=10)) -> Stage:
    return next(step.stage for step in steps_of(stage_facts, today=today) if step.current)


def test_each_stage_in_turn():
    assert current(facts()) == Stage.AGREEMENT
    assert current(facts(has_agreement=True)) == Stage.FIRST_CALL
    assert current(facts(has_agreement=True, held_a_call=True)) == Stage.GOALS_RATED
    assert current(facts(has_agreement=True, held_a_call=True, rated=True)) == Stage.MIDPOINT


def test_the_mid_point_review_is_a_check_in_rating_on_or_after_the_mid_point():
    done = {"has_agreement": True, "held_a_call": True, "rated": True}
    early = facts(**done, reviewed_on=MIDPOINT - datetime.timedelta(days=1))
    steps = {step.stage: step for step in steps_of(early, today=MIDPOINT)}
    assert steps[Stage.MIDPOINT].current and not steps[Stage.MIDPOINT].done
    on_time = facts(**done, reviewed_on=MIDPOINT)
    steps = {step.stage: step for step in steps_of(on_time, today=MIDPOINT)}
    # Done, and still where the pair is until the closing weeks come.
    assert steps[Stage.MIDPOINT].current and steps[Stage.MIDPOINT].done
    assert steps[Stage.MIDPOINT].state == "done"
    assert steps[Stage.CLOSING].state == "to_come"


def test_closing_comes_with_the_calendar_and_what_was_not_done_says_so():
    steps = steps_of(facts(has_agreement=True), today=END - datetime.timedelta(weeks=4))
    by_stage = {step.stage: step for step in steps}
    assert by_stage[Stage.CLOSING].current
    assert by_stage[Stage.FIRST_CALL].state == "skipped"
    assert by_stage[Stage.AGREEMENT].state == "done"
    assert by_stage[Stage.MATCHED].state == "done"


def test_an_ended_partnership_is_closed():
    steps = steps_of(facts(current=False), today=START)
    last = steps[-1]
    assert last.stage == Stage.CLOSING and last.current and last.done


def test_a_stage_done_out_of_order_stays_done():
    steps = {step.stage: step for step in steps_of(facts(has_agreement=True, rated=True), today=START)}
    assert steps[Stage.FIRST_CALL].state == "current"
    assert steps[Stage.GOALS_RATED].state == "done"


def test_week_of_weeks_and_calls_held_against_agreed():
    progress = progress_of(
        facts(has_agreement=True),
        rhythm=Rhythm("every_two_weeks"),
        calls_held=7,
        today=START + datetime.timedelta(weeks=16, days=3),
    )
    assert (progress.week, progress.weeks) == (17, 24)
    assert (progress.calls_held, progress.calls_agreed) == (7, 9)  # slots on days 0, 14, … 112
    assert progress.midpoint_on == MIDPOINT
    assert progress.total == 6 and progress.number == 3  # first call
    after_the_end = progress_of(
        facts(has_agreement=True),
        rhythm=Rhythm("weekly"),
        calls_held=20,
        today=END + datetime.timedelta(weeks=3),
    )
    assert after_the_end.week == 24 and after_the_end.calls_agreed == 24


def test_before_the_start_and_without_an_agreement_nothing_is_counted():
    progress = progress_of(facts(started_on=None), rhythm=None, calls_held=0, today=START)
    assert progress.week is None and progress.weeks is None and progress.calls_agreed is None
    assert calls_agreed(Rhythm("monthly"), START, START + datetime.timedelta(days=65)) == 3


def test_the_first_call_slot_counts_and_held_never_exceeds_agreed():
    """Found with the demo: Sam, 94 days in, met on the first day and every two
    weeks since (7 calls) read "7 of 6"; Priya, 125 days in, 8 calls held and one
    missed, read "8 of 8"."""
    every_two_weeks = Rhythm("every_two_weeks")
    sam = progress_of(
        facts(has_agreement=True),
        rhythm=every_two_weeks,
        calls_held=7,
        today=START + datetime.timedelta(days=94),
    )
    assert (sam.calls_held, sam.calls_agreed) == (7, 7)
    priya = progress_of(
        facts(has_agreement=True),
        rhythm=every_two_weeks,
        calls_held=8,
        today=START + datetime.timedelta(days=125),
    )
    assert (priya.calls_held, priya.calls_agreed) == (8, 9)
    extra = progress_of(
        facts(has_agreement=True),
        rhythm=every_two_weeks,
        calls_held=3,
        today=START + datetime.timedelta(days=13),
    )
    assert (extra.calls_held, extra.calls_agreed) == (1, 1)  # calls beyond the rhythm do not count ahead
    assert calls_agreed(every_two_weeks, START, START) == 1  # the first day is the first call's


def test_the_mid_point_review_is_not_now_before_the_mid_point():
    """Found with the demo: Kwame's tracker said "Mid-point review — now" beside
    "mid-point review from 9 December"."""
    done = {"has_agreement": True, "held_a_call": True, "rated": True}
    before = {
        step.stage: step for step in steps_of(facts(**done), today=MIDPOINT - datetime.timedelta(days=1))
    }
    assert before[Stage.MIDPOINT].current and before[Stage.MIDPOINT].opens_on == MIDPOINT
    on_the_day = {step.stage: step for step in steps_of(facts(**done), today=MIDPOINT)}
    assert on_the_day[Stage.MIDPOINT].current and on_the_day[Stage.MIDPOINT].opens_on is None


def test_goals_rated_is_to_do_until_a_rating_round_is_given():
    """Found with the demo: pairs without goals read "Stage 4 of 6: Goals rated"."""
    steps = {step.stage: step for step in steps_of(facts(has_agreement=True, held_a_call=True), today=START)}
    assert steps[Stage.GOALS_RATED].state == "current" and not steps[Stage.GOALS_RATED].done
    assert steps[Stage.GOALS_RATED].opens_on is None
