from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("me/notifications/", views.notifications, name="notifications"),
    path("me/notifications/unread/", views.unread_badge, name="unread_badge"),
    path("me/notifications/stop/<str:token>/", views.stop, name="stop"),
]
