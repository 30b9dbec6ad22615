from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.daily, name="daily"),
    path("daily.xlsx", views.daily_xlsx, name="daily_xlsx"),
]
