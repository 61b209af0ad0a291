"""The pair's set call as a calendar invitation both people's calendars take
in: an iCalendar text (RFC 5545) that is an iTIP message (RFC 5546), emailed
to both through ``mentoring.mail``.

One call is one event, named by its UID (``Partnership.next_call_uid``):

* setting a time while no call is ahead (none is set, or the set one has
  begun) makes a new call: a new UID, SEQUENCE 0, METHOD:REQUEST;
* moving the call ahead keeps its UID and raises SEQUENCE (an update, RFC 5546
  §2.1.4): calendars move the event they have;
* clearing it, or ending the partnership while it is ahead, sends
  METHOD:CANCEL under the same UID with a higher SEQUENCE, and the pair has
  no UID until the next call;
* setting the time it already has sends nothing.

``next_call_change`` says what a change makes of the UID and SEQUENCE and what
to send; the writer that changes the call (``agreements.partnership_set_next_call``,
``services._end``) saves the first and enqueues the second after commit
(``call_invitations_enqueue``); the task ``send_call_invitations`` hands it to
``call_invitations_send``, which emails each person each version once.

The mentor organises every call of the pair (a stable ORGANIZER across the
updates of one UID, as iTIP wants, whoever set or moved it): the event is
written in the mentor's time zone, with a VTIMEZONE block for it; both people
are ATTENDEEs (the mentor has accepted, the protégé is asked to answer)."""

import datetime
import re
import uuid

import icalendar
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from mentoring import mail
from mentoring.languages import language_of
from mentoring.site import absolute_url, site_host
from mentoring.time_zones import zone_of

from .models import Agreement, Partnership

REQUEST, CANCEL = "REQUEST", "CANCEL"
PRODID = "-//Mentoring//Call invitations//EN"
KIND = {REQUEST: "call_invitation", CANCEL: "call_cancelled"}


def new_uid() -> str:
    """A UID no other call of any pair has, on this site (RFC 5545 §3.8.4.7)."""
    return f"call-{uuid.uuid4().hex}@{site_host()}"


def next_call_change(
    partnership: Partnership, *, at: datetime.datetime | None, now: datetime.datetime
) -> tuple[dict, dict | None]:
    """What setting the pair's next call to ``at`` (None: clearing it) makes of
    its invitation, from the call set now on ``partnership`` (the locked row):
    the UID and SEQUENCE fields to save, and the keyword arguments of
    ``call_invitations_send`` for what to email (None: nothing). Writes nothing."""
    set_at, uid, sequence = (
        partnership.next_call_at,
        partnership.next_call_uid,
        partnership.next_call_sequence,
    )
    ahead = set_at is not None and set_at > now and bool(uid)
    if at is not None and ahead and at == set_at:
        return {"next_call_uid": uid, "next_call_sequence": sequence}, None  # nothing changed
    if at is None:
        cleared = {"next_call_uid": "", "next_call_sequence": 0}
        if not ahead:
            return cleared, None  # no call ahead that a calendar holds
        return cleared, _call(partnership, method=CANCEL, uid=uid, sequence=sequence + 1, at=set_at, now=now)
    if ahead:
        uid, sequence = uid, sequence + 1
    else:
        uid, sequence = new_uid(), 0
    fields = {"next_call_uid": uid, "next_call_sequence": sequence}
    return fields, _call(partnership, method=REQUEST, uid=uid, sequence=sequence, at=at, now=now)


def _call(partnership, *, method, uid, sequence, at, now) -> dict:
    return {
        "partnership_id": partnership.pk,
        "method": method,
        "uid": uid,
        "sequence": sequence,
        "starts_at": at.isoformat(),
        "stamp": now.isoformat(),
    }


def call_invitations_enqueue(call: dict | None) -> None:
    """Emails ``call`` (as ``next_call_change`` gave it) once the caller's
    transaction commits; nothing when there is nothing to send."""
    if call is not None:
        from .tasks import send_call_invitations

        send_call_invitations.delay_on_commit(**call)


# --- The iCalendar text ---------------------------------------------------------


def _method_words(method: str) -> str:
    # Translators: completes "30 minutes, %(method)s:" in a calendar invitation.
    return {
        "phone": gettext("by phone"),
        "video": gettext("by video"),
        "in_person": gettext("in person"),
        "chat": gettext("by chat"),
    }.get(method, "")


def _description(agreement: Agreement | None, *, minutes: int, link: str, cancelled: bool) -> str:
    """The call's structure from the agreement in force, where they meet, and the pair's page."""
    lines = []
    if cancelled:
        lines.append(gettext("This call is cancelled."))
    if agreement is None:
        lines.append(ngettext("%(minutes)d minute.", "%(minutes)d minutes.", minutes) % {"minutes": minutes})
    else:
        lines.append(
            ngettext("%(minutes)d minute, %(method)s:", "%(minutes)d minutes, %(method)s:", minutes)
            % {"minutes": minutes, "method": _method_words(agreement.method)}
        )
        lines += [
            gettext("- %(minutes)d min: %(part)s") % {"minutes": box, "part": label}
            for label, box in agreement.time_boxes
            if box
        ]
        if agreement.location:
            lines.append(gettext("Where you meet: %(location)s") % {"location": agreement.location})
    lines.append(gettext("Your partnership's page: %(link)s") % {"link": link})
    return "\n".join(lines)


def _person(user, **params) -> icalendar.vCalAddress:
    return icalendar.vCalAddress.new(user.email, cn=user.name, **params)


def invitation(
    partnership: Partnership,
    agreement: Agreement | None,
    *,
    method: str,
    uid: str,
    sequence: int,
    start: datetime.datetime,
    minutes: int,
    stamp: datetime.datetime,
) -> str:
    """The iTIP message (``REQUEST`` or ``CANCEL``) of one version of the pair's
    call, in the organiser's (the mentor's) zone with its VTIMEZONE; its words
    in the active language. ``partnership`` with both people loaded."""
    mentor, protege = partnership.mentor.user, partnership.protege.user
    tz = zone_of(mentor)
    end = start + datetime.timedelta(minutes=minutes)
    link = absolute_url(reverse("home:partnership", args=[partnership.pk]))
    cancelled = method == CANCEL

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp.astimezone(datetime.UTC))
    event.add("dtstart", start.astimezone(tz))
    event.add("dtend", end.astimezone(tz))
    event.add(
        "summary",
        gettext("Mentoring call: %(mentor)s and %(protege)s")
        % {"mentor": mentor.name, "protege": protege.name},
    )
    event.add("description", _description(agreement, minutes=minutes, link=link, cancelled=cancelled))
    if agreement is not None and agreement.location:
        event.add("location", agreement.location)
    event.add("url", link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("organizer", _person(mentor))
    event.add("attendee", _person(mentor, role="REQ-PARTICIPANT", partstat="ACCEPTED", rsvp=False))
    event.add(
        "attendee", _person(protege, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp=not cancelled)
    )
    cal.add_component(event)
    # A day either side: the block covers the call whatever the zone.
    cal.add_missing_timezones(
        first_date=(start - datetime.timedelta(days=1)).date(),
        last_date=(end + datetime.timedelta(days=1)).date(),
    )
    return cal.to_ical().decode()


# --- Sending ----------------------------------------------------------------------


def _key(uid: str, sequence: int, user_id: int) -> str:
    """The ledger key of one version of a call to one person (``mail.send_once``)."""
    local = re.sub(r"[^A-Za-z0-9._+-]", "-", uid.split("@", 1)[0])[:150]
    return f"{local}-{sequence}-{user_id}"


def call_invitations_send(
    *, partnership_id: int, method: str, uid: str, sequence: int, starts_at: str, stamp: str
) -> None:
    """Emails the mentor and the protégé version ``sequence`` of the call
    ``uid`` starting at ``starts_at`` (ISO 8601), an invitation (``REQUEST``:
    templates/email/call_invitation/) or its cancellation (``CANCEL``:
    templates/email/call_cancelled/), each in their own time zone, with the
    iCalendar text attached; ``stamp`` (ISO 8601) is when it changed.

    Called by the ``send_call_invitations`` task, outside any transaction.
    Each email goes through the ledger keyed by the UID, the SEQUENCE and the
    recipient, so each person gets each version once however often the task
    runs. An invitation overtaken before it went (the call moved again, or was
    cancelled) is not sent: the later version carries the call."""
    if method not in KIND:
        raise ValueError(f"An invitation is a REQUEST or a CANCEL, not {method!r}.")
    partnership = Partnership.objects.with_people().get(pk=partnership_id)
    if method == REQUEST and (partnership.next_call_uid, partnership.next_call_sequence) != (uid, sequence):
        return
    agreement = partnership.agreements.filter(status=Agreement.Status.IN_FORCE).first()
    minutes = agreement.call_minutes if agreement else partnership.program.default_call_minutes
    start = datetime.datetime.fromisoformat(starts_at)
    link = absolute_url(reverse("home:partnership", args=[partnership.pk]))
    sides = [(partnership.mentor, partnership.protege), (partnership.protege, partnership.mentor)]
    for me, other in sides:
        if not me.user.is_active:
            continue  # a deactivated account gets no email
        zone = zone_of(me.user)
        # The invitation's words (its title, description) in the person's language, as the email's.
        language = language_of(me.user)
        with translation.override(language):
            calendar = invitation(
                partnership,
                agreement,
                method=method,
                uid=uid,
                sequence=sequence,
                start=start,
                minutes=minutes,
                stamp=datetime.datetime.fromisoformat(stamp),
            )
        mail.send_once(
            KIND[method],
            key=_key(uid, sequence, me.user_id),
            to=me.user.email,
            context={
                "me": me,
                "other": other,
                "partnership": partnership,
                "starts_at": start,
                "minutes": minutes,
                "location": agreement.location if agreement else "",
                "update": sequence > 0,
                "zone": zone.key,
                "link": link,
            },
            language=language,
            time_zone=zone,
            calendar=calendar,
        )
