from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = _("Program health")

    def ready(self) -> None:
        from partnerships.signals import pair_changed

        from . import receivers

        # Every writer below this app tells it of a change by this signal, inside its transaction.
        pair_changed.connect(receivers.refresh_changed_pairs, dispatch_uid="health.refresh_changed_pairs")
