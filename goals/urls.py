from django.urls import path

app_name = "goals"

urlpatterns: list = [
    # /partnerships/<id>/goals/ and /partnerships/<id>/ratings/new/ arrive with the goals issue.
]
