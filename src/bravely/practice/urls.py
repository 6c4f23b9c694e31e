from django.urls import path

from bravely.practice import views

urlpatterns = [
    path("clients/<int:pk>/practice/", views.client_practice, name="client_practice"),
    path("clients/<int:pk>/practice/<int:log_pk>/", views.log_detail, name="log_detail"),
    path("clients/<int:pk>/practice/session/<int:rung_pk>/", views.log_in_session,
         name="log_in_session"),
    path("clients/<int:pk>/risk-alerts/<int:alert_pk>/close/", views.close_alert,
         name="close_risk_alert"),
    path("practice/check-ins/", views.check_in_settings, name="check_in_settings"),
]
