from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import User

# Long enough for any passphrase; the hash is what is stored.
PASSWORD_MAX_LENGTH = 128

# Shown under a time zone that nobody chose yet. Without JavaScript the first
# stays; static/js/time-zone.js picks the browser's zone and shows the second.
TIME_ZONE_NOT_CHOSEN = _("Set to UTC. Choose where you are, so call times and reminders are in your time.")
TIME_ZONE_FROM_BROWSER = _("Filled in from your browser. Change it if you are usually somewhere else.")


def offer_browser_time_zone(field: forms.Field) -> None:
    """Marks a time zone choice for static/js/time-zone.js to preselect the
    browser's zone (``Intl.DateTimeFormat().resolvedOptions().timeZone``),
    with hints that say which happened."""
    field.help_text = TIME_ZONE_NOT_CHOSEN
    field.widget.attrs["data-browser-time-zone"] = TIME_ZONE_FROM_BROWSER


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Nobody picks UTC on purpose: it is the zone of someone who never chose.
        if not self.is_bound and self.instance.time_zone == settings.TIME_ZONE:
            offer_browser_time_zone(self.fields["time_zone"])
