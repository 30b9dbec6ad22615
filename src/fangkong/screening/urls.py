from django.urls import path

from .views import arrival_tasks, ledger, sweeps

app_name = "screening"
urlpatterns = [
    path("", ledger.key_persons, name="key_persons"),
    path("today/", ledger.today, name="today"),
    path("register/", ledger.register, name="register"),
    path("key-persons/<int:pk>/", ledger.key_person, name="key_person"),
    path("key-persons/<int:pk>/edit/", ledger.key_person_edit, name="key_person_edit"),
    path("key-persons/<int:pk>/status/", ledger.key_person_status, name="key_person_status"),
    path("key-persons/<int:pk>/check/", ledger.record_check, name="record_check"),
    path("tasks/", arrival_tasks.tasks, name="arrival_tasks"),
    path("tasks/<int:pk>/close/", arrival_tasks.task_close, name="arrival_task_close"),
    path("sweeps/", sweeps.sweeps, name="sweeps"),
    path("sweeps/<int:pk>/", sweeps.sweep, name="sweep"),
    path("sweeps/<int:pk>/households/<int:household_id>/visit/", sweeps.record_visit, name="record_visit"),
]
