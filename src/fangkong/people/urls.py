from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/", views.person_reveal, name="reveal"),
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/members/<int:person_pk>/remove/", views.household_remove_member,
         name="household_remove_member"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("merge/<int:keep_pk>/<int:other_pk>/", views.merge, name="merge"),
    path("reviews/", views.review_list, name="reviews"),
    path("reviews/<int:pk>/accept/", views.review_decide, {"decision": "accept"}, name="review_accept"),
    path("reviews/<int:pk>/reject/", views.review_decide, {"decision": "reject"}, name="review_reject"),
]
