from django.urls import path

from bravely.portal import views

urlpatterns = [
    path("clients/<int:pk>/portal/", views.portal_access, name="portal_access"),
    path("clients/<int:pk>/portal/supports/new/", views.support_new, name="support_new"),
    path("clients/<int:pk>/portal/supports/<int:support_pk>/revoke/", views.support_revoke,
         name="support_revoke"),
    path("join/<str:token>/", views.join, name="portal_join"),
]

from bravely.portal import client_views, practise  # noqa: E402

urlpatterns += [
    path("me/", client_views.today, name="portal_today"),
    path("me/ladder/", client_views.ladder, name="portal_ladder"),
    path("me/values/", client_views.values, name="portal_values"),
    path("me/values/rate/", client_views.values_rate, name="portal_values_rate"),
    path("me/values/new/", client_views.statement_new, name="portal_statement_new"),
    path("me/safety/", client_views.safety_plan, name="portal_safety"),
    path("me/sharing/", client_views.sharing, name="portal_sharing"),
    path("me/log/", client_views.log_start, name="portal_log_start"),
    path("me/log/<int:assignment_pk>/", client_views.log_practice, name="portal_log"),
    path("me/log/draft/", client_views.save_draft, name="portal_log_draft"),
    path("me/stop/", client_views.stop, name="portal_stop"),
    path("me/more/", client_views.more, name="portal_more"),
    path("me/offline-worker.js", client_views.offline_worker, name="offline_worker"),
    path("me/practise/", practise.practise_start, name="portal_practise_start"),
    path("me/practise/<int:assignment_pk>/", practise.practise_before,
         name="portal_practise_before"),
    path("me/practise/<int:assignment_pk>/offline/", practise.practise_offline,
         name="portal_practise_offline"),
    path("me/practise/<int:assignment_pk>/offline/stop/", practise.practise_offline_stop,
         name="portal_practise_offline_stop"),
    path("me/practise/run/<str:key>/", practise.practise_run, name="portal_practise_run"),
    path("me/practise/run/<str:key>/stop/", practise.practise_stop, name="portal_practise_stop"),
    path("me/practise/run/<str:key>/reflect/", practise.practise_reflect,
         name="portal_practise_reflect"),
    path("me/practise/done/<int:log_pk>/", practise.practise_result,
         name="portal_practise_result"),
    path("me/journal/", client_views.journal, name="portal_journal"),
    path("me/check-in/", client_views.check_in, name="portal_check_in"),
    path("support/", views.support_home, name="support_home"),
    path("support/<int:support_pk>/", views.support_summary, name="support_summary"),
]
