"""Protégés' requests for a mentor in the demo program (``seed_demo``): one
waiting for a mentor's answer and one the mentor declined kindly, so the
requests pages have something to show. Written directly, as history is, so
seeding sends no email. Idempotent."""

import datetime

from programs.models import MentorRequest, Participant, Program, RequestStatus

from .story import Story, at

# (protégé, mentor, days ago, status, note, the mentor's answer)
DEMO_REQUESTS = [
    (
        "diego.herrera@example.com",
        "priya.raman@example.com",
        2,
        RequestStatus.OPEN,
        "I'd love help with data-driven decisions: I lead a small analytics team that works in the office.",
        "",
    ),
    (
        "sara.lindgren@example.com",
        "daniel.weiss@example.com",
        6,
        RequestStatus.DECLINED,
        "Your intro on product strategy matches what I want to grow in.",
        "I don't think I'm the best fit for your goals, and I hope you find a great match.",
    ),
]


def seed_requests(*, program: Program, story: Story) -> None:
    people = {
        p.user.email: p
        for p in program.participants.filter(status=Participant.Status.ACTIVE).select_related("user")
    }
    for protege, mentor, days_ago, status, note, answer in DEMO_REQUESTS:
        if protege not in people or mentor not in people:
            continue
        if MentorRequest.objects.filter(protege=people[protege], mentor=people[mentor]).exists():
            continue
        sent = at(story.today - datetime.timedelta(days=days_ago), datetime.time(10))
        answered = sent + datetime.timedelta(days=1) if status != RequestStatus.OPEN else None
        request = MentorRequest.objects.create(
            program=program,
            protege=people[protege],
            mentor=people[mentor],
            note=note,
            status=status,
            answer=answer,
            expires_at=sent + datetime.timedelta(days=program.request_expiry_days),
            answered_at=answered,
            closed_at=answered,
        )
        MentorRequest.objects.filter(pk=request.pk).update(created_at=sent)
