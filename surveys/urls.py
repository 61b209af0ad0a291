from django.urls import include, path

app_name = "surveys"

urlpatterns = [
    # A program's surveys, for its admins: setup and aggregate results.
    path("", include("surveys.urls_setup")),
    # Answering: the signed-in page and the signed link from the email.
    path("", include("surveys.urls_answer")),
]
