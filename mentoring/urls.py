from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

from . import views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("", include("partnerships.urls")),
    path("", include("goals.urls")),
    path("", include("reminders.urls")),
    path("", include("sessions_log.urls")),
    path("admin/", admin.site.urls),
]
