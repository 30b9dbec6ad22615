from django.urls import path

from . import views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_file, name="import"),
    path("export/", views.export_file, name="export"),
]
