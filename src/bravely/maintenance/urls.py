from django.urls import path

from bravely.maintenance import portal_views, views

urlpatterns = [
    path("clients/<int:pk>/maintenance/", views.overview, name="maintenance_overview"),
    path("clients/<int:pk>/maintenance/plan/", views.plan_edit, name="maintenance_plan"),
    path("clients/<int:pk>/maintenance/plan/agreed/", views.plan_agreed,
         name="maintenance_plan_agreed"),
    path("clients/<int:pk>/maintenance/plan/history/", views.plan_history,
         name="maintenance_plan_history"),
    path("clients/<int:pk>/maintenance/schedule/", views.schedule,
         name="maintenance_schedule"),
    path("clients/<int:pk>/maintenance/schedule/<int:item_pk>/", views.item_edit,
         name="maintenance_item"),
    path("clients/<int:pk>/maintenance/boosters/", views.phase_edit, name="maintenance_phase"),
    path("clients/<int:pk>/maintenance/boosters/<int:booster_pk>/", views.booster_record,
         name="maintenance_booster"),
    path("clients/<int:pk>/maintenance/offers/<int:offer_pk>/", views.offer_decide,
         name="maintenance_offer"),
    path("clients/<int:pk>/maintenance/supports/<int:support_pk>/", views.guidance_edit,
         name="maintenance_guidance"),
    path("maintenance/settings/", views.practice_settings, name="maintenance_settings"),
    path("me/plan/", portal_views.relapse_plan, name="portal_relapse_plan"),
    path("me/maintenance/", portal_views.maintenance, name="portal_maintenance"),
    path("me/maintenance/<int:item_pk>/", portal_views.log_item,
         name="portal_maintenance_log"),
    path("me/lifestyle/", portal_views.lifestyle, name="portal_lifestyle"),
    path("me/booster/<int:booster_pk>/", portal_views.booster, name="portal_booster"),
    path("me/reminders/", portal_views.reminder_settings, name="portal_reminders"),
    path("reminders/stop/<str:token>/", portal_views.unsubscribe,
         name="maintenance_unsubscribe"),
]
