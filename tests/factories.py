import datetime

import factory
from allauth.account.models import EmailAddress
from django.db.models import F

from accounts.models import User
from partnerships.models import Partnership
from programs.models import CURRENT_PAIR_STATUSES, Participant, Program, Topic

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    time_zone = "Europe/London"
    language = "en-gb"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    starts_on = datetime.date(2026, 9, 1)

    @factory.post_generation
    def admins(self, create, extracted, **kwargs):
        if create and extracted:
            self.admins.add(*extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    role = Participant.Role.PROTEGE


class MentorFactory(ParticipantFactory):
    role = Participant.Role.MENTOR
    capacity = 2


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    mentor = factory.SubFactory(MentorFactory, program=factory.SelfAttribute("..program"))
    protege = factory.SubFactory(ParticipantFactory, program=factory.SelfAttribute("..program"))
    status = Partnership.Status.ACTIVE
    started_on = datetime.date(2026, 9, 15)

    @factory.post_generation
    def mentor_load(self, create, extracted, **kwargs):
        # As partnership_match does: a current partnership takes one of the mentor's places.
        if create and self.status in CURRENT_PAIR_STATUSES:
            Participant.objects.filter(pk=self.mentor_id).update(load=F("load") + 1)
            self.mentor.refresh_from_db(fields=["load"])


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")
