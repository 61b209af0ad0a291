from django.urls import path

from .views import calls, homework

app_name = "sessions_log"

PAIR = "partnerships/<int:partnership_id>/"

urlpatterns = [
    path(f"{PAIR}sessions/", calls.call_log, name="call_log"),
    path(f"{PAIR}sessions/new/", calls.session_new, name="session_new"),
    path(f"{PAIR}sessions/new/homework-row/", calls.homework_row, name="homework_row"),
    path(f"{PAIR}sessions/next/", calls.call_page, name="call_page"),
    path(f"{PAIR}sessions/check/", calls.partnership_check, name="partnership_check"),
    path(f"{PAIR}sessions/<int:session_id>/feedback/", calls.feedback, name="feedback"),
    path(f"{PAIR}homework/", homework.homework, name="homework"),
    path(f"{PAIR}homework/<int:homework_id>/done/", homework.homework_done, name="homework_done"),
    path(f"{PAIR}agenda/", homework.agenda_add, name="agenda_add"),
    path(f"{PAIR}agenda/<int:item_id>/pull/", homework.agenda_pull, name="agenda_pull"),
]
