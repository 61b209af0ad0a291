"""Entry point for seeding in a process of its own: `python -m bench.seed_main full`."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

import django

django.setup()

from bench.seed import seed  # noqa: E402

seed(sys.argv[1])
