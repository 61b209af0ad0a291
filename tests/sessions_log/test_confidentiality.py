"""What a pair writes stays between the pair: the program admin's pages show
numbers, never the text of notes, learnings, reflections or comments."""

from django.urls import reverse

from programs.models import Participant
from sessions_log.models import Homework, PartnershipCheck

from .factories import AgendaItemFactory, CallFeedbackFactory, HomeworkFactory, SessionFactory

SECRETS = [
    "SECRET-checkin",
    "SECRET-topic",
    "SECRET-learning",
    "SECRET-prepare",
    "SECRET-homework",
    "SECRET-reflection",
    "SECRET-feedback",
    "SECRET-check",
    "SECRET-agenda",
]


def test_program_pages_never_show_what_the_pair_wrote(client, pair, world):
    call = SessionFactory(
        partnership=pair,
        checkin_notes="SECRET-checkin",
        topic="SECRET-topic",
        key_learnings="SECRET-learning",
        prepare_next="SECRET-prepare",
    )
    HomeworkFactory(
        session=call,
        description="SECRET-homework",
        status=Homework.Status.DONE,
        reflection="SECRET-reflection",
        done_at=call.starts_at,
    )
    CallFeedbackFactory(session=call, comment="SECRET-feedback")
    PartnershipCheck.objects.create(
        partnership=pair,
        role="protege",
        author=world.protege,
        after_calls=3,
        working=4,
        valuable=4,
        comment="SECRET-check",
    )
    AgendaItemFactory(partnership=pair, text="SECRET-agenda")
    slug = world.program.slug
    participant = Participant.objects.get(user=world.protege)
    client.force_login(world.admin)
    pages = [
        reverse("home:home"),
        reverse("home:program_list"),
        reverse("home:program_overview", args=[slug]),
        reverse("programs:people", args=[slug]),
        reverse("partnerships:participant_detail", args=[slug, participant.pk]),
        reverse("partnerships:matching_board", args=[slug]),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        for secret in SECRETS:
            assert secret.encode() not in body, f"{secret} on {path}"
    # And the pair's own pages stay closed to the admin.
    for name in ["call_log", "homework", "call_page"]:
        assert client.get(reverse(f"sessions_log:{name}", args=[pair.pk])).status_code == 404
