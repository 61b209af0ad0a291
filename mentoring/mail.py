"""Every email we send, built one way: subject, text and HTML from the templates
of its kind, sent through one helper; those that must go once, through a ledger.

A kind is a folder of templates, ``templates/email/<kind>/``:
- ``subject.txt``: one line (line breaks and the spaces around them are
  dropped), after the site's prefix (``ACCOUNT_EMAIL_SUBJECT_PREFIX``);
- ``body.txt``: the plain text, inside ``{% autoescape off %}`` (it is not HTML);
- ``body.html``: the HTML alternative, if the kind has one.
An email may carry a calendar invitation (``calendar``: the iCalendar text of
an iTIP message, RFC 5546): it goes beside text and HTML as a
``text/calendar; method=<its METHOD>`` alternative, which Google Calendar and
Outlook read as an invitation, and as an ``invite.ics`` attachment for the
clients that only offer to open a file.
Every word in them is marked for translation. They render in ``language`` when
given, else in the recipient's (``recipient_language``: their profile's,
whoever sent it), else in the active one; and in ``time_zone`` when given,
with ``language_tag`` (e.g. ``en-GB``, for ``<html lang>``) added to the context.

- ``build()``: the message, for a caller that sends it over a connection of its
  own (the reminders: one SMTP connection per batch, their own ledger);
- ``send()``: builds and sends now; a task retried after it sent sends again;
- ``send_once(key=…)``: builds and sends unless the ledger (``SentEmail``)
  says that key went; see ``mentoring.models`` for what "once" promises.
"""

import contextlib
import datetime
import email.policy
import functools
import re
from collections.abc import Mapping, Sequence
from email.headerregistry import BaseHeader, HeaderRegistry, UnstructuredHeader
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from .languages import supported
from .models import SentEmail
from .site import site_host

# A ledger key is also the local part of the email's Message-ID.
_KEY = re.compile(r"[A-Za-z0-9._+-]{1,200}")
# The iTIP method of an iCalendar text (RFC 5546 §1.4): a property line of the VCALENDAR.
_METHOD = re.compile(r"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


class _OneLineHeader(UnstructuredHeader, BaseHeader):
    """A header written on one line (up to RFC 5322's 998 characters): folding
    a long URL, which has no space to fold at, the email package turns it into
    RFC 2047 encoded words, which no mail client reads as a URL any more.
    (BaseHeader, which the registry mixes in anyway, is named for the types.)"""

    def fold(self, *, policy) -> str:
        line = f"{self.name}: {self}"
        return line + policy.linesep if line.isascii() and len(line) <= 998 else super().fold(policy=policy)


class _FoldedOnce(BaseHeader):
    """A header that keeps its folded form (per policy): those parsed once for
    many messages are folded once too."""

    def fold(self, *, policy) -> str:
        folded = self.__dict__.setdefault("_folded", {})
        if policy not in folded:
            folded[policy] = super().fold(policy=policy)
        return folded[policy]


class _HeaderClasses(HeaderRegistry):
    """The standard registry of header classes, with the one-click stop link
    (List-Unsubscribe) on one line, and quicker: writing a reminder's MIME form
    was the biggest part of sending one, two thirds of it parsing and folding
    headers. The registry made a new class for every header of every message,
    and parsed the same values (From, Content-Type, MIME-Version…) again for
    each one; header objects are immutable, so both are kept."""

    def __init__(self):
        super().__init__(base_class=_FoldedOnce)
        self.map_to_type("list-unsubscribe", _OneLineHeader)

    @functools.cache  # noqa: B019 (one instance, kept for the process's life)
    def __getitem__(self, name: str) -> type:
        return super().__getitem__(name)

    def __call__(self, name: str, value):
        return self._parsed(name, value) if isinstance(value, str) else super().__call__(name, value)

    @functools.lru_cache(maxsize=1024)  # noqa: B019
    def _parsed(self, name: str, value: str):
        return super().__call__(name, value)


_HEADER_CLASSES = _HeaderClasses()


@functools.cache
def _with_header_classes(policy: email.policy.EmailPolicy) -> email.policy.EmailPolicy:
    return policy.clone(header_factory=_HEADER_CLASSES)


class Email(EmailMultiAlternatives):
    """An email whose MIME form is written with the header classes above: what
    Django writes, byte for byte, but for a long List-Unsubscribe on one line."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=_with_header_classes(policy))


def message_id(local_part: str) -> str:
    """A Message-ID of ours: the same one for every copy of the same email."""
    return f"<{local_part}@{site_host()}>"


def _addresses(to: str | Sequence[str]) -> list[str]:
    return [to] if isinstance(to, str) else list(to)


def _subject_line(rendered: str) -> str:
    return " ".join(line.strip() for line in rendered.splitlines() if line.strip())


def _language_tag() -> str:
    """The active language as HTML's ``lang`` wants it: ``en-gb`` → ``en-GB``."""
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE).replace("_", "-")


def recipient_language(addresses: Sequence[str]) -> str | None:
    """The language an email to ``addresses`` is written in: the profile
    language (``User.language``) of the account of the first address, None
    when it has no account or no language yet (the email is then in the
    language active where it was sent from: an invitation in the inviter's).
    One query."""
    if not addresses:
        return None
    address = parseaddr(addresses[0])[1]
    tag = get_user_model().objects.filter(email__iexact=address).values_list("language", flat=True).first()
    return supported(tag)


def _attach_calendar(message: Email, calendar: str) -> None:
    """Adds the invitation ``calendar`` (an iCalendar text with a METHOD) as the
    last alternative, ``text/calendar; method=…; charset="utf-8"`` (Django
    keeps the parameters of an alternative's type and adds the charset), and
    as ``invite.ics``. Raises ValueError for a text without a METHOD: without
    one, calendars take it for a file to import, not an invitation."""
    found = _METHOD.search(calendar)
    if found is None:
        raise ValueError("A calendar invitation needs a METHOD (RFC 5546), e.g. REQUEST or CANCEL.")
    message.attach_alternative(calendar, f"text/calendar; method={found[1]}")
    message.attach("invite.ics", calendar.encode(), "application/ics")


def build(
    kind: str,
    *,
    to: str | Sequence[str],
    context: Mapping[str, Any],
    language: str | None = None,
    time_zone: datetime.tzinfo | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] = (),
    calendar: str | None = None,
) -> Email:
    """The email of ``kind`` (``templates/email/<kind>/``) to ``to``, rendered
    from ``context`` in ``language`` and ``time_zone`` if given, with these extra
    ``headers`` and Reply-To, and the invitation ``calendar`` if given (see the
    module's docstring). Sends nothing, writes nothing; raises
    ``TemplateDoesNotExist`` when the kind has no subject or text."""
    folder = f"email/{kind}"
    language = language or recipient_language(_addresses(to))
    with (
        translation.override(language) if language else contextlib.nullcontext(),
        timezone.override(time_zone) if time_zone else contextlib.nullcontext(),
    ):
        values = {**context, "language_tag": _language_tag()}
        subject = _subject_line(render_to_string(f"{folder}/subject.txt", values))
        text = render_to_string(f"{folder}/body.txt", values)
        try:
            html_template = get_template(f"{folder}/body.html")
        except TemplateDoesNotExist:
            html = None
        else:
            html = html_template.render(values)
    message = Email(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        to=_addresses(to),
        reply_to=list(reply_to),
        headers=dict(headers or {}),
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    if calendar is not None:
        _attach_calendar(message, calendar)
    return message


def without_leavers(addresses: Sequence[str]) -> list[str]:
    """``addresses`` but those of deactivated accounts (people who left), in
    one query: nobody who left gets an email of any kind. For mail sent
    outside this module too (allauth's, through the account adapter)."""
    wanted = {address: parseaddr(address)[1].lower() for address in addresses}
    left = {
        email.lower()
        for email in get_user_model()
        .objects.filter(email__in=set(wanted.values()), is_active=False)
        .values_list("email", flat=True)
    }
    return [address for address in addresses if wanted[address] not in left]


def _drop_deactivated(message: Email) -> bool:
    """Takes the addresses of deactivated accounts off ``message``
    (``without_leavers``). False when nobody is left to send it to."""
    kept = set(without_leavers(message.recipients()))
    for field in ("to", "cc", "bcc"):
        setattr(message, field, [address for address in getattr(message, field) if address in kept])
    return bool(message.recipients())


def _deliver(message: Email, using: str) -> bool:
    """Sends ``message`` to those of its recipients whose account, if they
    have one, is active; raises unless the mailer says it went (an SMTP server
    that refused it raises; a message to nobody would be skipped in silence).
    False, sending nothing, when every recipient's account was deactivated."""
    if not message.recipients():
        raise ValueError("The email has no recipient.")
    if not _drop_deactivated(message):
        return False
    if mailers[using].send_messages([message]) != 1:
        raise ValueError("The mailer did not send the email.")
    return True


def send(
    kind: str,
    *,
    to: str | Sequence[str],
    context: Mapping[str, Any],
    language: str | None = None,
    time_zone: datetime.tzinfo | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] = (),
    using: str = "default",
    calendar: str | None = None,
) -> None:
    """Builds the email of ``kind`` (see ``build``) and sends it now through the
    mailer ``using`` (settings.MAILERS). Raises when it cannot be sent. Keeps no
    record: for an email that must not go twice, use ``send_once``. Nothing
    goes to the address of a deactivated account (``_drop_deactivated``)."""
    message = build(
        kind,
        to=to,
        context=context,
        language=language,
        time_zone=time_zone,
        headers=headers,
        reply_to=reply_to,
        calendar=calendar,
    )
    _deliver(message, using)


def send_once(
    kind: str,
    *,
    key: str,
    to: str,
    context: Mapping[str, Any],
    language: str | None = None,
    time_zone: datetime.tzinfo | None = None,
    headers: Mapping[str, str] | None = None,
    reply_to: Sequence[str] = (),
    using: str = "default",
    calendar: str | None = None,
) -> bool:
    """Sends the email of ``kind`` to the one address ``to`` unless the email
    keyed ``key`` (e.g. ``match-<partnership_id>-<user_id>``: letters, digits,
    ``.``, ``_``, ``+``, ``-``) was sent already. True when this call sent it,
    False when it had gone before, or when ``to`` is the address of a
    deactivated account (nothing is sent, and the key is settled).

    Idempotent, for tasks that may run twice or at once: the ledger row is
    claimed (inserted, then locked) in a transaction, the email built and sent
    while the row is held, and marked sent in the same transaction, so a
    concurrent caller of the same key waits, then finds it sent. Failing to
    build or send raises and leaves the key unsent, for the caller's retry.
    A crash after the server took it and before the commit sends it again on
    retry (at-least-once; see ``mentoring.models``), with the same Message-ID,
    made from the key. Must be called outside any transaction (``durable``):
    the row has to commit right after the send, not with the caller's work."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"A ledger key is 1 to 200 letters, digits, '.', '_', '+' or '-': {key!r}")
    with transaction.atomic(durable=True):
        SentEmail.objects.bulk_create([SentEmail(key=key, kind=kind, recipient=to)], ignore_conflicts=True)
        entry = SentEmail.objects.select_for_update().get(key=key)
        if entry.sent_at is not None:
            return False
        message = build(
            kind,
            to=to,
            context=context,
            language=language,
            time_zone=time_zone,
            headers={"Message-ID": message_id(key), **(headers or {})},
            reply_to=reply_to,
            calendar=calendar,
        )
        delivered = _deliver(message, using)
        # Its one recipient left: the key is settled, so no retry sends it later.
        entry.sent_at = timezone.now()
        entry.save(update_fields=["sent_at"])
    return delivered
