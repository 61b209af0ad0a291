import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_is_stored_lower_case():
    user = User.objects.create_user("Mixed.Case@Example.org", "a long enough password")
    assert user.email == "mixed.case@example.org"
    assert User.USERNAME_FIELD == "email"


def test_the_database_refuses_two_spellings_of_one_email():
    User.objects.create_user("sam@example.org", "a long enough password")
    with pytest.raises(IntegrityError):
        User.objects.create(email="SAM@example.org")


def test_a_person_without_a_display_name_is_shown_by_their_email_name():
    assert User(email="sam.patel@example.org").name == "sam.patel"


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short-pw-11", "at least 12 characters"), ("qwerty123456", "too common")],
)
def test_weak_passwords_are_refused(password, reason):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password, User(email="sam@example.org"))
    assert reason in " ".join(excinfo.value.messages)


def test_a_long_uncommon_password_is_accepted():
    validate_password("mentoring-is-a-practice", User(email="sam@example.org"))
