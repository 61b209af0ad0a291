from django.apps import AppConfig


class SessionsLogConfig(AppConfig):
    name = "sessions_log"
    verbose_name = "Call log"
