"""What each reminder says, where its link goes, and its one-click stop link.

Texts are rendered when the reminder is sent, in the recipient's time zone,
from what the pair has now (the agreement in force, the proposal waiting):
``snapshot()`` reads that for a whole batch of reminders at once, so that
checking and writing a hundred costs as many queries as one. Their words are
in the templates of each kind, templates/email/reminder_<kind>/ (on the
layouts templates/email/layouts/reminder.*), built by ``mentoring.mail``."""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.core import signing
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from goals.models import Goal, RatingRound
from mentoring import mail
from mentoring.dates import day_shown
from mentoring.languages import language_of
from mentoring.site import absolute_url
from mentoring.time_zones import zone_of
from partnerships.models import Agreement, Partnership
from sessions_log.models import AgendaItem, Homework
from surveys.models import CLOSING_ROUND, SurveyResponse
from surveys.selectors.asks import AskKey, SurveyFacts, answer_token, closes_on, responses_of, survey_facts
from surveys.services.answers import Ask, survey_responses_ask

from .leavers import leaver_id
from .models import Kind, Reminder
from .rules.checkins import expected_call
from .rules.homework import homework_id_of
from .rules.surveys import parse_round_key

if TYPE_CHECKING:  # django-stubs' helper, a development dependency
    from django_stubs_ext import WithAnnotations

STOP_SALT = "reminders.stop"


def stop_token(user_id: int, kind: str) -> str:
    """A signed token naming a person and a kind of reminder, for the stop link."""
    return signing.dumps([user_id, kind], salt=STOP_SALT, compress=True)


def read_stop_token(token: str) -> tuple[int, str] | None:
    """The person and kind a stop token names; None when it is forged or damaged."""
    try:
        user_id, kind = signing.loads(token, salt=STOP_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (user_id, kind) if kind in Kind.values else None


def stop_link(reminder: Reminder) -> str:
    return absolute_url(reverse("reminders:stop", args=[stop_token(reminder.recipient_id, reminder.kind)]))


def target_path(reminder: Reminder) -> str:
    """Where the reminder's link goes: the page of the exact thing due. Each of
    them 404s for anyone but the people it is for (the pair's pages through
    partnerships.access.get_partnership_for, the program's through get_program_for_admin)."""
    pk = reminder.partnership_id
    if reminder.kind == Kind.AGREEMENT_PENDING:
        return reverse("partnerships:agreement", args=[pk])
    if reminder.kind == Kind.RATING:
        return reverse("goals:rating_new", args=[pk])
    if reminder.kind == Kind.HOMEWORK:
        return reverse("sessions_log:homework", args=[pk])
    if reminder.kind == Kind.STALL:
        return reverse("home:program_overview", args=[reminder.partnership.program.slug]) + "#pairs"
    return reverse("home:partnership", args=[pk])


class CallTimes(TypedDict):
    """The pair's set and held calls, as ``services.send`` loads a claimed
    reminder: clamped to ``rules.common.FAR``, so always readable."""

    call_set_at: datetime.datetime | None
    call_held_at: datetime.datetime | None


#: A claimed reminder as ``services.send`` loads it, for ``still_due``.
type ClaimedReminder = WithAnnotations[Reminder, CallTimes]


def _agreement_id(reminder: Reminder) -> int | None:
    prefix = "agreement-"
    return int(reminder.object_key[len(prefix) :]) if reminder.object_key.startswith(prefix) else None


@dataclass
class Snapshot:
    """What the pairs of a batch of reminders have now, as far as their
    still-due checks and their texts need it (see ``snapshot``)."""

    homework: dict[int, Homework] = field(default_factory=dict)  # open items, by id
    with_active_goals: set[int] = field(default_factory=set)  # partnership ids
    # partnership id → (when its latest rating round was made, whether it has the end round)
    rounds: dict[int, tuple[datetime.datetime, bool]] = field(default_factory=dict)
    proposals: dict[int, Agreement] = field(default_factory=dict)  # waiting proposals, by id
    in_force: dict[int, Agreement] = field(default_factory=dict)  # by partnership id
    agenda: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))  # next call's, by pair
    # open homework of finished logs, soonest due first, by partnership id
    homework_due: dict[int, list[Homework]] = field(default_factory=lambda: defaultdict(list))
    surveys: dict[int, SurveyFacts] = field(default_factory=dict)  # by survey id
    # each person's response to the round a survey reminder is about
    responses: dict[AskKey, SurveyResponse] = field(default_factory=dict)


def snapshot(reminders: Sequence[Reminder], *, now: datetime.datetime | None = None) -> Snapshot:
    """Reads what ``still_due`` and ``build`` need for these reminders (loaded
    with their partnership, its program and both people): one query per kind
    of fact and only for the kinds of reminder present, so ten at most
    whatever the number of reminders. For a round's first survey email it also
    makes the person's ``SurveyResponse`` (asked at ``now``) when missing."""
    facts = Snapshot()
    of_kind: dict[str, list[Reminder]] = defaultdict(list)
    for reminder in reminders:
        of_kind[reminder.kind].append(reminder)
    if of_kind[Kind.HOMEWORK]:
        ids = [homework_id_of(reminder.object_key) for reminder in of_kind[Kind.HOMEWORK]]
        facts.homework = Homework.objects.filter(status=Homework.Status.OPEN).in_bulk(ids)
    if of_kind[Kind.RATING]:
        pairs = {reminder.partnership_id for reminder in of_kind[Kind.RATING]}
        facts.with_active_goals = set(
            Goal.objects.filter(partnership__in=pairs, status=Goal.Status.ACTIVE)
            .order_by()
            .values_list("partnership_id", flat=True)
            .distinct()
        )
        facts.rounds = {
            pair: (latest, ends > 0)
            for pair, latest, ends in RatingRound.objects.filter(partnership__in=pairs)
            .order_by()
            .values("partnership_id")
            .annotate(latest=Max("created_at"), ends=Count("pk", filter=Q(point=RatingRound.Point.END)))
            .values_list("partnership_id", "latest", "ends")
        }
    if of_kind[Kind.AGREEMENT_PENDING]:
        ids = [_agreement_id(reminder) for reminder in of_kind[Kind.AGREEMENT_PENDING]]
        facts.proposals = Agreement.objects.filter(status=Agreement.Status.PROPOSED).in_bulk(ids)
    if of_kind[Kind.CHECK_IN]:
        pairs = {reminder.partnership_id for reminder in of_kind[Kind.CHECK_IN]}
        facts.in_force = {
            agreement.partnership_id: agreement
            for agreement in Agreement.objects.filter(partnership__in=pairs, status=Agreement.Status.IN_FORCE)
        }
        # The partial index agenda_open_per_pair (sessions_log.selectors.open_agenda's query, for many pairs).
        for pair, text in AgendaItem.objects.filter(
            partnership__in=pairs, session__isnull=True, someday=False
        ).values_list("partnership_id", "text"):
            facts.agenda[pair].append(text)
        last_call_day = max(_call_day(reminder) for reminder in of_kind[Kind.CHECK_IN])
        for item in Homework.objects.filter(
            partnership__in=pairs,
            status=Homework.Status.OPEN,
            session__is_draft=False,
            due_on__lte=last_call_day,
        ).order_by("due_on", "pk"):
            facts.homework_due[item.partnership_id].append(item)
    if of_kind[Kind.SURVEY]:
        _survey_snapshot(of_kind[Kind.SURVEY], facts, now or timezone.now())
    return facts


def _ask_key(reminder: Reminder) -> tuple[AskKey, bool] | None:
    """The response a survey reminder is about, and whether it is the reminder to answer."""
    parsed = parse_round_key(reminder.object_key)
    if parsed is None:
        return None
    survey_id, round_name, again = parsed
    return (survey_id, reminder.partnership_id, reminder.recipient_id, round_name), again


def _survey_snapshot(reminders: list[Reminder], facts: Snapshot, now: datetime.datetime) -> None:
    """The surveys of these reminders, and each person's response to its round:
    made first (one INSERT skipping those that exist) for the first emails
    that can go: the survey still exists and is not paused, the person is
    active, and a pulse's pair is still active. Three queries."""
    keyed = [(reminder, key) for reminder in reminders if (key := _ask_key(reminder)) is not None]
    facts.surveys = survey_facts(key[0] for _, (key, _again) in keyed)
    asks = []
    for reminder, ((survey_id, pair, person, round_name), again) in keyed:
        survey = facts.surveys.get(survey_id)
        partnership = reminder.partnership
        if again or survey is None or survey.paused or not reminder.recipient.is_active:
            continue
        if survey.is_pulse and partnership.status != Partnership.Status.ACTIVE:
            continue
        role = (
            SurveyResponse.Role.MENTOR
            if partnership.mentor.user_id == person
            else SurveyResponse.Role.PROTEGE
        )
        asks.append(Ask(survey_id, pair, person, round_name, role))
    if asks:
        survey_responses_ask(asks=asks, now=now)
    facts.responses = responses_of(key for _, (key, _again) in keyed if key[0] in facts.surveys)


def _survey_response(reminder: Reminder, facts: Snapshot) -> SurveyResponse | None:
    keyed = _ask_key(reminder)
    return facts.responses.get(keyed[0]) if keyed else None


def _call_day(reminder: Reminder) -> datetime.date:
    """The day of a check-in's call on its recipient's calendar."""
    return reminder.due_at.astimezone(zone_of(reminder.recipient)).date()


def _homework_item(reminder: Reminder, facts: Snapshot) -> Homework | None:
    """The homework item a homework reminder is about, while it is still open
    and due on the day the reminder was decided for."""
    homework_id = homework_id_of(reminder.object_key)
    item = facts.homework.get(homework_id) if homework_id is not None else None
    if item and item.partnership_id == reminder.partnership_id and item.due_on == reminder.due_at.date():
        return item
    return None


def still_due(reminder: ClaimedReminder, now: datetime.datetime, facts: Snapshot) -> bool:
    """Whether what the reminder is about still needs the person, at sending time:
    the call was not moved (or, for a call the agreement expects, none was
    set or held since), the proposal still waits for them, no call was held
    since, the homework is still open and due that day. ``reminder`` is loaded
    as ``services.send`` does (with ``call_set_at`` and ``call_held_at``,
    the pair's calls read safely); ``facts`` is the ``snapshot`` of its batch."""
    partnership: Partnership = reminder.partnership
    if reminder.kind == Kind.HOMEWORK:
        return partnership.status == Partnership.Status.ACTIVE and _homework_item(reminder, facts) is not None
    if reminder.kind == Kind.RATING:
        latest, ended = facts.rounds.get(partnership.pk, (None, False))
        return (
            partnership.status == Partnership.Status.ACTIVE
            and partnership.pk in facts.with_active_goals
            and not ended
            and (latest is None or latest < reminder.created_at)
        )
    if reminder.kind == Kind.CHECK_IN:
        if partnership.status != Partnership.Status.ACTIVE or reminder.due_at <= now:
            return False
        if reminder.object_key != "expected":
            return reminder.call_set_at == reminder.due_at
        # Still the call the agreement expects: none set ahead since, none held.
        in_force = facts.in_force.get(partnership.pk)
        if in_force is None or (reminder.call_set_at is not None and reminder.call_set_at > now):
            return False
        if partnership.started_on is None:  # an active pair has started
            return False
        expected = expected_call(
            in_force.cadence,
            in_force.every_weeks,
            reminder.call_held_at,
            reminder.call_set_at,
            partnership.started_on,
            partnership.next_call_time_zone,
            now,
        )
        return expected == reminder.due_at
    if reminder.kind == Kind.AGREEMENT_PENDING:
        agreement_id = _agreement_id(reminder)
        proposal = facts.proposals.get(agreement_id) if agreement_id is not None else None
        if proposal is None:
            return False
        return proposal.waiting_for_role == partnership.side_of(reminder.recipient)
    if reminder.kind == Kind.SURVEY:
        return _survey_still_due(reminder, now, facts)
    if reminder.kind == Kind.NUDGE:
        held = reminder.call_held_at
        return partnership.status == Partnership.Status.ACTIVE and (
            held is None or held < reminder.created_at
        )
    return partnership.status in (Partnership.Status.PROPOSED, Partnership.Status.ACTIVE)


def _survey_still_due(reminder: Reminder, now: datetime.datetime, facts: Snapshot) -> bool:
    """A survey email goes while its survey exists and is not paused, the
    person's response is unanswered and its round open, and, for a pulse's
    first ask, the pair is still active."""
    keyed = _ask_key(reminder)
    if keyed is None:
        return False
    (survey_id, *_), again = keyed
    survey = facts.surveys.get(survey_id)
    response = facts.responses.get(keyed[0])
    if survey is None or survey.paused or response is None:
        return False
    if response.submitted_at is not None or now >= response.closes_at:
        return False
    return again or not survey.is_pulse or reminder.partnership.status == Partnership.Status.ACTIVE


def _call_when(call: datetime.datetime, now: datetime.datetime) -> str:
    """ "today", "tomorrow" or the day, as the reader's calendar (the active
    zone) has it at ``now``: the words are chosen when the email is written,
    so a delayed one never says "tomorrow" on the day itself."""
    day, today = timezone.localtime(call).date(), timezone.localtime(now).date()
    if day == today:
        return gettext("today")
    if day == today + datetime.timedelta(days=1):
        return gettext("tomorrow")
    return gettext("on %(day)s") % {"day": day_shown(day, "l j F")}


def _kind_context(reminder: Reminder, facts: Snapshot, now: datetime.datetime) -> dict[str, Any]:
    """What the templates of the reminder's kind (templates/email/reminder_<kind>/)
    say it about, in the recipient's zone (the active one): the words are theirs."""
    partnership = reminder.partnership
    mentor, protege = partnership.mentor.user, partnership.protege.user
    other = protege if mentor.pk == reminder.recipient_id else mentor
    context = {"other": other.name, "due_at": reminder.due_at}
    if reminder.kind == Kind.CHECK_IN:
        call_day = _call_day(reminder)
        context |= {
            "expected": reminder.object_key == "expected",
            "when": _call_when(reminder.due_at, now),
            "agreement": facts.in_force.get(partnership.pk),
            "agenda": facts.agenda[partnership.pk],
            # The open homework of finished logs due by the call's day, soonest first.
            "homework": [item for item in facts.homework_due[partnership.pk] if item.due_on <= call_day],
        }
    elif reminder.kind == Kind.AGREEMENT_PENDING:
        context["proposed_at"] = reminder.due_at - datetime.timedelta(days=3)
    elif reminder.kind == Kind.STALL:
        context |= {"protege": protege.name, "mentor": mentor.name, "program": partnership.program.name}
        left = leaver_id(reminder.object_key)  # a flag that one of them left the organisation
        if left is not None:
            context["left"] = mentor.name if mentor.pk == left else protege.name
    elif reminder.kind == Kind.HOMEWORK:
        item = _homework_item(reminder, facts)
        context |= {
            "overdue": reminder.object_key.endswith("-overdue"),
            "description": item.description if item else "",
            "due_day": reminder.due_at.date(),
        }
    elif reminder.kind == Kind.RATING:
        points = RatingRound.Point
        context |= {
            "point_label": points(reminder.object_key).label if reminder.object_key in points.values else "",
            "since": reminder.due_at.date(),
        }
    elif reminder.kind == Kind.SURVEY:
        context |= _survey_context(reminder, facts)
    return context


def _survey_context(reminder: Reminder, facts: Snapshot) -> dict[str, Any]:
    """A survey email's words (templates/email/reminder_survey/), in the active zone."""
    keyed = _ask_key(reminder)
    response = _survey_response(reminder, facts)
    survey = facts.surveys.get(keyed[0][0]) if keyed else None
    minutes = survey.minutes if survey else 1
    return {
        "program": reminder.partnership.program.name,
        "again": bool(keyed and keyed[1]),
        "closing": bool(keyed and keyed[0][3] == CLOSING_ROUND),
        "questions": survey.questions if survey else 0,
        "duration": ngettext("about %(minutes)d minute", "about %(minutes)d minutes", minutes)
        % {"minutes": minutes},
        "closes_on": closes_on(response, timezone.get_current_timezone()) if response else None,
    }


def _link(reminder: Reminder, facts: Snapshot) -> str:
    """Where the email's link goes: a survey's signed answer link, else ``target_path``."""
    if reminder.kind == Kind.SURVEY and (response := _survey_response(reminder, facts)) is not None:
        return absolute_url(reverse("surveys:answer_link", args=[response.pk, answer_token(response)]))
    return absolute_url(target_path(reminder))


def build(reminder: Reminder, facts: Snapshot, now: datetime.datetime | None = None) -> mail.Email:
    """The reminder's email (``mentoring.mail``, the kind ``reminder_<kind>``):
    plain text and HTML, the person's name, the exact thing due, a direct link
    to it and a one-click link to stop this kind. Its Message-ID is the
    reminder's own, so a copy resent after a crash is recognisably the same
    message. ``facts`` is the ``snapshot`` of its batch; ``now`` (by default the
    present) is when it is written, for "today" and "tomorrow". Written in the
    recipient's profile language when the site speaks it, else the active one,
    every word of it (the texts made here too). No query; sends nothing
    (``services.send.reminders_send`` sends it over its batch's connection)."""
    zone = zone_of(reminder.recipient)
    language = language_of(reminder.recipient)
    with timezone.override(zone), translation.override(language):
        context = _kind_context(reminder, facts, now or timezone.now())
        kind_label = reminder.get_kind_display()
    link = stop_link(reminder)
    context |= {
        "name": reminder.recipient.name,
        "link": _link(reminder, facts),
        "stop_link": link,
        "kind_label": kind_label,
    }
    return mail.build(
        f"reminder_{reminder.kind}",
        to=reminder.recipient.email,
        context=context,
        language=language,
        time_zone=zone,
        headers={
            "Message-ID": mail.message_id(f"reminder-{reminder.pk}"),  # i18n: not shown (email header)
            "List-Unsubscribe": f"<{link}>",  # i18n: not shown (email header)
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # i18n: not shown (email header, RFC 8058)
        },
    )
