"""Writes for protégés' requests for a mentor (DESIGN.md, "Programs run by their
admins": protégés request a mentor): sending, withdrawing, declining, the
reminder before a request expires and its expiry, and their emails.

Accepting, and an admin's approval or refusal, make a partnership, which sits
above programs: they are ``partnerships.services_requests``.

Each service validates and saves inside one transaction and refuses with a
ValidationError keyed by the field the person can fix (``note``, ``answer``)
or with no field when nothing they type would help. A request's state moves by
conditional UPDATE (``filter(status=OPEN).update(...)``), so two tabs, or a
person and the expiry task, cannot both move it. Emails go after commit, from
the ``send_request_email`` task, each once through the mail ledger."""

import datetime
import zoneinfo
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from mentoring import mail
from mentoring.bounds.text import validate_multi_line, validate_single_line
from mentoring.site import absolute_url

from ..models import CURRENT_PAIR_STATUSES, Participant
from ..models.requests import (
    NOTE_MAX_LENGTH,
    OPEN_REQUESTS_MAX,
    MentorRequest,
    RequestStatus,
)
from ..selectors.requests import protege_for_mentor, refusal_of_a_new_request

ANSWER_MAX_LENGTH = 300

# The kind words a mentor may choose when declining; they may write their own
# instead (``ANSWER_MAX_LENGTH``). Stored as the words, in the mentor's language.
KIND_WORDS = (
    pgettext_lazy("declining a request", "My places are full for now."),
    pgettext_lazy("declining a request", "I don't think I'm the best fit for your goals."),
    pgettext_lazy("declining a request", "The timing doesn't work for me."),
)

# The reminder goes to the mentor one day before the request expires, or,
# for a request that lives two days or less, halfway through its life.
REMINDER_BEFORE = datetime.timedelta(days=1)


class RequestEvent:
    """What a request email tells, and to whom: the kind is ``templates/email/request_<event>/``."""

    RECEIVED = "received"  # to the mentor: a protégé asks
    REMINDER = "reminder"  # to the mentor: it expires soon
    ACCEPTED = "accepted"  # to the protégé: accepted, waiting for the program team
    DECLINED = "declined"  # to the protégé, with the mentor's kind word
    EXPIRED = "expired"  # to the protégé
    REFUSED = "refused"  # to the protégé: the program team did not approve
    APPROVAL = "approval"  # to each of the program's admins: an accepted request waits for them
    CLOSED = "closed"  # to the protégé: the program stopped taking requests

    TO_MENTOR = frozenset({RECEIVED, REMINDER})
    ALL = frozenset({RECEIVED, REMINDER, ACCEPTED, DECLINED, EXPIRED, REFUSED, APPROVAL, CLOSED})


def enqueue_request_email(request_id: int, event: str) -> None:
    """Queues the email of ``event`` about the request, after commit (the task sends it once)."""
    from ..tasks import send_request_email  # tasks imports this module

    send_request_email.delay_on_commit(request_id, event)


def _refuse(message: str, *, field: str | None = None, code: str = "invalid") -> ValidationError:
    return ValidationError(
        {field: ValidationError(message, code=code)} if field else ValidationError(message, code=code)
    )


def _has_current_mentor(protege: Participant) -> bool:
    return protege.mentored_by.filter(status__in=CURRENT_PAIR_STATUSES).exists()


def clean_note(note: str) -> str:
    """The note as stored: stripped, at most ``NOTE_MAX_LENGTH`` characters, no control characters."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise _refuse(
            gettext("Keep the note to %(limit)d characters or fewer.") % {"limit": NOTE_MAX_LENGTH},
            field="note",
            code="max_length",
        )
    try:
        validate_multi_line(note)
    except ValidationError as exc:
        raise ValidationError({"note": exc.error_list}) from exc
    return note


def clean_answer(answer: str) -> str:
    """A kind word as stored: one line, 1 to ``ANSWER_MAX_LENGTH`` characters."""
    answer = (answer or "").strip()
    if not answer:
        raise _refuse(gettext("Choose a kind word or write your own."), field="answer", code="required")
    if len(answer) > ANSWER_MAX_LENGTH:
        raise _refuse(
            gettext("Keep it to %(limit)d characters or fewer.") % {"limit": ANSWER_MAX_LENGTH},
            field="answer",
            code="max_length",
        )
    try:
        validate_single_line(answer)
    except ValidationError as exc:
        raise ValidationError({"answer": exc.error_list}) from exc
    return answer


@transaction.atomic
def request_send(*, protege: Participant, mentor: Participant, note: str = "") -> MentorRequest:
    """Sends ``protege``'s request to ``mentor`` with a short ``note`` (≤ 500
    characters); it expires after the program's ``request_expiry_days``. The
    mentor is emailed after commit.

    Refused (ValidationError) when the program does not take requests, either
    person is not active in it in their role, the protégé already has a
    current mentor, the mentor has no free place, a request to this mentor is
    still pending, or the protégé has ``OPEN_REQUESTS_MAX`` (3) pending. The
    protégé's row is locked first, so two tabs sending at once cannot make a
    fourth; the database's partial unique index keeps one pending request per
    protégé and mentor."""
    program = protege.program
    note = clean_note(note)
    if not program.takes_requests:
        raise _refuse(gettext("In this program, the program team makes the matches."), code="no_requests")
    # The lock serialises this protégé's requests (the count below).
    protege = Participant.objects.select_for_update().select_related("program").get(pk=protege.pk)
    mentor = Participant.objects.select_related("user").get(pk=mentor.pk)
    if (
        protege.role != Participant.Role.PROTEGE
        or protege.status != Participant.Status.ACTIVE
        or mentor.program_id != protege.program_id
        or mentor.role != Participant.Role.MENTOR
        or mentor.status != Participant.Status.ACTIVE
    ):
        raise _refuse(
            gettext("Only a protégé of this program can ask one of its mentors."), code="not_active"
        )
    if _has_current_mentor(protege):
        raise _refuse(gettext("You already have a mentor in this program."), code="has_mentor")
    if mentor.free_places <= 0:
        raise _refuse(
            gettext("%(name)s has no free place left. Choose another mentor.") % {"name": mentor.user.name},
            code="mentor_full",
        )
    pending = MentorRequest.objects.pending().filter(protege=protege)
    if pending.filter(mentor=mentor).exists():
        raise _refuse(
            gettext("You have already asked %(name)s; wait for their answer.") % {"name": mentor.user.name},
            code="already_asked",
        )
    _refuse_if_declined_or_withdrawn(protege, mentor)
    if pending.count() >= OPEN_REQUESTS_MAX:
        raise _refuse(
            gettext(
                "You have %(max)d requests waiting already. Withdraw one, or wait for an answer, to ask someone else."
            )
            % {"max": OPEN_REQUESTS_MAX},
            code="too_many",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            request = MentorRequest.objects.create(
                program=program,
                protege=protege,
                mentor=mentor,
                note=note,
                expires_at=now + datetime.timedelta(days=program.request_expiry_days),
            )
    except IntegrityError as exc:  # the same request sent twice at once
        raise _refuse(
            gettext("You have already asked %(name)s; wait for their answer.") % {"name": mentor.user.name},
            code="already_asked",
        ) from exc
    enqueue_request_email(request.pk, RequestEvent.RECEIVED)
    return request


def _refuse_if_declined_or_withdrawn(protege: Participant, mentor: Participant) -> None:
    earlier = (
        MentorRequest.objects.stopping_a_new_one(timezone.now())
        .filter(protege=protege, mentor=mentor)
        .select_related("mentor__user")
        .order_by("status", "-closed_at")  # "declined" < "withdrawn": a decline is final, told first
        .first()
    )
    if earlier is not None:
        code = "declined_before" if earlier.status == RequestStatus.DECLINED else "withdrawn_lately"
        raise _refuse(refusal_of_a_new_request(earlier), field="note", code=code)


def _move(request: MentorRequest, *, frm, to: str, **values: Any) -> MentorRequest:
    """Moves ``request`` from one of the ``frm`` statuses to ``to`` by conditional
    UPDATE; refuses when someone or something moved it first."""
    updated = MentorRequest.objects.filter(pk=request.pk, status__in=frm).update(status=to, **values)
    if not updated:
        raise _refuse(gettext("This request has been answered or closed already."), code="closed")
    request.refresh_from_db()
    return request


@transaction.atomic
def request_withdraw(*, request: MentorRequest, by) -> MentorRequest:
    """The protégé withdraws their pending request (open, or accepted and
    waiting for approval). Only the protégé who sent it may; the mentor is not
    emailed (their requests page shows it)."""
    if by.pk != request.protege.user_id:
        raise _refuse(gettext("Only the protégé who sent a request can withdraw it."), code="not_yours")
    now = timezone.now()
    return _move(
        request, frm=[RequestStatus.OPEN, RequestStatus.ACCEPTED], to=RequestStatus.WITHDRAWN, closed_at=now
    )


@transaction.atomic
def request_decline(*, request: MentorRequest, by, answer: str) -> MentorRequest:
    """The mentor declines an open request with a kind word (one of
    ``KIND_WORDS`` or their own, one line, ≤ 300 characters); the protégé is
    emailed it after commit. Only the mentor asked may."""
    if by.pk != request.mentor.user_id:
        raise _refuse(gettext("Only the mentor asked can answer this request."), code="not_yours")
    answer = clean_answer(answer)
    now = timezone.now()
    request = _move(
        request,
        frm=[RequestStatus.OPEN],
        to=RequestStatus.DECLINED,
        answer=answer,
        answered_at=now,
        closed_at=now,
    )
    enqueue_request_email(request.pk, RequestEvent.DECLINED)
    return request


def reminder_due_at(request: MentorRequest) -> datetime.datetime:
    """When the mentor is reminded of an open request: ``REMINDER_BEFORE`` its
    expiry, or halfway through its life when that comes later."""
    life = request.expires_at - request.created_at
    return request.expires_at - min(REMINDER_BEFORE, life / 2)


def requests_remind(*, now: datetime.datetime) -> int:
    """Marks each open request whose reminder is due (``reminder_due_at``) as
    reminded and queues the mentor's reminder; returns how many. Idempotent:
    a request is reminded once (``reminded_at``, set by conditional UPDATE;
    the email is keyed in the ledger too). Two queries plus one per request due."""
    candidates = MentorRequest.objects.filter(
        status=RequestStatus.OPEN,
        reminded_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + REMINDER_BEFORE,
    ).only("pk", "created_at", "expires_at")
    reminded = 0
    for request in candidates:
        if reminder_due_at(request) > now:
            continue
        with transaction.atomic():
            if MentorRequest.objects.filter(
                pk=request.pk, status=RequestStatus.OPEN, reminded_at__isnull=True
            ).update(reminded_at=now):
                enqueue_request_email(request.pk, RequestEvent.REMINDER)
                reminded += 1
    return reminded


def requests_expire(*, now: datetime.datetime) -> int:
    """Closes every open request past its ``expires_at`` as expired and queues
    the protégé's kind email; returns how many. Idempotent: each request moves
    by conditional UPDATE, so a run twice, or racing the mentor's answer,
    expires it once (the answer or the expiry wins, never both)."""
    due = list(
        MentorRequest.objects.filter(status=RequestStatus.OPEN, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            if MentorRequest.objects.filter(pk=pk, status=RequestStatus.OPEN).update(
                status=RequestStatus.EXPIRED, closed_at=now
            ):
                enqueue_request_email(pk, RequestEvent.EXPIRED)
                expired += 1
    return expired


def requests_close_for_full_mentor(*, mentor: Participant) -> int:
    """Closes ``mentor``'s open requests once their last place is taken (the
    caller, inside its transaction, has seen load reach capacity): each is
    declined with the words "All of <mentor>'s places are taken now." and no
    ``answered_at`` (the mentor did not decline it, so the protégé may ask
    again when a place frees up), and its protégé gets the decline email once,
    after commit. Returns how many; one query, plus one per request closed."""
    now = timezone.now()
    answer = gettext("All of %(name)s's places are taken now.") % {"name": mentor.user.name}
    closing = list(
        MentorRequest.objects.filter(mentor=mentor, status=RequestStatus.OPEN).values_list("pk", flat=True)
    )
    closed = 0
    for pk in closing:
        if MentorRequest.objects.filter(pk=pk, status=RequestStatus.OPEN).update(
            status=RequestStatus.DECLINED, answer=answer[:ANSWER_MAX_LENGTH], closed_at=now
        ):
            enqueue_request_email(pk, RequestEvent.DECLINED)
            closed += 1
    return closed


@transaction.atomic
def requests_close_for_program(*, program) -> int:
    """Closes every pending request (open, or accepted and waiting for
    approval) of ``program``, which no longer takes requests (its matching
    mode is now "admin"): each is withdrawn with the words "The program team
    makes the matches now." and its protégé is told kindly by email, once,
    after commit. Returns how many. Idempotent: each moves by conditional
    UPDATE, so a second call closes nothing. Two queries plus one per request."""
    now = timezone.now()
    answer = gettext("The program team makes the matches now.")
    closing = list(MentorRequest.objects.pending().filter(program=program).values_list("pk", flat=True))
    closed = 0
    for pk in closing:
        if (
            MentorRequest.objects.pending()
            .filter(pk=pk)
            .update(status=RequestStatus.WITHDRAWN, answer=answer, closed_at=now)
        ):
            enqueue_request_email(pk, RequestEvent.CLOSED)
            closed += 1
    return closed


def _send_to_admins(request: MentorRequest) -> bool:
    """Tells each of the program's admins that an accepted request waits for
    their approval, each once (keyed by request and admin)."""
    link = absolute_url(reverse("partnerships:program_requests", args=[request.program.slug]))
    sent = False
    for admin in request.program.admins.filter(is_active=True).order_by("pk"):
        sent = (
            mail.send_once(
                "request_approval",
                key=f"request-{request.pk}-{RequestEvent.APPROVAL}-{admin.pk}",
                to=admin.email,
                context={
                    "request": request,
                    "admin": admin,
                    "protege": request.protege,
                    "mentor": request.mentor,
                    "program": request.program,
                    "link": link,
                },
                time_zone=zoneinfo.ZoneInfo(admin.time_zone),
            )
            or sent
        )
    return sent


def request_send_email(*, request_id: int, event: str) -> bool:
    """Emails the news ``event`` (``RequestEvent``) about a request: to the
    mentor for a new request and its reminder, to the protégé otherwise
    (templates/email/request_<event>/), once: keyed in the ledger by request,
    event and recipient. Called by the ``send_request_email`` task, outside any
    transaction. True when this call sent it."""
    if event not in RequestEvent.ALL:
        raise ValueError(f"Unknown request email: {event!r}")
    request = MentorRequest.objects.select_related("program", "protege__user", "mentor__user").get(
        pk=request_id
    )
    if event == RequestEvent.APPROVAL:
        return _send_to_admins(request)
    to_mentor = event in RequestEvent.TO_MENTOR
    me, other = (request.mentor, request.protege) if to_mentor else (request.protege, request.mentor)
    if to_mentor or event == RequestEvent.ACCEPTED:
        link = absolute_url(reverse("partnerships:my_requests"))
    elif event == RequestEvent.CLOSED:
        link = absolute_url(reverse("home:home"))
    else:
        link = absolute_url(reverse("programs:mentors", args=[request.program.slug]))
    context = {"request": request, "me": me, "other": other, "program": request.program, "link": link}
    if to_mentor:
        context.update(protege_for_mentor(request))
    return mail.send_once(
        f"request_{event}",
        key=f"request-{request.pk}-{event}-{me.user_id}",
        to=me.user.email,
        context=context,
        time_zone=zoneinfo.ZoneInfo(me.user.time_zone),
    )


def kind_words() -> list[str]:
    """The kind words offered to a declining mentor, in the active language."""
    return [str(word) for word in KIND_WORDS]
