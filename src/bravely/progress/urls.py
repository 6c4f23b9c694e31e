from django.urls import path

from bravely.progress import views

urlpatterns = [
    path("clients/<int:pk>/progress/", views.client_progress, name="client_progress"),
    path("me/progress/", views.portal_progress, name="portal_progress"),
]
