"""Reads for a protégé choosing a mentor (``programs:mentors``): who they may
ask, ranked with reasons, and their requests still pending. Each says how many
queries it runs; none grows with the number of mentors or requests."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext

from mentoring.dates import date_format

from .. import matching
from ..matching import Reason, Suggestion
from ..models import CURRENT_PAIR_STATUSES, PairStatus, Participant, Program
from ..models.requests import ASK_AGAIN_AFTER_WITHDRAWAL, OPEN_REQUESTS_MAX, MentorRequest, RequestStatus
from .matching import answers_for, criteria_of, mentor_profile, protege_profile, ranked_mentors, weights_of
from .questions import AnswerLine, answers_of, questions_for_participants


def refusal_of_a_new_request(earlier: MentorRequest) -> str:
    """Why the protégé may not ask ``earlier``'s mentor again (``earlier`` is
    one of ``MentorRequest.objects.stopping_a_new_one``), in words with what to do."""
    name = earlier.mentor.user.name
    if earlier.status == RequestStatus.DECLINED:
        return gettext(
            "%(name)s declined your earlier request. Ask someone else: "
            "the other mentors with a free place are listed here."
        ) % {"name": name}
    again = timezone.localdate((earlier.closed_at or timezone.now()) + ASK_AGAIN_AFTER_WITHDRAWAL)
    return gettext(
        "You withdrew your request to %(name)s less than a week ago. "
        "You can ask them again from %(date)s; ask someone else meanwhile."
    ) % {"name": name, "date": date_format(again, "j F Y")}


@dataclass
class MentorRow:
    """One mentor as the protégé's page shows them."""

    mentor: Participant
    suggestion: Suggestion  # score 0–100 and reasons, as on the matching board
    checks: list[Reason]  # the reasons as marks and words
    earlier: int  # partnerships they mentored before, in any program
    asked: MentorRequest | None  # the protégé's pending request to them
    request_form: Any = None  # the view's request form for them
    # Why the protégé may not ask them again (a decline, a withdrawal this week), or "".
    stopped: str = ""


def protege_for_requests(*, user, slug: str) -> Participant | None:
    """``user``'s active protégé membership of the program ``slug`` that takes
    requests, with the program and the topics they seek; None when there is
    none. One query, two with the topics."""
    return (
        Participant.objects.select_related("program", "user")
        .prefetch_related("topics_sought")
        .filter(
            program__slug=slug,
            user=user,
            role=Participant.Role.PROTEGE,
            status=Participant.Status.ACTIVE,
            program__matching_mode__in=["requests", "both"],
        )
        .first()
    )


def earlier_partnerships(mentors: list[Participant]) -> dict[int, int]:
    """How many partnerships each mentor's person has completed or ended as a
    mentor, in any program, by their user id. One query (none for no mentors)."""
    if not mentors:
        return {}
    rows = (
        Participant.objects.filter(user__in={m.user_id for m in mentors}, role=Participant.Role.MENTOR)
        .values("user")
        .annotate(
            n=Count("mentoring", filter=Q(mentoring__status__in=[PairStatus.COMPLETED, PairStatus.ENDED]))
        )
    )
    totals: dict[int, int] = {}
    for row in rows:
        totals[row["user"]] = totals.get(row["user"], 0) + row["n"]
    return totals


def mentors_page(*, program: Program, protege: Participant) -> dict:
    """What the protégé's "Find a mentor" page shows: ``mentors``, a
    ``MentorRow`` for each mentor with a free place, ranked for them
    (``ranked_mentors``), the reasons speaking to them as "you";
    ``pending``, the protégé's pending requests with their mentor;
    ``open_count`` and ``open_max``; ``has_mentor``, whether they have a
    current mentor (then they may ask nobody). A mentor who declined them, or
    whom they withdrew a request from this week, is listed with why in
    ``stopped`` and no form. Seven queries at most, whatever the number of
    mentors."""
    has_mentor = protege.mentored_by.filter(status__in=CURRENT_PAIR_STATUSES).exists()
    pending = list(MentorRequest.objects.pending().filter(protege=protege).select_related("mentor__user"))
    ranked = [] if has_mentor else ranked_mentors(program=program, protege=protege, second_person=True)
    earlier = earlier_partnerships([mentor for mentor, _ in ranked])
    asked = {r.mentor_id: r for r in pending}
    stopped: dict[int, str] = {}
    stopping = (
        MentorRequest.objects.stopping_a_new_one(timezone.now())
        .filter(protege=protege)
        .select_related("mentor__user")
        .order_by("-status", "closed_at")  # the first of each mentor's is told last: a decline wins
    )
    for closed in stopping if ranked else ():
        stopped[closed.mentor_id] = refusal_of_a_new_request(closed)
    mentors = [
        MentorRow(
            mentor=mentor,
            suggestion=suggestion,
            checks=[Reason.of(line) for line in suggestion.reasons],
            earlier=earlier.get(mentor.user_id, 0),
            asked=asked.get(mentor.pk),
            stopped=stopped.get(mentor.pk, ""),
        )
        for mentor, suggestion in ranked
    ]
    return {
        "mentors": mentors,
        "pending": pending,
        "open_count": len(pending),
        "open_max": OPEN_REQUESTS_MAX,
        "has_mentor": has_mentor,
    }


@dataclass
class ProtegeForMentor:
    """What a mentor reads of a protégé who asks them, to decide: what they
    seek (``challenges``, ``topics``), their answers to the program's choice
    questions, and how well the two fit (score 0–100 and the reasons, as on
    the matching board)."""

    challenges: str
    topics: list[str]
    answers: list[AnswerLine]
    score: int
    checks: list[Reason] = field(default_factory=list)


def proteges_for_mentor(requests: list[MentorRequest]) -> dict[int, ProtegeForMentor]:
    """``ProtegeForMentor`` of each request's protégé for its mentor, by request
    id; the requests come with program, protégé and mentor (and their users)
    selected. Seven queries, plus one per program among the requests (its
    criteria); none for no requests."""
    if not requests:
        return {}
    proteges = [r.protege for r in requests]
    mentors = [r.mentor for r in requests]
    prefetch_related_objects(proteges, "topics_sought")
    prefetch_related_objects(mentors, "topics_offered")
    programs = {r.program_id: r.program for r in requests}
    criteria = {pk: criteria_of(program) for pk, program in programs.items()}
    everyone = Q(pk__in={p.pk for p in proteges} | {m.pk for m in mentors})
    chosen = answers_for([c for each in criteria.values() for c in each], everyone)
    questions = questions_for_participants(proteges)
    answers = answers_of(proteges)
    about: dict[int, ProtegeForMentor] = {}
    for request in requests:
        protege, mentor = request.protege, request.mentor
        fit = matching.score(
            mentor_profile(mentor, chosen.get(mentor.pk)),
            protege_profile(protege, chosen.get(protege.pk)),
            weights_of(request.program),
            criteria=criteria[request.program_id],
        )
        lines = []
        for question in questions.get(protege.pk, []):
            answer = answers[protege.pk].get(question.pk)
            if answer is None or not question.is_choice:
                continue
            picked = tuple(sorted(answer.choices.all(), key=lambda c: (c.position, c.pk)))
            if picked:
                lines.append(AnswerLine(question=question, choices=picked))
        about[request.pk] = ProtegeForMentor(
            challenges=protege.challenges,
            topics=sorted(t.name for t in protege.topics_sought.all()),
            answers=lines,
            score=fit.score,
            checks=[Reason.of(line) for line in fit.reasons],
        )
    return about


def protege_for_mentor(request: MentorRequest) -> dict:
    """The context a mentor's email about ``request`` adds: ``about``, the
    protégé as ``proteges_for_mentor`` gives them."""
    return {"about": proteges_for_mentor([request])[request.pk]}
