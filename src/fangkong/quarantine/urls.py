from django.urls import path

from . import views_followups, views_orders, views_policies, views_sites, views_transfers

app_name = "quarantine"
urlpatterns = [
    path("", views_followups.index, name="index"),
    path("mine/", views_followups.mine, name="mine"),
    path("due/", views_followups.due, name="due"),
    path("overdue/", views_followups.overdue, name="overdue"),
    path("follow-ups/<int:pk>/excuse/", views_followups.excuse, name="excuse"),
    path("orders/", views_orders.orders, name="orders"),
    path("orders/<int:pk>/", views_orders.order, name="order"),
    path("orders/<int:pk>/follow-up/", views_followups.record_follow_up, name="record_follow_up"),
    path("orders/<int:pk>/call/", views_followups.call_person, name="call_person"),
    path("orders/<int:pk>/release/", views_orders.release, name="release"),
    path("orders/<int:pk>/end/", views_orders.end, name="end"),
    path("orders/<int:pk>/planned-end/", views_orders.planned_end, name="planned_end"),
    path("orders/<int:pk>/responsible/", views_orders.responsible, name="responsible"),
    path("orders/<int:pk>/tests/", views_orders.record_test, name="record_test"),
    path("orders/<int:pk>/check-in/", views_sites.check_in, name="check_in"),
    path("orders/<int:pk>/check-out/", views_sites.check_out, name="check_out"),
    path("orders/<int:pk>/notice/", views_orders.notice, name="notice"),
    path("start/<int:key_person_pk>/", views_orders.start, name="start"),
    path("transfers/", views_transfers.transfers, name="transfers"),
    path("transfers/<int:pk>/assign/", views_transfers.assign, name="assign_transfer"),
    path("transfers/<int:pk>/close/", views_transfers.close, name="close_transfer"),
    path("sites/", views_sites.sites, name="sites"),
    path("sites/new/", views_sites.site_new, name="site_new"),
    path("sites/<int:pk>/", views_sites.site, name="site"),
    path("sites/<int:pk>/rooms/", views_sites.add_room, name="add_room"),
    path("rooms/<int:pk>/capacity/", views_sites.room_capacity, name="room_capacity"),
    path("policies/", views_policies.policies, name="policies"),
    path("policies/<str:category>/", views_policies.policy_edit, name="policy_edit"),
]
