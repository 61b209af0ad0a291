"""The demo pair's call log (demo.calls): eight logged calls, one missed, and
the last call's log half written; homework in every state; seeding again adds nothing."""

import io

from django.core.management import call_command

from sessions_log.models import Homework, Session


def test_seed_demo_gives_the_pair_a_call_log_once(db):
    call_command("seed_demo", stdout=io.StringIO())
    sessions = Session.objects.filter(
        partnership__mentor__user__email="mentor@example.com",
        partnership__protege__user__email="protege@example.com",
    )
    counts = (
        sessions.count(),
        sessions.filter(is_draft=True).count(),
        sessions.filter(status="missed").count(),
    )
    call_command("seed_demo", stdout=io.StringIO())
    assert (
        sessions.count(),
        sessions.filter(is_draft=True).count(),
        sessions.filter(status="missed").count(),
    ) == counts
    assert counts == (9, 1, 1)
    states = set(
        Homework.objects.filter(session__in=sessions.filter(is_draft=False)).values_list("status", flat=True)
    )
    assert states == {"open", "done", "partly", "not_done"}
