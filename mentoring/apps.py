from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    """The shared layer every app may use: settings, site URLs, time zones, and
    mail with its ledger (``mentoring.mail``, ``mentoring.models.SentEmail``)."""

    name = "mentoring"
    verbose_name = _("Mentoring")
