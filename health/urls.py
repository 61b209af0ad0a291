from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("programs/<slug:slug>/report.csv", views.program_report, name="program_report"),
]
