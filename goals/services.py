"""Writes for goals and ratings. Each service checks who may call it, validates,
and saves inside one transaction; the database constraints are the last word.

Goals, milestones and ratings are the protégé's: only they write them. The
mentor may suggest a goal, which the protégé accepts (writing it in their own
words) or declines."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from partnerships.models import Partnership
from partnerships.signals import pair_changed
from programs.models import Participant

from .models import (
    MAX_ACTIVE_PER_CATEGORY,
    Category,
    Goal,
    GoalRevision,
    GoalSuggestion,
    Milestone,
    ProgressRating,
    RatingRound,
)
from .selectors.ratings import next_rating_point, rounds_of

WORDING = ["title", "why", "metric", "baseline", "target", "unit", "deadline"]
SMART_FIELDS = ["metric", "baseline", "target", "unit", "deadline"]


def _require_protege(partnership: Partnership, by) -> None:
    """Refuses the mentor (PermissionDenied); ``side_of`` refuses anyone outside the pair."""
    if partnership.side_of(by) != Participant.Role.PROTEGE:
        raise PermissionDenied(gettext("Only the protégé writes and rates their goals."))


def _require_mentor(partnership: Partnership, by) -> None:
    if partnership.side_of(by) != Participant.Role.MENTOR:
        raise PermissionDenied(gettext("Only the mentor suggests goals."))


def _lock(partnership: Partnership) -> None:
    """Serialises writes to one partnership's goals, so two requests at once
    cannot both take the last free place of a category."""
    list(Partnership.objects.select_for_update().filter(pk=partnership.pk).order_by().values_list("pk"))


def _full(category: str) -> ValidationError:
    label = Category(category).label
    return ValidationError(
        {
            "category": gettext(
                "You already have %(count)d active %(kind)s goals. "
                "Mark one achieved or drop it before adding another."
            )
            % {"count": MAX_ACTIVE_PER_CATEGORY, "kind": label}
        },
        code="category_full",
    )


def _free_slot(partnership: Partnership, category: str) -> int:
    taken = set(
        Goal.objects.filter(partnership=partnership, category=category)
        .active()
        .values_list("slot", flat=True)
    )
    for slot in range(1, MAX_ACTIVE_PER_CATEGORY + 1):
        if slot not in taken:
            return slot
    raise _full(category)


def _wording(category: str, wording: dict) -> dict:
    """The goal's words; the SMART fields only for SMART goals."""
    cleaned = {name: wording.get(name) for name in WORDING}
    cleaned["title"] = (cleaned["title"] or "").strip()
    cleaned["why"] = (cleaned["why"] or "").strip()
    cleaned["metric"] = (cleaned["metric"] or "").strip()
    cleaned["unit"] = (cleaned["unit"] or "").strip()
    if category != Category.SMART:
        cleaned.update(metric="", unit="", baseline=None, target=None, deadline=None)
    return cleaned


def _insert_goal(*, partnership: Partnership, category: str, wording: dict, **extra) -> Goal:
    goal = Goal(
        partnership=partnership,
        category=category,
        slot=_free_slot(partnership, category),
        **_wording(category, wording),
        **extra,
    )
    goal.full_clean(exclude=["partnership", "advances", "suggestion"], validate_constraints=False)
    try:
        with transaction.atomic():
            goal.save()
    except IntegrityError as exc:
        if "goal_max_three_active_per_category" in str(exc):
            raise _full(category) from exc
        raise
    return goal


@transaction.atomic
def goal_create(
    *, partnership: Partnership, by, category: str, suggestion: GoalSuggestion | None = None, **wording
) -> Goal:
    """Adds an active goal in the protégé's words. Refused (ValidationError on
    ``category``) when the category already has three active goals: checked
    here and guarded by a unique constraint on the goal's place.

    With ``suggestion`` (the mentor's, still waiting), accepts it: the goal
    records where it came from and the suggestion is marked accepted."""
    _require_protege(partnership, by)
    _lock(partnership)
    advances = None
    if suggestion is not None:
        if suggestion.partnership_id != partnership.pk:
            raise ValidationError(gettext("This suggestion belongs to another partnership."))
        decided = GoalSuggestion.objects.filter(
            pk=suggestion.pk, status=GoalSuggestion.Status.PENDING
        ).update(status=GoalSuggestion.Status.ACCEPTED, decided_at=timezone.now())
        if not decided:
            raise ValidationError(gettext("This suggestion has already been answered."))
        advances = suggestion.advances
        if advances is not None:
            category = advances.category
            _close_for_advance(advances)
    return _insert_goal(
        partnership=partnership, category=category, wording=wording, suggestion=suggestion, advances=advances
    )


def _close_for_advance(goal: Goal) -> None:
    goal.refresh_from_db(fields=["status", "slot", "closed_at"])
    if goal.status == Goal.Status.DROPPED:
        raise ValidationError(gettext("A dropped goal cannot be followed by a more advanced version."))
    if goal.is_active:
        goal.status, goal.slot, goal.closed_at = Goal.Status.ACHIEVED, None, timezone.now()
        goal.save(update_fields=["status", "slot", "closed_at", "updated_at"])


@transaction.atomic
def goal_advance(*, goal: Goal, by, **wording) -> Goal:
    """Follows ``goal`` with a more advanced version in the same category, linked
    to it. The earlier goal is marked achieved (it is what made the next step
    possible), which frees its place; its ratings and history stay."""
    _require_protege(goal.partnership, by)
    _lock(goal.partnership)
    _close_for_advance(goal)
    return _insert_goal(partnership=goal.partnership, category=goal.category, wording=wording, advances=goal)


@transaction.atomic
def goal_revise(*, goal: Goal, by, reason: str = "", **wording) -> Goal:
    """Rewords a goal; the earlier wording stays in the goal's history with the
    reason given. Nothing changes (and nothing is recorded) when the words are the same."""
    _require_protege(goal.partnership, by)
    new = _wording(goal.category, wording)
    before = {name: getattr(goal, name) for name in WORDING}
    if new == before:
        return goal
    GoalRevision.objects.create(goal=goal, reason=reason.strip(), **before)
    for name, value in new.items():
        setattr(goal, name, value)
    goal.full_clean(exclude=["partnership", "advances", "suggestion"], validate_constraints=False)
    goal.save(update_fields=[*WORDING, "updated_at"])
    return goal


@transaction.atomic
def goal_set_status(*, goal: Goal, by, status: str) -> Goal:
    """Marks a goal achieved or dropped (freeing its place in the category), or
    makes it active again if its category has a free place."""
    _require_protege(goal.partnership, by)
    _lock(goal.partnership)
    goal.refresh_from_db(fields=["status", "slot", "closed_at"])
    if status == goal.status:
        return goal
    if status == Goal.Status.ACTIVE:
        goal.slot, goal.closed_at = _free_slot(goal.partnership, goal.category), None
    elif status in (Goal.Status.ACHIEVED, Goal.Status.DROPPED):
        goal.slot, goal.closed_at = None, timezone.now()
    else:
        raise ValidationError(gettext("Choose achieved, dropped or active."), code="unknown_status")
    goal.status = status
    goal.save(update_fields=["status", "slot", "closed_at", "updated_at"])
    return goal


@transaction.atomic
def milestone_add(*, goal: Goal, by, title: str, due_on) -> Milestone:
    """Adds a short-term step under an active goal."""
    _require_protege(goal.partnership, by)
    if not goal.is_active:
        raise ValidationError(gettext("Steps are added to active goals only."))
    milestone = Milestone(goal=goal, title=title.strip(), due_on=due_on)
    milestone.full_clean(exclude=["goal"])
    milestone.save()
    return milestone


@transaction.atomic
def milestone_set_done(*, milestone: Milestone, by, done: bool) -> Milestone:
    """Ticks a step off, or back on. Idempotent."""
    _require_protege(milestone.goal.partnership, by)
    milestone.done_at = (milestone.done_at or timezone.now()) if done else None
    milestone.save(update_fields=["done_at"])
    return milestone


@transaction.atomic
def suggestion_create(
    *, partnership: Partnership, by, category: str, title: str, note: str = "", advances: Goal | None = None
) -> GoalSuggestion:
    """The mentor suggests a goal; it waits for the protégé to accept or decline it."""
    _require_mentor(partnership, by)
    if advances is not None and advances.partnership_id != partnership.pk:
        raise ValidationError(gettext("That goal belongs to another partnership."))
    suggestion = GoalSuggestion(
        partnership=partnership,
        category=advances.category if advances else category,
        title=title.strip(),
        note=note.strip(),
        advances=advances,
        suggested_by=by,
    )
    suggestion.full_clean(exclude=["partnership", "advances", "suggested_by"])
    suggestion.save()
    return suggestion


@transaction.atomic
def suggestion_decline(*, suggestion: GoalSuggestion, by) -> GoalSuggestion:
    """The protégé declines the mentor's suggestion. Idempotent."""
    _require_protege(suggestion.partnership, by)
    GoalSuggestion.objects.filter(pk=suggestion.pk, status=GoalSuggestion.Status.PENDING).update(
        status=GoalSuggestion.Status.DECLINED, decided_at=timezone.now()
    )
    suggestion.refresh_from_db()
    return suggestion


@dataclass(frozen=True)
class RatingEntry:
    goal: Goal
    value: int
    metric_value: Decimal | None = None
    self_assessment: str = ""
    reflection: str = ""


@transaction.atomic
def ratings_record(*, partnership: Partnership, by, entries: list[RatingEntry]) -> RatingRound:
    """Records one rating round: the active goals the protégé rated this time
    (at least one; a goal may be skipped and waits for the next round), each
    0–10 with what grounds the number. All or nothing; the database refuses a
    value outside 0–10. The round is the baseline when it is the first, the
    end rating when the planned end has come, a check-in otherwise."""
    _require_protege(partnership, by)
    _lock(partnership)
    active = set(Goal.objects.filter(partnership=partnership).active().values_list("pk", flat=True))
    if not active:
        raise ValidationError(gettext("Add a goal before rating your progress."), code="no_goals")
    if not entries:
        raise ValidationError(gettext("Rate at least one goal."), code="nothing_rated")
    rated = [entry.goal.pk for entry in entries]
    if len(set(rated)) != len(rated) or not set(rated) <= active:
        raise ValidationError(
            gettext("Your goals changed meanwhile: look again, and rate the goals shown."),
            code="goals_changed",
        )
    rounds = rounds_of(partnership)
    due = next_rating_point(partnership, **rounds, active_goals=len(active))
    point = RatingRound.Point.CHECK_IN
    if rounds["last_round_at"] is None:
        point = RatingRound.Point.BASELINE
    elif due is not None and due.point == RatingRound.Point.END and due.due_now:
        point = RatingRound.Point.END
    now = timezone.now()
    rating_round = RatingRound.objects.create(partnership=partnership, point=point, created_at=now)
    ProgressRating.objects.bulk_create(
        ProgressRating(
            round=rating_round,
            goal=entry.goal,
            value=entry.value,
            metric_value=entry.metric_value if entry.goal.is_smart else None,
            self_assessment=entry.self_assessment.strip()
            if entry.goal.category == Category.COMPETENCY
            else "",
            reflection=entry.reflection.strip() if entry.goal.category == Category.SITUATION else "",
            created_at=now,
        )
        for entry in entries
    )
    pair_changed.send(sender=Partnership, partnership_ids=[partnership.pk])
    return rating_round
