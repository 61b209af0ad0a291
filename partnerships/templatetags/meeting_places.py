"""``{{ agreement.location|meeting_place }}``: where a pair meets, as a link
when it is a web address (the agreement form lets no other kind of link in),
as plain text otherwise (a phone number, a place). Escaped either way."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

_WEB_LINK = re.compile(r"(?i)https?://\S+")


@register.filter
def meeting_place(location: str) -> SafeString:
    location = (location or "").strip()
    if _WEB_LINK.fullmatch(location):
        return format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', location, location
        )
    return escape(location)
