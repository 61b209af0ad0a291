from django.db import transaction

from .models import User


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, time_zone: str) -> User:
    """Saves how the person is shown and which time zone their times use."""
    user.display_name = display_name.strip()
    user.time_zone = time_zone
    user.full_clean()
    user.save(update_fields=["display_name", "time_zone"])
    return user
