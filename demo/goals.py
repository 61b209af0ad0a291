"""The demo protégé's goals for ``seed_demo``: two or three goals of each kind,
one revised, one followed by a more advanced version, milestones, a mentor's
suggestion waiting for an answer, and ratings across four months, the last
a little over a fortnight ago, so that the next check-in rating is overdue on
the two-week rhythm the pair agreed. Dated by the story (``demo.story``).

Idempotent: a partnership that already has goals is left as it is."""

import datetime
import zoneinfo
from decimal import Decimal

from django.db import transaction

from goals.models import Category, Goal, GoalRevision, GoalSuggestion, Milestone, ProgressRating, RatingRound
from goals.services import suggestion_create
from partnerships.models import Partnership

from .story import LONDON, Story, at, the_story

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")  # where Priya lives
# Rounds: two days after these calls (demo.story.Story.call_days): the
# baseline after the first, then about monthly, the last after the last logged call.
ROUNDS_AFTER_CALLS = [0, 2, 4, 6, 7]

# key: (category, title, why, SMART fields or None, ratings per round (None: not yet written))
GOALS = {
    "review_wait": (
        Category.SMART,
        "Cut the wait for cross-team reviews from 5 days to 2",
        "My team loses most of a week on every change that needs another team. Getting that back "
        "is the clearest sign I have learned to negotiate with other leads.",
        {"metric": "Median wait for a cross-team review", "baseline": "5", "target": "2", "unit": "days"},
        [2, 3, 5, 6, 7],
        ["5", "4.5", "3.5", "3", "2.5"],
    ),
    "one_to_ones": (
        Category.SMART,
        "Hold a fortnightly 1:1 with each of my 6 reports",
        "My former peers need to hear from me as their lead, not only in stand-ups.",
        {
            "metric": "Reports I held a 1:1 with in the last fortnight",
            "baseline": "2",
            "target": "6",
            "unit": "reports",
        },
        [3, 4, 6, 8, 8],
        ["2", "3", "4", "5", "6"],
    ),
    "negotiating": (
        Category.COMPETENCY,
        "Negotiating scope with other teams",
        "I say yes too fast and my team pays for it. I want to hold a position kindly.",
        None,
        [3, 5, 6, 8, 9],
        None,
    ),
    "feedback": (
        Category.COMPETENCY,
        "Giving feedback that lands",
        "Two of my reports heard my feedback as criticism last quarter. I want it to be useful to them.",
        None,
        [4, 4, 5, 6, 6],
        None,
    ),
    "negotiating_senior": (
        Category.COMPETENCY,
        "Negotiating priorities with senior stakeholders",
        "Negotiating with other leads works now; the next step is holding a position with directors.",
        None,
        [None, None, None, None, None],  # set after the last round: rated at the next
        None,
    ),
    "atlas": (
        Category.SITUATION,
        "Influence the decision makers on the Atlas migration",
        "The migration plan will land on my team. I want our constraints in it before it is decided.",
        None,
        [2, 3, 5, 5, 7],
        None,
    ),
    "peers": (
        Category.SITUATION,
        "Lead my former peers through the reorganisation",
        "Half my team applied for my role. I want them to trust that the reorg is fair.",
        None,
        [3, 4, 4, 6, 7],
        None,
    ),
}

EVIDENCE = {
    "negotiating": [
        "I agreed to everything in the platform sync.",
        "Pushed back once on the search team's request, then caved.",
        "Traded scope with the data team instead of just absorbing it.",
        "Held a position in the roadmap review and offered an alternative date.",
        "Two negotiations this month, both ended with a trade I was happy with.",
    ],
    "feedback": [
        "I avoid it until it builds up.",
        "Tried situation-behaviour-impact once; felt stiff.",
        "Gave feedback in the moment twice; one landed well.",
        "Asked for feedback on my feedback from a report. Helpful.",
        "Steady; need more practice with the harder conversations.",
    ],
    "atlas": [
        "I am not in the room where it is decided.",
        "Met the architect one to one; she listened.",
        "Got a slot in the design review; ran out of time.",
        "Wrote a one-page brief; no reaction yet.",
        "The brief was quoted in the decision record. We are in the plan.",
    ],
    "peers": [
        "Tension in every planning meeting.",
        "Talked to each person about the reorg separately.",
        "Two people still sceptical; one asked to move teams.",
        "Shared the criteria openly; the team meeting was calmer.",
        "The team proposed its own on-call split. Felt like leading, not managing.",
    ],
}


def _moments(told: Story) -> list[datetime.datetime]:
    """When Priya rated: at lunchtime in New York, two days after each call of ``ROUNDS_AFTER_CALLS``."""
    return [
        at(told.call_days[i] + datetime.timedelta(days=2), datetime.time(12, 30), NEW_YORK)
        for i in ROUNDS_AFTER_CALLS
    ]


@transaction.atomic
def seed_goals(*, partnership: Partnership, story: Story | None = None) -> None:
    """Gives the demo pair goals, history and ratings across four months,
    between the partnership's first call and today. Leaves a partnership that
    already has goals alone (so running it twice changes nothing)."""
    if Goal.objects.filter(partnership=partnership).exists():
        return
    told = story or the_story()
    today = told.today
    moments = _moments(told)
    deadline = told.ends_on - datetime.timedelta(weeks=2)  # before the partnership ends

    slots: dict[str, int] = {}
    goals: dict[str, Goal] = {}
    for key, (category, title, why, smart, _ratings, _metrics) in GOALS.items():
        first_rated = next((i for i, v in enumerate(_ratings) if v is not None), None)
        # Set at the call before its first rating; one never rated yet, just after the last round.
        if first_rated is None:
            created = moments[-1] + datetime.timedelta(minutes=40)
        else:
            created = moments[first_rated] - datetime.timedelta(days=2)
        fields = {}
        if smart:
            fields = {
                "metric": smart["metric"],
                "baseline": Decimal(smart["baseline"]),
                "target": Decimal(smart["target"]),
                "unit": smart["unit"],
                "deadline": deadline,
            }
        goal = Goal(
            partnership=partnership, category=category, title=title, why=why, created_at=created, **fields
        )
        if key == "negotiating":
            # Marked achieved just after its last rating (9), and followed by a more advanced version.
            goal.status, goal.closed_at = Goal.Status.ACHIEVED, moments[-1] + datetime.timedelta(minutes=30)
        else:
            slots[category] = slots.get(category, 0) + 1
            goal.slot = slots[category]
        if key == "negotiating_senior":
            goal.advances = goals["negotiating"]
        goal.save()
        goals[key] = goal

    # The 1:1 goal started vague and was made measurable after the first check-in.
    GoalRevision.objects.create(
        goal=goals["one_to_ones"],
        title="Have regular 1:1s with my team",
        why="My former peers need to hear from me as their lead.",
        metric="",
        reason="Made it measurable after talking it through with my mentor.",
        created_at=moments[1] + datetime.timedelta(days=3),
    )

    # A goal dropped along the way keeps its place in the history.
    Goal.objects.create(
        partnership=partnership,
        category=Category.SITUATION,
        title="Run a team offsite to reset how we work",
        why="A chance to reset how the team works together.",
        status=Goal.Status.DROPPED,
        closed_at=moments[2],
        created_at=moments[0] - datetime.timedelta(days=2),
    )

    for number, moment in enumerate(moments):
        point = RatingRound.Point.BASELINE if number == 0 else RatingRound.Point.CHECK_IN
        rating_round = RatingRound.objects.create(partnership=partnership, point=point, created_at=moment)
        ratings = []
        for key, (category, *_rest, values, metrics) in GOALS.items():
            value = values[number]
            if value is None:
                continue
            evidence = EVIDENCE.get(key, [""] * len(moments))[number] or ""
            ratings.append(
                ProgressRating(
                    round=rating_round,
                    goal=goals[key],
                    value=value,
                    metric_value=Decimal(metrics[number]) if metrics else None,
                    self_assessment=evidence if category == Category.COMPETENCY else "",
                    reflection=evidence if category == Category.SITUATION else "",
                    created_at=moment,
                )
            )
        ProgressRating.objects.bulk_create(ratings)

    for key, title, days, done in [
        ("review_wait", "Agree a review rota with the platform lead", -20, True),
        ("review_wait", "Publish review wait times on the team dashboard", 6, False),
        ("atlas", "Ask for 20 minutes at the architecture forum", 3, False),
        ("feedback", "Try feedback in the moment at the next retro", 8, False),
        ("peers", "Share the reorg criteria in writing", -10, True),
    ]:
        due_on = today + datetime.timedelta(days=days)
        Milestone.objects.create(
            goal=goals[key],
            title=title,
            due_on=due_on,
            # Done on its day, in Priya's evening.
            done_at=at(due_on, datetime.time(19), NEW_YORK) if done else None,
            created_at=goals[key].created_at + datetime.timedelta(weeks=1),
        )

    # The day after the last logged call, the mentor suggested a goal; it waits for Priya.
    suggestion = suggestion_create(
        partnership=partnership,
        by=partnership.mentor.user,
        category=Category.SITUATION,
        title="Make the case for a second hire on the team",
        note="You mentioned the on-call load twice. A written case for a hire would use everything "
        "you are practising on Atlas.",
    )
    suggested = at(told.call_days[-1] + datetime.timedelta(days=1), datetime.time(9), LONDON)
    GoalSuggestion.objects.filter(pk=suggestion.pk).update(created_at=suggested)
