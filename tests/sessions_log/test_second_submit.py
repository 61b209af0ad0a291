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


def test_marking_homework_done_twice_says_already_done_and_keeps_the_first_reflection(client, pair, world):
    item = HomeworkFactory(session__partnership=pair)
    client.force_login(world.protege)
    path = url("homework_done", pair, item.pk)
    client.post(path, {f"homework-{item.pk}-reflection": "First thoughts."}, follow=True)
    again = client.post(path, {f"homework-{item.pk}-reflection": "Second thoughts."}, follow=False)
    client.get(again["Location"])  # the page shows the message once
    assert again.status_code == 303
    assert again["Location"] == url("homework", pair) + "#done"
    assert said(again) == ["Already marked done."]
    item.refresh_from_db()
    assert item.reflection == "First thoughts."
    # Even an empty second submit is answered the same way, not with a form error on a hidden form.
    empty = client.post(path, {f"homework-{item.pk}-reflection": ""})
    assert empty.status_code == 303 and said(empty) == ["Already marked done."]


def test_homework_recapped_at_a_call_is_no_longer_open_and_says_so(client, pair, world):
    item = HomeworkFactory(session__partnership=pair)
    Homework.objects.filter(pk=item.pk).update(status=Homework.Status.PARTLY)
    client.force_login(world.protege)
    response = client.post(url("homework_done", pair, item.pk), {f"homework-{item.pk}-reflection": "Late."})
    assert response.status_code == 303
    assert said(response) == ["This homework is no longer open: it was recapped at a call."]


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
    with pytest.raises(ValidationError) as refused:
        services.homework_mark_done(homework=item, by=world.protege, reflection="B")
    assert refused.value.code == "not_open"
    call = SessionFactory(partnership=pair)
    services.call_feedback_give(session=call, by=world.protege, rating=5)
    with pytest.raises(ValidationError) as refused:
        services.call_feedback_give(session=call, by=world.protege, rating=3)
    assert refused.value.code == "already_rated"
