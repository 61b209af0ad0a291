from django.apps import AppConfig


class MentoringConfig(AppConfig):
    """The shared layer every app may use: settings, site URLs, time zones, and
    mail with its ledger (``mentoring.mail``, ``mentoring.models.SentEmail``)."""

    name = "mentoring"
    verbose_name = "Mentoring"
