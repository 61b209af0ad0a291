"""The call log, the log form, the call page and the homework list run a
fixed number of queries, whatever the number of calls, homework and agenda."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_log.models import AgendaItem, Homework, Session

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
    # Agenda items the calls covered, and the next call's.
    AgendaItem.objects.bulk_create(
        AgendaItem(partnership=pair, session=s, text=f"Covered at {s.pk}", added_by_role="protege")
        for s in sessions
    )
    AgendaItemFactory(partnership=pair, text="For the next call")


@pytest.mark.parametrize(
    ("name", "who", "queries"),
    [
        # savepoint, user, the page version, partnership, its current versions, count, calls (+feedback),
        # their homework, the agenda they covered, draft, held count, checks, header, release
        ("call_log", "mentor", 14),
        ("call_log", "protege", 13),  # no draft for the protégé
        # savepoint, user, the page version, partnership, current versions, homework, header, release
        ("homework", "protege", 8),
        # savepoint, user, the page version, partnership, current versions, open agenda, last call held,
        # homework to recap, header, release
        ("call_page", "mentor", 10),
        # savepoint, user, partnership, current versions, draft, open agenda, last call held,
        # homework to recap, header, release (not kept in the page cache: a form)
        ("session_new", "mentor", 10),
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


def test_the_log_form_of_a_draft_runs_the_same_queries_for_2_and_200_calls(
    client, pair, world, django_assert_num_queries
):
    client.force_login(world.mentor)
    page = reverse("sessions_log:session_new", args=[pair.pk])
    _calls(pair, 2)
    draft = Session.objects.create(
        partnership=pair, status="held", is_draft=True, starts_at=timezone.now(), draft_covered=[]
    )
    Homework.objects.create(
        partnership=pair, session=draft, description="Draft row", due_on=timezone.localdate()
    )
    # ... as above, and the draft's homework rows
    with django_assert_num_queries(11):
        assert client.get(page).status_code == 200
    _calls(pair, 198)
    with django_assert_num_queries(11):
        assert client.get(page).status_code == 200
