from django import forms
from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    """Renders every form, ours and allauth's, the same accessible way: an error
    summary at the top linking to each field, and each error beside its field
    (the GOV.UK Design System pattern)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def _page_number() -> forms.IntegerField:
    # A million pages of 25 is beyond any program; the paginator shows the last page past the end.
    return forms.IntegerField(required=False, min_value=1, max_value=1_000_000)


class ListQueryForm(forms.Form):
    """The numbers in a list page's query string (or in a POST that returns to
    it): page numbers, and the protégé chosen on the matching board. Anything
    that is not a whole number in range falls back, never an error page."""

    page = _page_number()
    invitations = _page_number()  # the people page's open invitations
    waiting = _page_number()  # the matching board's three lists
    pairs = _page_number()
    drafts = _page_number()
    protege = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def value(self, name: str, default: int | None = None) -> int | None:
        """The number given for ``name``, or ``default`` when it is missing or not valid."""
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value is None else value
