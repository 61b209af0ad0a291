"""`make run`'s first process: the migrations, the demo and the development
server in one process, so that Django starts once instead of three times (a
few seconds on a small machine). Under the autoreloader a code change ends it
with exit code 3, and scripts/run.sh starts plain `runserver` in its place."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from demo.people import start_hashing_demo_password


class Command(BaseCommand):
    help = "Applies the migrations, seeds the demo (seed_demo) and serves it with runserver, in one process."

    def add_arguments(self, parser):
        parser.add_argument("addrport", help="Where runserver listens, e.g. 127.0.0.1:8000.")

    def handle(self, *args, addrport, verbosity, **options):
        start_hashing_demo_password()  # on the other CPU while migrating
        call_command("migrate", interactive=False, verbosity=verbosity)
        call_command("seed_demo", verbosity=verbosity)
        connections.close_all()  # the server's threads open their own
        # This command ran the system checks before migrating; runserver would repeat them.
        call_command("runserver", addrport, skip_checks=True)
