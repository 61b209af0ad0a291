from django.core.management.base import BaseCommand

from demo.people import DEMO_PASSWORD
from demo.seed import seed
from demo.story import the_story


class Command(BaseCommand):
    help = "Creates (or brings up to date) the demo accounts and the demo program. Safe to run again."

    def handle(self, *args, **options):
        program = seed(story=the_story())  # every date counts from today (demo.story)
        people = program.participants.count()
        self.stdout.write(self.style.SUCCESS(f"Demo program '{program.name}' with {people} participants."))
        self.stdout.write(
            "Demo logins (password "
            f"'{DEMO_PASSWORD}'): admin@example.com, mentor@example.com, protege@example.com, outsider@example.com"
        )
