from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SessionsLogConfig(AppConfig):
    name = "sessions_log"
    verbose_name = _("Call log")
