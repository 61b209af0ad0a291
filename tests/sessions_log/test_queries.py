"""The call log, the timeline on the home and the homework list run a fixed
number of queries, whatever the number of calls and homework."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_log.models import Homework, Session

from .factories import AgendaItemFactory, CallFeedbackFactory


def _calls(pair, n):
    start = timezone.now() - datetime.timedelta(days=n + 5)
    sessions = Session.objects.bulk_create(
        Session(
            partnership=pair,
            status="held",
            starts_at=start + datetime.timedelta(days=i),
            key_learnings=f"Learning {i}",
        )
        for i in range(n)
    )
    Homework.objects.bulk_create(
        Homework(
            partnership=pair,
            session=s,
            description=f"Homework {s.pk}-{k}",
            due_on=timezone.localdate() - datetime.timedelta(days=k),
            status="open" if k else "done",
            done_at=None if k else timezone.now(),
        )
        for s in sessions
        for k in range(2)
    )
    for s in sessions[:2]:
        CallFeedbackFactory(session=s)
    AgendaItemFactory(partnership=pair)


@pytest.mark.parametrize(
    ("name", "who", "queries"),
    [
        # savepoint, user, the page version, partnership, its current versions, count, calls (+feedback),
        # their homework, draft, held count, checks, header, release
        ("call_log", "mentor", 13),
        ("call_log", "protege", 12),  # no draft for the protégé
        # savepoint, user, the page version, partnership, current versions, homework, header, release
        ("homework", "protege", 8),
        # savepoint, user, the page version, partnership, current versions, open agenda, last call held,
        # homework to recap, header, release
        ("call_page", "mentor", 10),
    ],
)
def test_call_log_pages_run_the_same_queries_for_2_and_200_calls(
    client, pair, world, django_assert_num_queries, name, who, queries
):
    client.force_login(getattr(world, who))
    page = reverse(f"sessions_log:{name}", args=[pair.pk])
    _calls(pair, 2)
    with django_assert_num_queries(queries):
        assert client.get(page).status_code == 200
    _calls(pair, 198)
    with django_assert_num_queries(queries):
        assert client.get(page).status_code == 200


def test_the_homes_timeline_and_homework_run_the_same_queries_for_2_and_200_calls(
    client, pair, world, django_assert_num_queries
):
    client.force_login(world.protege)
    home = reverse("home:partnership", args=[pair.pk])
    _calls(pair, 2)
    # savepoint, user, the page version, partnership, current versions, open homework, agenda,
    # timeline count, timeline calls (+feedback), their homework, goals panel (2), header, release
    with django_assert_num_queries(14):
        page = client.get(home).text
    assert 'Calls so far <span class="count">(2)</span>' in page
    _calls(pair, 198)
    with django_assert_num_queries(14):
        page = client.get(home + "?calls=3").text
    assert "Page 3 of 40" in page and "Learning" in page
