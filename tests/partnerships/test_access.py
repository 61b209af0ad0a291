import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from partnerships.access import get_partnership_for, require_role, role_of
from partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_the_pair_gets_their_partnership(world):
    for person in (world.mentor, world.protege):
        assert get_partnership_for(person, world.partnership.pk) == world.partnership


@pytest.mark.parametrize("persona", ["admin", "other_admin", "outsider"])
def test_everyone_else_gets_404_program_admins_included(world, persona):
    with pytest.raises(Http404):
        get_partnership_for(getattr(world, persona), world.partnership.pk)


def test_an_ended_partnership_is_read_only(world):
    Partnership.objects.filter(pk=world.partnership.pk).update(status=Partnership.Status.ENDED)
    assert get_partnership_for(world.mentor, world.partnership.pk)
    with pytest.raises(PermissionDenied):
        get_partnership_for(world.mentor, world.partnership.pk, write=True)


def test_an_action_of_the_other_role_is_refused_with_403(world):
    assert role_of(world.partnership, world.mentor) == "mentor"
    assert role_of(world.partnership, world.protege) == "protege"
    require_role(world.partnership, world.protege, "protege")
    with pytest.raises(PermissionDenied, match="only the protégé"):
        require_role(world.partnership, world.mentor, "protege")
