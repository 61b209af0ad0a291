import pytest

from tests.partnerships.agreement_helpers import agree


@pytest.fixture
def pair(world):
    """The world's partnership with an agreement in force (30-minute calls, 10/15/5)."""
    agree(world.partnership)
    return world.partnership
