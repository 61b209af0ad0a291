from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    # A person's weekly hours and days away, for finding call times (issue 19).
    path("me/availability/", views.availability, name="availability"),
]
