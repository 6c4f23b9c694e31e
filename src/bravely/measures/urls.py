from django.urls import path

from bravely.measures import client_views, views

urlpatterns = [
    path("practice/measures/", views.instrument_list, name="measure_instruments"),
    path("practice/measures/import/", views.instrument_import, name="measure_import"),
    path("clients/<int:pk>/measures/", views.client_measures, name="client_measures"),
    path("clients/<int:pk>/measures/schedule/", views.schedule, name="measure_schedule"),
    path("clients/<int:pk>/measures/schedules/<int:schedule_pk>/end/", views.end_schedule,
         name="measure_schedule_end"),
    path("clients/<int:pk>/measures/enter/<int:instrument_pk>/", views.enter,
         name="measure_enter"),
    path("me/measures/", client_views.measure_list, name="portal_measures"),
    path("me/measures/<int:pk>/", client_views.measure_item, name="portal_measure"),
]
