from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("programs/<slug:slug>/report.csv", views.program_report, name="program_report"),
    path("programs/<slug:slug>/outcomes/", views.program_outcomes, name="program_outcomes"),
    path("programs/<slug:slug>/outcomes.csv", views.program_outcomes_csv, name="program_outcomes_csv"),
]
