from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "health"
    verbose_name = "Program health"

    def ready(self) -> None:
        from partnerships.signals import pair_changed

        from . import receivers

        # Every writer below this app tells it of a change by this signal, inside its transaction.
        pair_changed.connect(receivers.refresh_changed_pairs, dispatch_uid="health.refresh_changed_pairs")
