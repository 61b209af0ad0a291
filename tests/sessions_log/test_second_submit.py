"""A second submit of something done once (Back and resubmit, a second tab)
answers with a message and a redirect, never a silent page; the first stands."""

from django.contrib.messages import get_messages
from django.urls import reverse

from sessions_log.models import CallFeedback, Homework

from .factories import HomeworkFactory, SessionFactory


def url(name, pair, *args):
    return reverse(f"sessions_log:{name}", args=[pair.pk, *args])


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_ticking_homework_done_twice_says_already_done_and_keeps_the_first(client, pair, world):
    item = HomeworkFactory(session__partnership=pair)
    client.force_login(world.protege)
    path = url("homework_done", pair, item.pk)
    data = {f"homework-{item.pk}-done": "on", f"homework-{item.pk}-reflection": "First thoughts."}
    client.post(path, data, follow=True)
    item.refresh_from_db()
    done_at = item.done_at
    again = client.post(path, data, follow=False)
    client.get(again["Location"])  # the page shows the message once
    assert again.status_code == 303
    assert again["Location"] == url("homework", pair) + f"#homework-{item.pk}"
    assert said(again) == ["Already marked done."]
    item.refresh_from_db()
    assert (item.reflection, item.done_at) == ("First thoughts.", done_at)
    # Even an empty second tick (an old page) keeps what was written.
    empty = client.post(path, {f"homework-{item.pk}-done": "on", f"homework-{item.pk}-reflection": ""})
    assert empty.status_code == 303 and said(empty) == ["Already marked done."]
    item.refresh_from_db()
    assert item.reflection == "First thoughts."


def test_homework_recapped_at_a_call_can_no_longer_change_and_says_so(client, pair, world):
    item = HomeworkFactory(session__partnership=pair)
    Homework.objects.filter(pk=item.pk).update(status=Homework.Status.PARTLY, recapped_in=item.session)
    client.force_login(world.protege)
    for data in ({f"homework-{item.pk}-done": "on", f"homework-{item.pk}-reflection": "Late."}, {}):
        response = client.post(url("homework_done", pair, item.pk), data)
        assert response.status_code == 303 and response["Location"] == url("homework", pair) + "#done"
        assert said(response) == ["This homework was recapped at a call; it can no longer change."]
        client.get(response["Location"])  # shown once
    item.refresh_from_db()
    assert (item.status, item.reflection) == (Homework.Status.PARTLY, "")


def test_rating_a_call_twice_says_you_already_rated_it_and_keeps_the_first(client, pair, world):
    call = SessionFactory(partnership=pair)
    client.force_login(world.protege)
    path = url("feedback", pair, call.pk)
    client.post(path, {f"call-{call.pk}-rating": "4"}, follow=True)
    again = client.post(path, {f"call-{call.pk}-rating": "2", f"call-{call.pk}-comment": "Changed my mind"})
    assert again.status_code == 303
    assert again["Location"] == url("call_log", pair) + f"#call-{call.pk}"
    assert said(again) == ["You already rated this call."]
    assert CallFeedback.objects.get().rating == 4


def test_the_services_refuse_a_second_time_with_a_code_the_views_answer(pair, world):
    """Two tabs that both passed the view's check: the service's refusal carries
    a code, so the view still answers with a message, not a form error."""
    import pytest
    from django.core.exceptions import ValidationError

    from sessions_log import services

    item = HomeworkFactory(session__partnership=pair)
    services.homework_mark_done(homework=item, by=world.protege, reflection="A")
    Homework.objects.filter(pk=item.pk).update(recapped_in=item.session)  # the call recapped it meanwhile
    for again in (
        lambda: services.homework_mark_done(homework=item, by=world.protege, reflection="B"),
        lambda: services.homework_reopen(homework=item, by=world.protege),
    ):
        with pytest.raises(ValidationError) as refused:
            again()
        assert refused.value.code == "not_open"
    call = SessionFactory(partnership=pair)
    services.call_feedback_give(session=call, by=world.protege, rating=5)
    with pytest.raises(ValidationError) as refused:
        services.call_feedback_give(session=call, by=world.protege, rating=3)
    assert refused.value.code == "already_rated"
