"""Personas shared by every test: a program admin, the mentor and the protégé of
one active partnership in that program, and an outsider who is in none."""

from dataclasses import dataclass

import pytest
import redis
from django.conf import settings
from django.utils.crypto import get_random_string

from accounts.models import User
from partnerships.models import Partnership
from programs.models import Program

from .factories import PartnershipFactory, ProgramFactory, UserFactory


@dataclass
class World:
    program: Program
    partnership: Partnership
    admin: User
    mentor: User
    protege: User
    outsider: User
    other_admin: User  # runs another program, not this one


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the real Redis; no test inherits another's. Only this
    run's keys go (its prefix), so test runs side by side leave each other alone."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    yield


@pytest.fixture
def client(client):
    """A browser that has been here before: it carries a CSRF cookie, as after
    any first page, so the pages it opens may be kept and served from the page
    cache (mentoring.page_cache), as a person's are."""
    client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
    return client


@pytest.fixture
def world(db) -> World:
    admin = UserFactory(display_name="Ada Admin")
    program = ProgramFactory(admins=[admin])
    partnership = PartnershipFactory(
        program=program,
        mentor__user__display_name="Morgan Mentor",
        protege__user__display_name="Sam Protégé",
    )
    return World(
        program=program,
        partnership=partnership,
        admin=admin,
        mentor=partnership.mentor.user,
        protege=partnership.protege.user,
        outsider=UserFactory(display_name="Olive Outsider"),
        other_admin=ProgramFactory(admins=[UserFactory(display_name="Otto Elsewhere")]).admins.get(),
    )


@pytest.fixture
def program_admin(world) -> User:
    return world.admin


@pytest.fixture
def mentor(world) -> User:
    return world.mentor


@pytest.fixture
def protege(world) -> User:
    return world.protege


@pytest.fixture
def outsider(world) -> User:
    return world.outsider


# Who may use a program admin's page: only that program's admins.
PROGRAM_ADMIN_ONLY = {
    "admin": 200,
    "other_admin": 404,
    "mentor": 404,
    "protege": 404,
    "outsider": 404,
}
