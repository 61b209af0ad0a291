"""Writes for a pair's agreement and their next call. Only the mentor and the
protégé of a partnership call these (the views reach the partnership through
``access.get_partnership_for``); each service validates and saves inside one
transaction, and the database constraints are the last word."""

import datetime
import zoneinfo

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from mentoring.time_zones import zone_named
from partnerships.models import DEFAULT_GROUND_RULES, Agreement, Partnership
from programs.models import CURRENT_PAIR_STATUSES, Cadence, Method, Participant
from programs.rhythms import Rhythm

from . import invitations
from .signals import pair_changed

# What a proposal consists of: every field a pair agrees on.
TERMS = [
    "cadence",
    "every_weeks",
    "call_minutes",
    "checkin_minutes",
    "topic_minutes",
    "prepare_minutes",
    "method",
    "location",
    "async_welcome",
    "agenda_owner",
    "ground_rules",
    "first_review_on",
    "ends_on",
    "success",
]
FIRST_REVIEW_AFTER = datetime.timedelta(weeks=6)


def default_time_boxes(call_minutes: int) -> tuple[int, int, int]:
    """Check-in, deeper topic and preparation: a third, a half and a sixth of
    the call (10 / 15 / 5 of 30 minutes); the deeper topic takes what is left."""
    checkin, prepare = round(call_minutes / 3), round(call_minutes / 6)
    return checkin, call_minutes - checkin - prepare, prepare


def program_time_boxes(program) -> tuple[int, int, int]:
    """The check-in, deeper topic and preparation minutes a program's pairs
    start from: the program's own when its admins set them (they fill the
    call: a constraint on ``Program`` holds it), else ``default_time_boxes``."""
    boxes = (program.default_checkin_minutes, program.default_topic_minutes, program.default_prepare_minutes)
    if None in boxes or sum(boxes) != program.default_call_minutes:
        return default_time_boxes(program.default_call_minutes)
    return boxes


def agreement_defaults(partnership: Partnership, *, today: datetime.date | None = None) -> dict:
    """A first proposal's terms, from the program's defaults and what both
    people said they prefer. Read only when a proposal is drafted: changing a
    program's defaults never changes an agreement a pair has made."""
    today = today or timezone.localdate()
    program = partnership.program
    minutes = program.default_call_minutes
    checkin, topic, prepare = program_time_boxes(program)
    shared = [m for m in partnership.protege.methods if m in partnership.mentor.methods]
    ends_on = partnership.planned_end_on or today + relativedelta(months=program.engagement_months)
    first_review_on = min(today + FIRST_REVIEW_AFTER, ends_on - datetime.timedelta(days=1))
    return {
        "cadence": program.default_cadence,
        "every_weeks": Rhythm.of_cadence(program.default_cadence).every_weeks,
        "call_minutes": minutes,
        "checkin_minutes": checkin,
        "topic_minutes": topic,
        "prepare_minutes": prepare,
        "method": shared[0] if shared else Method.VIDEO,
        "location": "",
        "async_welcome": True,
        "agenda_owner": Participant.Role.PROTEGE,
        "ground_rules": DEFAULT_GROUND_RULES,
        "first_review_on": first_review_on,
        "ends_on": ends_on,
        "success": "",
    }


def terms_of(agreement: Agreement) -> dict:
    return {name: getattr(agreement, name) for name in TERMS}


def _locked(partnership: Partnership) -> Partnership:
    """The partnership row, locked: agreement changes of one pair happen one at a time."""
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if locked.status not in CURRENT_PAIR_STATUSES:
        raise ValidationError(gettext("This partnership has ended; its agreement can no longer change."))
    return locked


@transaction.atomic
def agreement_propose(*, partnership: Partnership, by, terms: dict, change_note: str = "") -> Agreement:
    """Proposes a version of the agreement; proposing counts as accepting it
    from the proposer's side. A proposal still waiting for acceptance is set
    aside (it stays readable, never erased). Refused when nothing differs from
    the version in force, and with code ``"already_pending"`` when nothing
    differs from the proposal waiting (a resubmitted form: the views send the
    person to it). ``by`` must be the mentor or the protégé."""
    role = partnership.side_of(by)
    _locked(partnership)
    versions = list(partnership.agreements.select_for_update().order_by("-version"))
    in_force = next((v for v in versions if v.status == Agreement.Status.IN_FORCE), None)
    terms = {name: terms.get(name) for name in TERMS}
    terms["location"] = (terms["location"] or "").strip()  # optional: a proposal without it has none
    if terms["cadence"] != Cadence.EVERY_N_WEEKS:
        terms["every_weeks"] = None
    if in_force is not None and terms_of(in_force) == terms:
        raise ValidationError(
            gettext("Nothing changed from the agreement in force. Change a term to propose it.")
        )
    pending = next((v for v in versions if v.status == Agreement.Status.PROPOSED), None)
    if pending is not None and terms_of(pending) == terms:
        raise ValidationError(
            gettext("This version is already waiting for acceptance."), code="already_pending"
        )

    now = timezone.now()
    Agreement.objects.filter(partnership=partnership, status=Agreement.Status.PROPOSED).update(
        status=Agreement.Status.SET_ASIDE
    )
    agreement = Agreement(
        partnership=partnership,
        version=(versions[0].version + 1) if versions else 1,
        status=Agreement.Status.PROPOSED,
        proposed_by=by,
        proposed_by_role=role,
        change_note=change_note.strip() if versions else "",
        mentor_accepted_at=now if role == Participant.Role.MENTOR else None,
        protege_accepted_at=now if role == Participant.Role.PROTEGE else None,
        **terms,
    )
    agreement.full_clean(exclude=["partnership", "proposed_by"])
    agreement.save()
    return agreement


@transaction.atomic
def agreement_accept(*, agreement: Agreement, by) -> Agreement:
    """Accepts a proposed version from the side it waits for; it comes into
    force at once and the version in force before it is kept as superseded.
    The first version in force makes a proposed partnership active, from today.
    The version's end date becomes the partnership's planned end.

    Refused when the version is no longer open (accepted, or set aside for a
    newer proposal). The views refuse the proposer with 403 before this."""
    partnership = agreement.partnership
    role = partnership.side_of(by)
    locked = _locked(partnership)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != Agreement.Status.PROPOSED:
        if agreement.status == Agreement.Status.SET_ASIDE:
            message = gettext(
                "Version %(version)d can no longer be accepted. "
                "It was set aside for a newer proposal; look at that one instead."
            )
        else:
            message = gettext("Version %(version)d can no longer be accepted. It has already been accepted.")
        raise ValidationError(message % {"version": agreement.version})
    if agreement.waiting_for_role != role:
        raise ValidationError(gettext("You proposed this version; it waits for the other side to accept it."))

    now = timezone.now()
    Agreement.objects.filter(partnership=partnership, status=Agreement.Status.IN_FORCE).update(
        status=Agreement.Status.SUPERSEDED
    )
    if role == Participant.Role.MENTOR:
        agreement.mentor_accepted_at = now
    else:
        agreement.protege_accepted_at = now
    agreement.status = Agreement.Status.IN_FORCE
    agreement.in_force_at = now
    agreement.save(update_fields=["mentor_accepted_at", "protege_accepted_at", "status", "in_force_at"])

    fields: dict[str, object] = {"planned_end_on": agreement.ends_on}
    if locked.status == Partnership.Status.PROPOSED:
        fields |= {"status": Partnership.Status.ACTIVE, "started_on": timezone.localdate()}
    Partnership.objects.filter(pk=partnership.pk).update(**fields, updated_at=now)
    # The calls expected follow the cadence in force.
    pair_changed.send(sender=Partnership, partnership_ids=[partnership.pk])
    partnership.refresh_from_db()
    return agreement


@transaction.atomic
def partnership_set_next_call(*, partnership: Partnership, by, at: datetime.datetime | None) -> Partnership:
    """Sets (or clears, with ``at=None``) the date and time of the pair's next
    call. Either side may; the time is kept in UTC, with the setter's time zone
    so the calls expected after it keep its local time. Refused in the past.

    The one way a call is set, typed or picked from the times offered: both
    people are emailed its calendar invitation after commit, an update when it
    moves, a cancellation when it is cleared (``invitations``); setting the
    time it already has emails nothing.

    The time is kept to the minute (seconds typed are dropped). A set call
    whose time has passed counts as held until the call log says otherwise
    (``schedule.anchor_of``): replacing or clearing it keeps it as the pair's
    last call (``last_call_at``), so the rhythm is still counted from it;
    logging it as missed or cancelled takes it back (``sessions_log.services``)."""
    partnership.side_of(by)  # refuses anyone outside the pair
    locked = _locked(partnership)
    now = timezone.now()
    if at is not None:
        at = at.replace(second=0, microsecond=0)
        if at <= now:
            raise ValidationError({"at": gettext("Choose a date and time in the future.")})
    # The row as locked: a caller's copy may be older (a call log just moved last_call_at).
    kept_last_call = []
    passed = locked.next_call_at
    if passed is not None and passed <= now and (locked.last_call_at is None or passed > locked.last_call_at):
        partnership.last_call_at = passed
        kept_last_call = ["last_call_at"]
    fields, call = invitations.next_call_change(locked, at=at, now=now)
    partnership.next_call_at = at
    partnership.next_call_time_zone = by.time_zone if at else ""
    partnership.next_call_set_by = by if at else None
    partnership.next_call_uid = fields["next_call_uid"]
    partnership.next_call_sequence = fields["next_call_sequence"]
    partnership.save(
        update_fields=[
            "next_call_at",
            "next_call_time_zone",
            "next_call_set_by",
            "next_call_uid",
            "next_call_sequence",
            "updated_at",
            *kept_last_call,
        ]
    )
    invitations.call_invitations_enqueue(call)
    return partnership


def schedule_zone(partnership: Partnership) -> zoneinfo.ZoneInfo:
    """The zone whose local time the pair's calls keep."""
    return zone_named(partnership.next_call_time_zone)
