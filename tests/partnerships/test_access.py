import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from partnerships.access import get_partnership_for, require_role
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


def test_each_person_of_the_pair_knows_their_side_and_the_other_one(world):
    pair = world.partnership
    assert pair.side_of(world.mentor) == "mentor"
    assert pair.side_of(world.protege) == "protege"
    assert pair.other_side(world.mentor) == pair.protege
    assert pair.other_side(world.protege) == pair.mentor


@pytest.mark.parametrize("persona", ["admin", "outsider"])
def test_someone_outside_the_pair_has_no_side(world, persona):
    with pytest.raises(ValidationError, match="Only the mentor or the protégé"):
        world.partnership.side_of(getattr(world, persona))
    with pytest.raises(ValidationError):
        world.partnership.other_side(getattr(world, persona))


def test_an_action_of_the_other_role_is_refused_with_403(world):
    require_role(world.partnership, world.protege, "protege")
    with pytest.raises(PermissionDenied, match="Only the protégé") as refused:
        require_role(world.partnership, world.mentor, "protege")
    assert refused.value.role == "protege"  # the 403 page says who may, in any language
