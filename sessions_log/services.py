"""Writes for the call log. Each service validates and saves inside one
transaction; the database constraints are the last word. Only the mentor and
the protégé of a partnership reach these (the views go through
``partnerships.access.get_partnership_for``); a service also refuses the side
an action does not belong to."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from partnerships.agreements import partnership_set_next_call, schedule_zone
from partnerships.models import Partnership
from partnerships.signals import pair_changed
from programs.models import Participant

from .models import AgendaItem, CallFeedback, Homework, PartnershipCheck, Session

# Every this many held calls, both sides are asked whether the partnership works.
CHECK_EVERY = 3
SESSION_FIELDS = [
    "status",
    "starts_at",
    "minutes",
    "method",
    "checkin_notes",
    "topic",
    "key_learnings",
    "prepare_next",
    "next_call_at",
]
# A reflection on homework: a line or two, room for a paragraph.
REFLECTION_MAX = 2000
RECAP_STATUSES = [Homework.Status.DONE, Homework.Status.PARTLY, Homework.Status.NOT_DONE]


def _require(partnership: Partnership, by, role: str, what: str) -> None:
    """Refuses the other side; ``side_of`` refuses anyone outside the pair.
    ``what``: the action, already in words (e.g. ``gettext("log a call")``)."""
    if partnership.side_of(by) != role:
        if role == Participant.Role.MENTOR:
            raise ValidationError(
                gettext("Only the mentor of this partnership can %(what)s.") % {"what": what}
            )
        raise ValidationError(gettext("Only the protégé of this partnership can %(what)s.") % {"what": what})


def _locked(partnership: Partnership) -> Partnership:
    """The partnership row, locked: one pair's log changes one at a time."""
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if not locked.is_current:
        raise ValidationError(gettext("This partnership has ended; its call log can no longer change."))
    return locked


def homework_default_due(
    *, partnership: Partnership, starts_at: datetime.datetime, next_call_at=None
) -> datetime.date:
    """Homework is due by the next call: the one just set, else the one the
    pair has set, else a fortnight after this call."""
    zone = schedule_zone(partnership)
    if next_call_at is None and partnership.next_call_at and partnership.next_call_at > starts_at:
        next_call_at = partnership.next_call_at
    if next_call_at is not None:
        return next_call_at.astimezone(zone).date()
    return (starts_at + datetime.timedelta(days=14)).astimezone(zone).date()


def call_day(partnership: Partnership, starts_at: datetime.datetime) -> datetime.date:
    """The day of a call in the pair's schedule zone, the zone homework due dates keep."""
    return starts_at.astimezone(schedule_zone(partnership)).date()


def homework_to_recap(partnership: Partnership, *, due_by: datetime.date | None = None) -> list[Homework]:
    """The homework a call's check-in recaps: every item set at an earlier
    (finished) call, not yet recapped and, with ``due_by`` (the call's day),
    due by then; homework due later waits for its own call. One query."""
    items = Homework.objects.to_recap().filter(partnership=partnership)
    if due_by is not None:
        items = items.due_by(due_by)
    return list(items.order_by("due_on", "pk"))


@transaction.atomic
def session_log(
    *,
    partnership: Partnership,
    by,
    data: dict,
    homework: list[dict],
    recap: dict[int, str] | None = None,
    covered: list[int] | None = None,
    draft: bool = False,
) -> Session:
    """Logs a call, in one transaction: the call; the recap of the homework
    due by its day (each done, partly or not done); the agenda items it
    ``covered`` (ids; ``None``: the whole agenda), which become this call's
    while the rest stay on the next call's agenda; the new homework (due by
    the next call unless a date is given); the next call's date, which updates
    the pair's schedule; and, for a held call, the partnership's last call.
    Either all of it is saved or none of it.

    With ``draft=True`` the half-written log is kept for later (one per pair,
    which this finishes or overwrites); nothing else changes until it is
    finished. Only the mentor may log a call."""
    _require(partnership, by, Participant.Role.MENTOR, gettext("log a call"))
    _locked(partnership)
    recap = {int(k): v for k, v in (recap or {}).items() if v}
    session = Session.objects.filter(partnership=partnership, is_draft=True).first() or Session(
        partnership=partnership
    )
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, data[name])
    session.is_draft = draft
    session.logged_by = by
    session.draft_recap = {str(k): v for k, v in recap.items()} if draft else {}
    session.draft_covered = sorted({int(pk) for pk in covered or []}) if draft else []
    session.full_clean(exclude=["partnership", "logged_by"])
    if not draft and session.status == Session.Status.PLANNED:
        raise ValidationError({"status": gettext("Say whether the call was held, missed or cancelled.")})
    session.save()

    # A draft's homework rows are written again each time it is saved.
    session.homework.all().delete()
    due = homework_default_due(
        partnership=partnership, starts_at=session.starts_at, next_call_at=session.next_call_at
    )
    rows = []
    for row in homework:
        item = Homework(
            partnership=partnership, session=session, **{"due_on": due, **{k: v for k, v in row.items() if v}}
        )
        item.full_clean(exclude=["partnership", "session", "recapped_in"])
        rows.append(item)
    Homework.objects.bulk_create(rows)
    if draft:
        return session

    now = timezone.now()
    if session.status == Session.Status.HELD:
        due_items = {
            h.pk: h
            for h in homework_to_recap(partnership, due_by=call_day(partnership, session.starts_at))
            if h.session_id != session.pk
        }
        missing = [h for pk, h in due_items.items() if pk not in recap and h.status == Homework.Status.OPEN]
        if missing:
            raise ValidationError(
                {
                    "recap": gettext("Say how each homework went: “%(homework)s” has no answer yet.")
                    % {"homework": missing[0].description}
                }
            )
        for pk, status in recap.items():
            recapped = due_items.get(pk)
            if recapped is None:
                continue
            if status not in RECAP_STATUSES:
                raise ValidationError({"recap": gettext("Choose done, partly or not done.")})
            # A reflection kept on an unticked item was taken back: the recap does not publish it.
            if status == Homework.Status.NOT_DONE or recapped.status == Homework.Status.OPEN:
                recapped.reflection = ""
            recapped.status = status
            recapped.recapped_in = session
            recapped.done_at = (recapped.done_at or now) if status == Homework.Status.DONE else None
            recapped.save(update_fields=["status", "recapped_in", "done_at", "reflection", "updated_at"])
        # What the call covered of the agenda waiting for it becomes this call's; the rest waits for the next.
        agenda = AgendaItem.objects.filter(partnership=partnership, session__isnull=True, someday=False)
        if covered is not None:
            agenda = agenda.filter(pk__in=[int(pk) for pk in covered])
        agenda.update(session=session)
        # Only moves the last call forward: logging an older call keeps the newer one.
        Partnership.objects.filter(pk=partnership.pk).filter(
            Q(last_call_at__isnull=True) | Q(last_call_at__lt=session.starts_at)
        ).update(last_call_at=session.starts_at, updated_at=now)
    else:
        # A set call replaced before it was logged counted as held
        # (``partnership_set_next_call``); logged as missed or cancelled, the
        # last call is the latest held one again.
        latest_held = (
            Session.objects.held()
            .filter(partnership=partnership)
            .order_by("-starts_at")
            .values("starts_at")[:1]
        )
        Partnership.objects.filter(pk=partnership.pk, last_call_at=session.starts_at).update(
            last_call_at=Subquery(latest_held), updated_at=now
        )
    if session.next_call_at is not None and session.next_call_at > now:
        partnership_set_next_call(partnership=partnership, by=by, at=session.next_call_at)
    pair_changed.send(sender=Partnership, partnership_ids=[partnership.pk])
    partnership.refresh_from_db()
    return session


def _undecided(homework: Homework):
    """The item while the protégé may still tick or untick it: set at a finished
    call and not yet recapped at the next one."""
    return Homework.objects.filter(pk=homework.pk, recapped_in__isnull=True, session__is_draft=False)


def _not_open() -> ValidationError:
    return ValidationError(
        gettext("This homework was recapped at a call; it can no longer change."), code="not_open"
    )


@transaction.atomic
def homework_mark_done(*, homework: Homework, by, reflection: str = "") -> Homework:
    """The protégé ticks an item done, with an optional short reflection on
    what they took from it. Ticking a done item again keeps when it was done
    and only replaces the reflection with a new one (an empty one keeps what
    was written), so the same tick sent from two tabs is one. Once the call's
    check-in recapped it, it is refused with code ``"not_open"``."""
    partnership = homework.partnership
    _require(partnership, by, Participant.Role.PROTEGE, gettext("mark homework done"))
    _locked(partnership)
    reflection = reflection.strip()
    if len(reflection) > REFLECTION_MAX:
        raise ValidationError({"reflection": gettext("Keep it short: at most 2,000 characters.")})
    now = timezone.now()
    written = {"reflection": reflection} if reflection else {}
    updated = (
        _undecided(homework)
        .filter(status__in=[Homework.Status.OPEN, Homework.Status.DONE])
        .update(
            status=Homework.Status.DONE,
            done_at=Coalesce(F("done_at"), Value(now)),
            updated_at=now,
            **written,
        )
    )
    if not updated:
        raise _not_open()
    pair_changed.send(sender=Partnership, partnership_ids=[partnership.pk])
    homework.refresh_from_db()
    return homework


@transaction.atomic
def homework_reopen(*, homework: Homework, by) -> Homework:
    """The protégé unticks an item ticked done by mistake: it is to do again
    until the call recaps it. Its reflection is kept, shown to the protégé
    only, and comes back when they tick it again. Unticking an item that
    is to do changes nothing; once recapped, it is refused with code ``"not_open"``."""
    partnership = homework.partnership
    _require(partnership, by, Participant.Role.PROTEGE, gettext("mark homework done"))
    _locked(partnership)
    undecided = _undecided(homework)
    reopened = undecided.filter(status=Homework.Status.DONE).update(
        status=Homework.Status.OPEN, done_at=None, updated_at=timezone.now()
    )
    if not reopened and not undecided.filter(status=Homework.Status.OPEN).exists():
        raise _not_open()
    if reopened:
        pair_changed.send(sender=Partnership, partnership_ids=[partnership.pk])
    homework.refresh_from_db()
    return homework


@transaction.atomic
def agenda_item_add(*, partnership: Partnership, by, text: str, someday: bool = False) -> AgendaItem:
    """Either side adds a topic or question to the next call's agenda, or to
    the running list of topics for someday. The same topic waiting already
    (on the agenda or the someday list) is refused with code ``"already_there"``
    and its place in ``params["someday"]``: one row, however often it is sent."""
    role = partnership.side_of(by)  # refuses anyone outside the pair
    _locked(partnership)
    text = text.strip()
    waiting = (
        AgendaItem.objects.filter(partnership=partnership, session__isnull=True, text=text)
        .values_list("someday", flat=True)
        .first()
    )
    if waiting is not None:
        raise ValidationError(
            gettext("“%(topic)s” is on the list already."),
            code="already_there",
            params={"topic": text, "someday": waiting},
        )
    item = AgendaItem(partnership=partnership, text=text, someday=someday, added_by=by, added_by_role=role)
    item.full_clean(exclude=["partnership", "added_by", "session"])
    item.save()
    return item


@transaction.atomic
def agenda_item_pull(*, item: AgendaItem, by) -> AgendaItem:
    """Pulls a someday topic into the next call's agenda. Either side may."""
    _locked(item.partnership)
    AgendaItem.objects.filter(pk=item.pk, someday=True, session__isnull=True).update(someday=False)
    item.refresh_from_db()
    return item


@transaction.atomic
def call_feedback_give(*, session: Session, by, rating: int, comment: str = "") -> CallFeedback:
    """The protégé rates how valuable a held call was, 1–5, once: a second
    rating is refused with code ``"already_rated"`` (the first stands)."""
    _require(session.partnership, by, Participant.Role.PROTEGE, gettext("rate a call"))
    if session.is_draft or session.status != Session.Status.HELD:
        raise ValidationError(gettext("Only a call that was held can be rated."))
    feedback = CallFeedback(session=session, rating=rating, comment=comment.strip())
    feedback.full_clean(exclude=["session"])
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError as exc:
        raise ValidationError(gettext("You have already rated this call."), code="already_rated") from exc
    return feedback


def check_due_round(*, held_calls: int, answered_rounds: set[int]) -> int | None:
    """The round (a multiple of CHECK_EVERY held calls) this person has yet to
    answer, if any: only the latest round is asked, never a backlog."""
    latest = held_calls - held_calls % CHECK_EVERY
    return latest if latest and latest not in answered_rounds else None


@transaction.atomic
def partnership_check_give(
    *, partnership: Partnership, by, after_calls: int, working: int, valuable: int, comment: str = ""
) -> PartnershipCheck:
    """One side says whether the partnership is working and whether the
    conversations are valuable (1–5 each), once per round of calls."""
    check = PartnershipCheck(
        partnership=partnership,
        role=partnership.side_of(by),  # refuses anyone outside the pair
        author=by,
        after_calls=after_calls,
        working=working,
        valuable=valuable,
        comment=comment.strip(),
    )
    check.full_clean(exclude=["partnership", "author"], validate_constraints=False)
    # The pair's lock, which pair_changed's receivers count on.
    Partnership.objects.select_for_update().get(pk=partnership.pk)
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError as exc:
        raise ValidationError(
            gettext("You have already answered this time; you will be asked again in a few calls.")
        ) from exc
    pair_changed.send(sender=Partnership, partnership_ids=[partnership.pk])
    return check
