"""make run's first process (demo serve_demo): the migrations, the demo, then runserver."""

import pytest
from django.core.management import call_command

from accounts.models import User
from demo.management.commands import serve_demo

# serve_demo closes the database connections before serving: outside a test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_serve_demo_migrates_seeds_then_serves_without_checking_again(monkeypatch):
    served = []

    def call(name, *args, **options):
        if name == "runserver":
            served.append((args, options))
            return None
        return call_command(name, *args, **options)

    monkeypatch.setattr(serve_demo, "call_command", call)
    call_command("serve_demo", "127.0.0.1:8123", verbosity=0)
    assert User.objects.filter(email="mentor@example.com").get().check_password("mentoring-demo")
    assert served == [(("127.0.0.1:8123",), {"skip_checks": True})]
