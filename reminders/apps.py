from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save

        from .leavers import user_saved

        # A deactivated account's partnerships are flagged to their program's admins.
        post_save.connect(user_saved, sender=get_user_model(), dispatch_uid="reminders_leaver_flag")
