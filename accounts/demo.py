"""Demo people for ``seed_demo``. Idempotent: found by email, created once."""

from allauth.account.models import EmailAddress

from .models import User

DEMO_PASSWORD = "mentoring-demo"


def demo_user(email: str, display_name: str, time_zone: str, **extra) -> User:
    """The person with this email, created with the demo password the first time
    (a changed password is left alone), their email verified for sign-in."""
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": display_name, "time_zone": time_zone, **extra}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
