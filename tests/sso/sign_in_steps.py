"""The steps of signing in through an organisation's identity provider in a
browser (Playwright), shared by the OpenID Connect and SAML journeys in
tests/browser/: our sign-in page, the organisation's button, then the
provider's own page."""

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect


@dataclass(frozen=True)
class ProviderPage:
    """How one organisation's sign-in looks: ``button`` is ours, on our sign-in
    page; ``field`` (a label) and ``submit`` are on the provider's page, whose
    heading is ``heading`` when the journey checks it."""

    button: str
    field: str
    submit: str
    heading: str | None = None


def sign_in_through(
    page: Page, provider: ProviderPage, typed: str | None, *, check: Callable[[Page], None] | None = None
) -> None:
    """Opens our sign-in page, presses ``provider.button`` and, on the
    provider's page, types ``typed`` into ``provider.field`` and presses
    ``provider.submit``. ``typed=None`` when the browser is still signed in at
    the provider, which sends it straight back. ``check`` (e.g. an accessibility
    check) runs on the provider's page before typing."""
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    page.get_by_role("button", name=provider.button).click()
    if typed is None:
        return
    if provider.heading is not None:
        expect(page.get_by_role("heading", name=provider.heading)).to_be_visible()
    if check is not None:
        check(page)
    page.get_by_label(provider.field).fill(typed)
    page.get_by_role("button", name=provider.submit).click()
