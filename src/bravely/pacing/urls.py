from django.urls import path

from bravely.pacing import views

C = "clients/<int:pk>/"

urlpatterns = [
    path("attention/", views.needs_attention, name="needs_attention"),
    path(C + "recommendations/", views.client_recommendations, name="client_recommendations"),
    path(C + "recommendations/refresh/", views.recommendations_refresh,
         name="recommendations_refresh"),
    path(C + "recommendations/<int:rec_pk>/", views.recommendation_decide,
         name="recommendation_decide"),
    path(C + "plans/<int:plan_pk>/pacing/", views.plan_pacing_settings,
         name="plan_pacing_settings"),
    path("practice/pacing/", views.pacing_settings, name="pacing_settings"),
]
