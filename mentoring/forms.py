from django.forms.renderers import TemplatesSetting


class SiteFormRenderer(TemplatesSetting):
    """Renders every form, ours and allauth's, the same accessible way: an error
    summary at the top linking to each field, and each error beside its field
    (the GOV.UK Design System pattern)."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
