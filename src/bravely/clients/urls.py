from django.urls import path

from bravely.clients import views

urlpatterns = [
    path("clients/", views.caseload, name="caseload"),
    path("clients/new/", views.client_new, name="client_new"),
    path("clients/<int:pk>/", views.client_detail, name="client_detail"),
    path("clients/<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("clients/<int:pk>/archive/", views.client_archive, name="client_archive"),
    path("clients/<int:pk>/restore/", views.client_restore, name="client_restore"),
    path("clients/<int:pk>/consent/", views.consent_new, name="consent_new"),
]
