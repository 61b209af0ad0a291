import pytest

from .factories import GoalFactory, SituationGoalFactory, SmartGoalFactory


@pytest.fixture
def goals(world):
    """One goal of each kind in the world's partnership."""
    p = world.partnership
    return {
        "smart": SmartGoalFactory(partnership=p, title="Raise retention to 90%"),
        "competency": GoalFactory(partnership=p, title="Negotiating"),
        "situation": SituationGoalFactory(partnership=p, title="Influence the Atlas decision"),
    }


@pytest.fixture
def protege_client(client, world):
    """The client, signed in as the world's protégé."""
    client.force_login(world.protege)
    return client
