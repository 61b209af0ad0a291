"""The one Celery app. Tasks live in each app's ``tasks.py`` and are found by
autodiscovery; every setting comes from Django's settings (``CELERY_*``).

Tasks subclass ``DjangoTask`` so callers enqueue with ``task.delay_on_commit()``:
nothing is sent for a transaction that rolls back, and a worker never looks for
a row that is not committed yet.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings")

app = Celery("mentoring", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
