from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The site administration signs people in through allauth's flow (its rate
# limits, MFA and session stamps), never with its own password-only form:
# /admin/login/ sends a signed-out person to /accounts/login/?next=…, and a
# signed-in person who is not staff gets 403.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", include("accounts.urls_language")),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    # programs/ first: /programs/new/ is not a program's overview (home's /programs/<slug>/).
    path("", include("programs.urls")),
    path("", include("home.urls")),
    path("", include("partnerships.urls")),
    path("", include("goals.urls")),
    path("", include("reminders.urls")),
    path("", include("sessions_log.urls")),
    path("", include("health.urls")),
    path("", include("surveys.urls")),
    path("admin/", admin.site.urls),
]

# A refusal says who may do it and links back (templates/403.html).
handler403 = "mentoring.views.permission_denied"
