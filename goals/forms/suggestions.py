"""The mentor's suggestion of a goal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.bounds.text import MultiLineField, SingleLineField
from mentoring.form_words import InOurWords

from ..models import Goal
from .goals import CategoryRadio, category_choices


class SuggestionForm(InOurWords, forms.Form):
    """The mentor's suggestion of a goal; the protégé decides, in their own words."""

    category = forms.ChoiceField(
        label=_("Category"),
        choices=category_choices,
        widget=CategoryRadio,
        error_messages={"required": _("Choose the kind of goal.")},
    )
    title = SingleLineField(
        label=_("Suggested goal"),
        max_length=200,
        error_messages={"required": _("Write the goal you suggest in a few words.")},
    )
    note = MultiLineField(
        label=_("Why you suggest it"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Your protégé reads this and decides; they write the goal and its why in their own words."
        ),
    )

    def __init__(self, *args, advances: Goal | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.advances = advances
        if advances is not None:
            self.fields["category"].initial = advances.category
            self.fields["category"].disabled = True
