"""Writes that turn a protégé's request for a mentor into a partnership: the
mentor accepts, and, where the program asks for it, an admin approves or
refuses. Sending, withdrawing, declining and expiry are
``programs.services.requests`` (below this app).

A partnership made from a request starts exactly as an admin's match does
(``partnership_match``: the score and reasons from scoring, the match emails,
the agreement step), with the mentor, or the approving admin, as the one who
matched. Capacity is held by the database: ``partnership_match`` raises the
mentor's load under a check constraint, so two accepts at once for a mentor's
last place make one partnership and the other is refused in words."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from programs.models import CURRENT_PAIR_STATUSES, Participant
from programs.models.requests import MentorRequest, RequestStatus
from programs.services.requests import RequestEvent, clean_answer, enqueue_request_email

from .models import Partnership
from .services import partnership_match


def _closed() -> ValidationError:
    return ValidationError(gettext("This request has been answered or closed already."), code="closed")


def _hold_protege(request: MentorRequest) -> None:
    """Locks the protégé's row before anything else is written, so that accepts
    and approvals for one protégé (and an admin's match, which takes the same
    lock in ``partnership_match``) take turns: two mentors accepting the same
    protégé at once deadlocked, each holding its own request and waiting for
    the other's. Refuses when the protégé has a mentor by the time it is theirs."""
    list(Participant.objects.select_for_update().filter(pk=request.protege_id).values_list("pk", flat=True))
    if Partnership.objects.filter(protege_id=request.protege_id, status__in=CURRENT_PAIR_STATUSES).exists():
        raise ValidationError(
            gettext("%(name)s has a mentor already, so this request cannot be accepted.")
            % {"name": request.protege.user.name},
            code="protege_taken",
        )


def _claim(request: MentorRequest, *, frm: str, to: str, **values) -> MentorRequest:
    """Moves the request from ``frm`` to ``to`` by conditional UPDATE (its row
    stays locked until commit); refuses when it moved first."""
    if not MentorRequest.objects.filter(pk=request.pk, status=frm).update(status=to, **values):
        raise _closed()
    return MentorRequest.objects.select_related("program", "protege__user", "mentor__user").get(pk=request.pk)


def _no_place_for_you() -> ValidationError:
    return ValidationError(
        gettext(
            "You have no free place left, so you cannot accept this request now. "
            "Decline it kindly, or end a partnership first."
        ),
        code="mentor_full",
    )


def _refuse_if_closed_for_full_places(request: MentorRequest) -> None:
    """Says so, to the mentor, when their request was closed because their
    last place was taken meanwhile (declined with no answer of theirs:
    ``requests_close_for_full_mentor``)."""
    if MentorRequest.objects.filter(
        pk=request.pk, status=RequestStatus.DECLINED, answered_at__isnull=True
    ).exists():
        raise _no_place_for_you()


def _start_partnership(request: MentorRequest, *, matched_by) -> Partnership:
    """Makes the partnership of a request already marked matched and records it
    on the request; ``partnership_match`` withdraws the protégé's other pending
    requests (their mentors are not emailed: their requests page shows it)."""
    try:
        partnership = partnership_match(
            program=request.program, protege=request.protege, mentor=request.mentor, matched_by=matched_by
        )
    except ValidationError as exc:
        if exc.code == "mentor_full" or any("no free place" in m for m in exc.messages):
            if matched_by.pk == request.mentor.user_id:
                raise _no_place_for_you() from exc
            raise ValidationError(
                gettext("%(name)s has no free place left, so this request cannot be accepted now.")
                % {"name": request.mentor.user.name},
                code="mentor_full",
            ) from exc
        if exc.code == "protege_taken" or any("already has a mentor" in m for m in exc.messages):
            raise ValidationError(
                gettext("%(name)s has a mentor already, so this request cannot be accepted.")
                % {"name": request.protege.user.name},
                code="protege_taken",
            ) from exc
        raise
    MentorRequest.objects.filter(pk=request.pk).update(partnership_id=partnership.pk)
    return partnership


@transaction.atomic
def request_accept(*, request: MentorRequest, by) -> MentorRequest:
    """The mentor asked accepts an open request. Without approval, the
    partnership starts now (see the module's docstring), the protégé's other
    pending requests are withdrawn and both are emailed as for a match; with
    the program's approval on, the request waits for an admin (status
    accepted), the protégé is told it does and the program's admins that it
    waits for them (each once).

    Refused (ValidationError, nothing saved) when ``by`` is not the mentor
    asked, the request is no longer open, the mentor has no free place left
    or the protégé has found a mentor meanwhile."""
    if by.pk != request.mentor.user_id:
        raise ValidationError(gettext("Only the mentor asked can answer this request."), code="not_yours")
    _hold_protege(request)
    now = timezone.now()
    if request.program.requests_need_approval:
        try:
            request = _claim(request, frm=RequestStatus.OPEN, to=RequestStatus.ACCEPTED, answered_at=now)
        except ValidationError:
            _refuse_if_closed_for_full_places(request)
            raise
        enqueue_request_email(request.pk, RequestEvent.ACCEPTED)
        enqueue_request_email(request.pk, RequestEvent.APPROVAL)
        return request
    try:
        request = _claim(
            request, frm=RequestStatus.OPEN, to=RequestStatus.MATCHED, answered_at=now, closed_at=now
        )
    except ValidationError:
        _refuse_if_closed_for_full_places(request)
        raise
    _start_partnership(request, matched_by=by)
    request.refresh_from_db()
    return request


def _refuse_unless_admin(request: MentorRequest, by) -> None:
    if not request.program.admins.filter(pk=by.pk).exists():
        raise ValidationError(gettext("Only the program's admins can approve requests."), code="not_admin")


@transaction.atomic
def request_approve(*, request: MentorRequest, by) -> MentorRequest:
    """A program admin approves a request its mentor accepted: the partnership
    starts as in ``request_accept``, with the admin as the one who matched.
    Refused as ``request_accept`` is, and when ``by`` is not an admin of the program."""
    _refuse_unless_admin(request, by)
    _hold_protege(request)
    request = _claim(request, frm=RequestStatus.ACCEPTED, to=RequestStatus.MATCHED, closed_at=timezone.now())
    _start_partnership(request, matched_by=by)
    request.refresh_from_db()
    return request


@transaction.atomic
def request_refuse(*, request: MentorRequest, by, answer: str) -> MentorRequest:
    """A program admin does not approve an accepted request, saying why in a
    line (``answer``, ≤ 300 characters); the protégé is told kindly by email."""
    _refuse_unless_admin(request, by)
    answer = clean_answer(answer)
    request = _claim(
        request, frm=RequestStatus.ACCEPTED, to=RequestStatus.REFUSED, answer=answer, closed_at=timezone.now()
    )
    enqueue_request_email(request.pk, RequestEvent.REFUSED)
    return request
