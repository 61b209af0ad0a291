"""Two admins at the same moment, in two real PostgreSQL transactions: the
program's row lock, not luck, keeps at least one admin and one program per address."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from accounts.models import User
from programs.models import Program
from programs.services import setup
from tests.factories import ProgramFactory, UserFactory
from tests.partnerships.test_concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_admins_removing_each_other_at_once_leave_one():
    ada, bea = UserFactory(), UserFactory()
    program = ProgramFactory(admins=[ada, bea])

    first, second = race(
        lambda: setup.program_admin_remove(program=program, admin=bea, by=ada),
        lambda: setup.program_admin_remove(program=program, admin=ada, by=bea),
    )

    assert first is None
    assert isinstance(second, ValidationError)
    assert list(program.admins.all()) == [ada]


def test_two_clones_to_one_address_at_once_make_one_program():
    ada = UserFactory()
    ada.user_permissions.add(
        Permission.objects.get(codename="add_program", content_type__app_label="programs")
    )
    ada = User.objects.get(pk=ada.pk)
    program = ProgramFactory(admins=[ada])

    def clone():
        return setup.program_clone(
            program=program, by=ada, name="Next", slug="next", starts_on=datetime.date(2027, 3, 1)
        )

    first, second = race(clone, clone)

    assert isinstance(first, Program)
    assert isinstance(second, ValidationError)
    assert "already has the address" in second.message_dict["slug"][0]
    assert Program.objects.filter(slug="next").count() == 1
