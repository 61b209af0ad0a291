"""The demo program's own profile questions and everyone's answers, and the
way it matches (``seed_demo``): admins match and protégés may request a
mentor. Two questions count in matching: how the person's team works (same
answer) and the areas a protégé wants to grow in, which a mentor covers.
Idempotent: questions are found by their text, answers made once."""

import random

from programs.models import (
    Answer,
    Audience,
    MatchingMode,
    MatchRule,
    Participant,
    Program,
    Question,
    QuestionKind,
)

# (text, hint, kind, audience, required, weight, rule, choices)
QUESTIONS = [
    (
        "How does your team work?",
        "Mentors and protégés on the same footing find it easier to compare notes.",
        QuestionKind.SINGLE,
        Audience.BOTH,
        True,
        15,
        MatchRule.SAME,
        ["Remote-first team", "In the office", "Hybrid"],
    ),
    (
        "Which areas do you want to grow in, or can you help with?",
        "Protégés: what you want to grow in. Mentors: what you can help with.",
        QuestionKind.MULTIPLE,
        Audience.BOTH,
        False,
        10,
        MatchRule.COVERS,
        ["Strategy", "People management", "Communication", "Career moves"],
    ),
    (
        "How experienced are you at leading people?",
        "1 is new to it, 5 is many years.",
        QuestionKind.SCALE,
        Audience.BOTH,
        False,
        0,
        "",
        [],
    ),
]


def seed_questions(*, program: Program, rng: random.Random) -> list[Question]:
    """The program's questions, its matching mode, and an answer from every
    active participant who has none yet (the demo pair's answers fit each other)."""
    Program.objects.filter(pk=program.pk).update(matching_mode=MatchingMode.BOTH, request_expiry_days=7)
    questions = []
    for position, (text, hint, kind, audience, required, weight, rule, labels) in enumerate(QUESTIONS):
        question, _ = Question.objects.get_or_create(
            program=program,
            text=text,
            defaults={
                "help_text": hint,
                "kind": kind,
                "audience": audience,
                "required": required,
                "weight": weight,
                "rule": rule,
                "position": position,
            },
        )
        for at, label in enumerate(labels):
            question.choices.get_or_create(label=label, defaults={"position": at})
        questions.append(question)
    answered = set(Answer.objects.filter(question__in=questions).values_list("participant_id", "question_id"))
    people = program.participants.filter(status=Participant.Status.ACTIVE).select_related("user")
    for person in people.order_by("pk"):
        for question in questions:
            if (person.pk, question.pk) in answered:
                continue
            _answer(person, question, rng)
    return questions


def _answer(person: Participant, question: Question, rng: random.Random) -> None:
    choices = list(question.choices.order_by("position"))
    demo = person.user.email in ("mentor@example.com", "protege@example.com")
    if question.kind == QuestionKind.SCALE:
        mentor = person.role == Participant.Role.MENTOR
        Answer.objects.create(
            participant=person, question=question, value=rng.randint(3, 5) if mentor else rng.randint(1, 3)
        )
        return
    answer = Answer.objects.create(participant=person, question=question)
    if question.kind == QuestionKind.SINGLE:
        answer.choices.set([choices[0] if demo else rng.choice(choices)])
    else:
        answer.choices.set(choices[:2] if demo else rng.sample(choices, k=rng.randint(1, 3)))
