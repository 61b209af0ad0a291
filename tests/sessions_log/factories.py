import datetime

import factory
from django.utils import timezone

from sessions_log.models import AgendaItem, CallFeedback, Homework, Session
from tests.factories import PartnershipFactory


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    partnership = factory.SubFactory(PartnershipFactory)
    status = Session.Status.HELD
    starts_at = factory.Sequence(lambda n: timezone.now() - datetime.timedelta(days=400 - n))
    minutes = 30
    topic = "Saying no to scope creep"
    key_learnings = "Separate the people from the problem."


class HomeworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Homework

    session = factory.SubFactory(SessionFactory)
    partnership = factory.SelfAttribute("session.partnership")
    kind = Homework.Kind.READING
    description = factory.Sequence(lambda n: f"Read chapter {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    partnership = factory.SubFactory(PartnershipFactory)
    text = factory.Sequence(lambda n: f"Question {n}")
    added_by_role = "protege"


class CallFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallFeedback

    session = factory.SubFactory(SessionFactory)
    rating = 4
