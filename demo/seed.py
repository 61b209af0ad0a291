"""The whole demo, in order (``seed_demo`` runs it): the program and its
people, the demo pair's goals and calls, the mentor's other protégés, the
pairs with a health history, the reminders they were sent, the surveys and
their answers, and the health numbers of every pair. Every date counts from ``story.today``
(``demo.story``); what exists already is left as it is."""

import random

from django.db import transaction

from health import services as health
from partnerships.models import Partnership
from programs.models import Program

from .availability import seed_availability
from .calls import seed_sessions
from .goals import seed_goals
from .notifications import seed_notifications
from .pairs import seed_health_history
from .programs import seed_program
from .questions import seed_questions
from .quiet_pair import seed_quiet_pair
from .requests import seed_requests
from .story import Story
from .surveys import seed_surveys


@transaction.atomic
def seed(*, story: Story) -> Program:
    """Creates (or brings up to date) the demo program as of ``story.today``. Idempotent."""
    rng = random.Random(2026)  # the same people every time
    program = seed_program(rng=rng, story=story)
    demo_pair = Partnership.objects.with_people().get(
        program=program,
        mentor__user__email="mentor@example.com",
        protege__user__email="protege@example.com",
    )
    seed_goals(partnership=demo_pair, story=story)
    seed_sessions(partnership=demo_pair, story=story)
    seed_quiet_pair(program=program, story=story)
    seed_health_history(program, story=story)
    seed_notifications(program=program, story=story)
    seed_questions(program=program, rng=random.Random(18))
    seed_requests(program=program, story=story)
    seed_availability(story=story)
    seed_surveys(program=program, story=story)
    # The history above is written directly, not through the services that count it.
    health.refresh(program.partnerships.values_list("pk", flat=True))
    return program
