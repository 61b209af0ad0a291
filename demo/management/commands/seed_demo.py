import random

from django.core.management.base import BaseCommand
from django.db import transaction

from demo.calls import seed_sessions
from demo.goals import seed_goals
from demo.pairs import seed_health_history
from demo.people import DEMO_PASSWORD
from demo.programs import seed_program
from health import services as health
from partnerships.models import Partnership


class Command(BaseCommand):
    help = "Creates (or brings up to date) the demo accounts and the demo program. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        rng = random.Random(2026)  # the same demo every time
        program = seed_program(rng=rng)
        demo_pair = Partnership.objects.get(program=program, mentor__user__email="mentor@example.com")
        seed_goals(partnership=demo_pair)
        demo_pair = Partnership.objects.with_people().get(
            program=program,
            mentor__user__email="mentor@example.com",
            protege__user__email="protege@example.com",
        )
        seed_sessions(partnership=demo_pair)
        seed_health_history(program)
        # The history above is written directly, not through the services that count it.
        health.refresh(program.partnerships.values_list("pk", flat=True))
        people = program.participants.count()
        self.stdout.write(self.style.SUCCESS(f"Demo program '{program.name}' with {people} participants."))
        self.stdout.write(
            "Demo logins (password "
            f"'{DEMO_PASSWORD}'): admin@example.com, mentor@example.com, protege@example.com, outsider@example.com"
        )
