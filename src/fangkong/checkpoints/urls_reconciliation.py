from django.urls import path

from . import views_reconciliation

urlpatterns = [
    path("reconciliation/", views_reconciliation.reconciliation, name="reconciliation"),
    path("reconciliation/run/", views_reconciliation.run, name="reconciliation_run"),
]
