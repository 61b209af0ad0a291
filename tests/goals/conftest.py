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
