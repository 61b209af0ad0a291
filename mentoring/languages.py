"""The languages the product speaks (``settings.LANGUAGES``: British English,
the source, then Spanish and German) and which of them serves a person."""

from django.conf import settings
from django.utils import translation


def supported(tag: str | None) -> str | None:
    """The code in ``settings.LANGUAGES`` that serves the BCP 47 ``tag``
    ("de-AT" → "de", "en-US" → "en-gb", "ES" → "es"), or None when none does
    (an empty tag, "fr", a malformed one)."""
    if not tag:
        return None
    try:
        return translation.get_supported_language_variant(tag.strip().lower().replace("_", "-"))
    except LookupError:
        return None


def codes() -> list[str]:
    """The codes of ``settings.LANGUAGES``, source language first."""
    return [code for code, _name in settings.LANGUAGES]
