from allauth.socialaccount import admin as social_admin
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from mentoring.admin import SiteAdminMixin

from .models import DayAway, User, WeeklyHours


class WeeklyHoursInline(admin.TabularInline):
    """The person's hours per weekday, on their own clock (none while they are the default)."""

    model = WeeklyHours
    extra = 0
    max_num = 7


class DayAwayInline(admin.TabularInline):
    model = DayAway
    extra = 0


@admin.register(User)
class UserAdmin(SiteAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "time_zone", "is_staff", "is_active"]
    inlines = [WeeklyHoursInline, DayAwayInline]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "time_zone", "availability_set_at"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


# The organisation sign-in's own admin pages (allauth's), with what every admin
# of ours does: an empty settings box stores {} (the column refuses NULL).
for _model, _base in (
    (SocialApp, social_admin.SocialAppAdmin),
    (SocialAccount, social_admin.SocialAccountAdmin),
    (SocialToken, social_admin.SocialTokenAdmin),
):
    admin.site.unregister(_model)
    admin.site.register(_model, type(_base.__name__, (SiteAdminMixin, _base), {}))
