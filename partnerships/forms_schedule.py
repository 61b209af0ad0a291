"""The form for offering other times: up to five typed in one's own zone, and a short note."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.dates import BoundedDateTimeField
from mentoring.bounds.text import SingleLineField
from mentoring.form_words import TOO_LONG
from partnerships.models.scheduling import OFFER_TIMES_MAX

from .scheduling import NOTE_MAX, TYPED_LATEST, TYPED_LEAD


class OfferTimesForm(forms.Form):
    """One to five times typed in the person's zone (the browser's date-time
    picker), each at least an hour ahead and within 60 days; whether they lie
    inside the pair's window is the service's to say (``time_offer_create``)."""

    note = SingleLineField(
        label=_("A note with your times"),
        max_length=NOTE_MAX,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, zone_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for n in range(1, OFFER_TIMES_MAX + 1):
            fields[f"time_{n}"] = BoundedDateTimeField(
                label=_("Time %(n)d") % {"n": n},
                required=False,
                earliest=TYPED_LEAD,
                latest=TYPED_LATEST,
                error_messages={"too_early": _("Choose a time at least an hour from now.")},
            )
        if zone_name:
            fields["time_1"].help_text = _("In your time zone, %(zone)s.") % {"zone": zone_name}
        self.fields = {**fields, "note": self.fields["note"]}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.times():
            raise forms.ValidationError(_("Type at least one time you can make."), code="no_times")
        return cleaned

    def times(self) -> list[datetime.datetime]:
        return [
            self.cleaned_data[name]
            for name in self.fields
            if name.startswith("time_") and self.cleaned_data.get(name) is not None
        ]
