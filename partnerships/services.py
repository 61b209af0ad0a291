"""Writes for programs, matching and partnerships. Each service validates and
saves inside one transaction; the database constraints are the last word."""

import datetime
import uuid

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from mentoring import mail
from mentoring.dates import date_format
from mentoring.site import absolute_url
from partnerships import invitations
from partnerships.models import ClosingReflection, Partnership, TimeOffer
from partnerships.signals import pair_changed
from programs.models import CURRENT_PAIR_STATUSES, DraftMatch, Participant, Program
from programs.models.requests import MentorRequest, RequestStatus
from programs.selectors import matching as program_selectors
from programs.services.requests import requests_close_for_full_mentor


def _refused_by(exc: IntegrityError, *, mentor: Participant, protege: Participant) -> ValidationError:
    """Turns the constraint that refused a match into words an admin can act on."""
    text = str(exc)
    if "participant_within_capacity" in text:
        return ValidationError(
            gettext("%(name)s has no free place left.") % {"name": mentor.user.name}, code="mentor_full"
        )
    if "partnership_one_current_per_protege" in text:
        return ValidationError(
            gettext("%(name)s already has a mentor in this program.") % {"name": protege.user.name},
            code="protege_taken",
        )
    raise exc


@transaction.atomic
def partnership_match(
    *,
    program: Program,
    protege: Participant,
    mentor: Participant,
    matched_by,
    draft: DraftMatch | None = None,
) -> Partnership:
    """Matches a protégé with a mentor: a proposed partnership that becomes
    active when both accept their agreement. Records who matched it and the
    score and reasons at match time; withdraws the protégé's requests still
    pending; when this takes the mentor's last place, declines their open
    requests kindly (``requests_close_for_full_mentor``); both people are
    emailed after commit.

    Refused (ValidationError) when the mentor has no free place or the protégé
    already has a mentor: checked here and guarded by the database, so two
    admins matching at once cannot overfill a mentor."""
    if protege.program_id != program.pk or mentor.program_id != program.pk:
        raise ValidationError(gettext("Both people must belong to this program."))
    if protege.role != Participant.Role.PROTEGE or mentor.role != Participant.Role.MENTOR:
        raise ValidationError(gettext("A partnership pairs a mentor with a protégé."))
    if protege.status != Participant.Status.ACTIVE or mentor.status != Participant.Status.ACTIVE:
        raise ValidationError(
            gettext("Only people who have joined the program and not withdrawn can be matched.")
        )

    if draft is not None:
        score, reasons = draft.score, draft.reasons
    else:
        suggestion = program_selectors.score_pair(program=program, mentor=mentor, protege=protege)
        score, reasons = suggestion.score, suggestion.reasons
    today = timezone.localdate()
    # The protégé's row first: every way to a partnership (an admin's match, a
    # mentor's accept, an admin's approval) takes it before writing anything
    # else, so two for one protégé take turns instead of deadlocking.
    list(Participant.objects.select_for_update().filter(pk=protege.pk).values_list("pk", flat=True))
    try:
        with transaction.atomic():
            # The row lock taken here serialises concurrent matches of one mentor;
            # the check constraint refuses the one that would exceed capacity.
            Participant.objects.filter(pk=mentor.pk).update(load=F("load") + 1)
            partnership = Partnership.objects.create(
                program=program,
                mentor=mentor,
                protege=protege,
                status=Partnership.Status.PROPOSED,
                started_on=today,
                planned_end_on=today + relativedelta(months=program.engagement_months),
                matched_by=matched_by,
                match_score=score,
                match_reasons=reasons,
            )
    except IntegrityError as exc:
        raise _refused_by(exc, mentor=mentor, protege=protege) from exc
    DraftMatch.objects.filter(protege=protege).delete()
    # The protégé has a mentor now: their requests still pending to others are withdrawn
    # (those mentors are not emailed; their requests page shows it).
    MentorRequest.objects.pending().filter(protege=protege).update(
        status=RequestStatus.WITHDRAWN, closed_at=timezone.now()
    )
    # The mentor's last place taken: the others' open requests close kindly now,
    # not a week later, and nobody accepts one only to be told they are full.
    # (After the line above, so this protégé is not told their new mentor is full.)
    load, capacity = Participant.objects.filter(pk=mentor.pk).values_list("load", "capacity").get()
    if load >= capacity:
        requests_close_for_full_mentor(mentor=mentor)

    from .tasks import send_match_emails

    send_match_emails.delay_on_commit(partnership.pk)
    return partnership


def _end(partnership: Partnership, *, status: str, reason: str, by) -> Partnership:
    """Closes a current partnership by conditional update (so closing twice at
    once closes it once) and frees the mentor's place in the same transaction.
    A call set ahead will not take place: it is cleared, and both people are
    emailed its cancellation after commit (``invitations``); times offered
    and not picked are withdrawn, so their email links say the offer is over."""
    now = timezone.now()
    updated = Partnership.objects.filter(pk=partnership.pk, status__in=CURRENT_PAIR_STATUSES).update(
        status=status, ended_reason=reason, ended_at=now, ended_by=by
    )
    if not updated:
        raise ValidationError(gettext("This partnership has already ended."))
    # The row is ours until commit (the update above locked it).
    ended = Partnership.objects.only("next_call_at", "next_call_uid", "next_call_sequence").get(
        pk=partnership.pk
    )
    if ended.next_call_at is not None and ended.next_call_at > now:
        fields, call = invitations.next_call_change(ended, at=None, now=now)
        Partnership.objects.filter(pk=partnership.pk).update(
            next_call_at=None, next_call_time_zone="", next_call_set_by=None, **fields
        )
        invitations.call_invitations_enqueue(call)
    TimeOffer.objects.filter(partnership=partnership).open().update(
        status=TimeOffer.Status.WITHDRAWN, answered_at=now
    )
    Participant.objects.filter(pk=partnership.mentor_id).update(load=F("load") - 1)
    # A closed pair keeps the numbers it closed with.
    pair_changed.send(sender=Partnership, partnership_ids=[partnership.pk])
    partnership.refresh_from_db()
    return partnership


@transaction.atomic
def partnership_unmatch(*, partnership: Partnership, reason: str, by) -> Partnership:
    """Ends a current partnership early with a reason (no blame) and frees the
    mentor's place; the protégé goes back to the matching board."""
    _refuse_if_ended(partnership)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say briefly why, so the next match can be better.")})
    return _end(partnership, status=Partnership.Status.ENDED, reason=reason, by=by)


# The closing weeks: the last stretch before the planned end. The pair's stage is
# "closing" then (home.stages), and only from then on can an active partnership be
# marked complete; before, it can only end early, with a reason.
CLOSING_PERIOD = datetime.timedelta(weeks=4)


def partnership_complete_from(partnership: Partnership) -> datetime.date | None:
    """The first day an active partnership can be marked complete: four weeks
    before its planned end (None: no planned end, so any day)."""
    end = partnership.planned_end_on
    return end - CLOSING_PERIOD if end is not None else None


def partnership_can_complete(partnership: Partnership, *, today: datetime.date | None = None) -> bool:
    """Whether the partnership can be marked complete today: it is active and at
    or near its planned end (``CLOSING_PERIOD``)."""
    if partnership.status != Partnership.Status.ACTIVE:
        return False
    start = partnership_complete_from(partnership)
    return start is None or (today or timezone.localdate()) >= start


def _refuse_if_ended(partnership: Partnership) -> None:
    if partnership.status not in CURRENT_PAIR_STATUSES:
        raise ValidationError(gettext("This partnership has already ended."), code="ended")


@transaction.atomic
def partnership_close(
    *, partnership: Partnership, by, outcome: str, reason: str = "", reflection: str = ""
) -> Partnership:
    """Completes a partnership, or ends it early with a reason (no blame), and
    frees the mentor's place. Either side of the pair or a program admin may;
    a side of the pair adds their closing reflection with it. Only an active
    partnership can be completed; a proposed one can only end early."""
    _refuse_if_ended(partnership)
    reason = reason.strip()
    if outcome not in (Partnership.Status.COMPLETED, Partnership.Status.ENDED):
        raise ValidationError(
            {"outcome": gettext("Choose whether the partnership is complete or ends early.")}
        )
    if outcome == Partnership.Status.ENDED and not reason:
        raise ValidationError(
            {"reason": gettext("Say in a sentence what changed, so the program can learn from it.")}
        )
    if outcome == Partnership.Status.COMPLETED and partnership.status != Partnership.Status.ACTIVE:
        raise ValidationError(
            {
                "outcome": gettext(
                    "A partnership that has not started cannot be complete; end it early instead."
                )
            }
        )
    # The pair know when they reached the end they agreed; a program admin
    # completes a pair only at or near its planned end.
    by_the_pair = by.pk in (partnership.mentor.user_id, partnership.protege.user_id)
    if (
        outcome == Partnership.Status.COMPLETED
        and not by_the_pair
        and not partnership_can_complete(partnership)
    ):
        start = partnership_complete_from(partnership)
        raise ValidationError(
            {
                "outcome": gettext(
                    "It can be marked complete from %(date)s, four weeks before its planned end; "
                    "until then it can only end early, with a reason."
                )
                % {"date": date_format(start, "j F Y") if start else ""}
            }
        )
    partnership = _end(partnership, status=outcome, reason=reason, by=by)
    if reflection.strip() and by.pk in (partnership.mentor.user_id, partnership.protege.user_id):
        reflection_add(partnership=partnership, by=by, text=reflection)
    return partnership


@transaction.atomic
def reflection_add(*, partnership: Partnership, by, text: str) -> ClosingReflection:
    """Adds one side's closing reflection to a partnership that has ended; each
    side writes one. Only the mentor or the protégé may (the program admin
    never sees it)."""
    if by.pk not in (partnership.mentor.user_id, partnership.protege.user_id):
        raise ValidationError(
            gettext("Only the mentor or the protégé of this partnership can reflect on it.")
        )
    if partnership.status in CURRENT_PAIR_STATUSES:
        raise ValidationError(gettext("A closing reflection is written when the partnership ends."))
    text = text.strip()
    if not text:
        raise ValidationError(
            {"text": gettext("Write a sentence or two: what you take away from this partnership.")}
        )
    role = partnership.side_of(by)
    try:
        with transaction.atomic():
            return ClosingReflection.objects.create(partnership=partnership, role=role, author=by, text=text)
    except IntegrityError as exc:
        raise ValidationError(gettext("You have already written your closing reflection.")) from exc


@transaction.atomic
def proposal_publish(*, program: Program, by) -> list[Partnership]:
    """Publishes every pair of the draft proposal at once, or none of them."""
    drafts = list(program.draft_matches.select_related("protege__user", "mentor__user").order_by("pk"))
    if not drafts:
        raise ValidationError(gettext("There is no proposal to publish."))
    errors: list[str] = []
    made: list[Partnership] = []
    for draft in drafts:
        try:
            with transaction.atomic():
                made.append(
                    partnership_match(
                        program=program,
                        protege=draft.protege,
                        mentor=draft.mentor,
                        matched_by=by,
                        draft=draft,
                    )
                )
        except ValidationError as exc:
            errors.extend(
                gettext("%(name)s: %(message)s") % {"name": draft.protege.user.name, "message": message}
                for message in exc.messages
            )
    if errors:
        raise ValidationError([gettext("Nothing was published."), *errors])
    return made


def _sides(partnership: Partnership) -> list[tuple[Participant, Participant]]:
    """(me, the other) for each side of the pair: the mentor first, then the protégé."""
    return [(partnership.mentor, partnership.protege), (partnership.protege, partnership.mentor)]


def partnership_send_match_emails(*, partnership_id: int) -> None:
    """Emails the mentor and the protégé who they are matched with
    (templates/email/matched/: plain text and HTML), each once.

    Called by the ``send_match_emails`` task, outside any transaction. Each
    email goes through the ledger (``mentoring.mail.send_once``) keyed by the
    partnership and its recipient, so a task that runs twice, or is retried
    after the first of the two emails went, sends each person one email. If a
    send fails, it raises and the task's retry sends what has not gone."""
    partnership = Partnership.objects.with_people().select_related("matched_by").get(pk=partnership_id)
    link = absolute_url(reverse("home:home"))
    for me, other in _sides(partnership):
        mail.send_once(
            "matched",
            key=f"match-{partnership.pk}-{me.user_id}",
            to=me.user.email,
            context={"partnership": partnership, "me": me, "other": other, "link": link},
        )


@transaction.atomic
def partnership_nudge(*, partnership: Partnership, by, message: str) -> None:
    """Emails both people of a current partnership the program admin's message,
    after commit. Only for a current partnership; the caller checks that ``by``
    runs its program. Each call is a new nudge, emailed again even with the
    same words: it is named (``nudge_id``) here, and its task's retries keep
    the name."""
    _refuse_if_ended(partnership)
    message = message.strip()
    if not message:
        raise ValidationError({"message": gettext("Write a short message: it is what they will read.")})
    from .tasks import send_nudge_emails

    send_nudge_emails.delay_on_commit(partnership.pk, message, by.pk, uuid.uuid4().hex)


def partnership_send_nudge_emails(
    *, partnership_id: int, message: str, sender_id: int, nudge_id: str
) -> None:
    """Emails the mentor and the protégé the program admin's message, the nudge
    ``nudge_id`` (templates/email/nudge/: plain text and HTML), each once, with
    the admin as Reply-To.

    Called by the ``send_nudge_emails`` task, outside any transaction. Each
    email goes through the ledger (``mentoring.mail.send_once``) keyed by the
    nudge and its recipient, so a task that runs twice, or is retried after the
    first of the two emails went, sends each person one email; another nudge,
    another ``nudge_id``, is emailed again."""
    from accounts.models import User

    partnership = Partnership.objects.with_people().get(pk=partnership_id)
    sender = User.objects.get(pk=sender_id)
    link = absolute_url(reverse("home:partnership", args=[partnership.pk]))
    for me, other in _sides(partnership):
        mail.send_once(
            "nudge",
            key=f"nudge-{nudge_id}-{me.user_id}",
            to=me.user.email,
            context={
                "partnership": partnership,
                "me": me,
                "other": other,
                "sender": sender,
                "message": message,
                "link": link,
            },
            reply_to=[sender.email],
        )
