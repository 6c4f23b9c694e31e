from django.urls import path

from bravely.planning import views

C = "clients/<int:pk>/"

urlpatterns = [
    path(C + "planning/", views.planning_overview, name="planning_overview"),
    # values
    path(C + "values/", views.values_list, name="values_list"),
    path(C + "values/new/", views.values_new, name="values_new"),
    path(C + "values/<int:assessment_pk>/", views.values_detail, name="values_detail"),
    path(C + "values/<int:assessment_pk>/statements/new/", views.statement_new,
         name="statement_new"),
    path(C + "statements/<int:statement_pk>/", views.statement_edit, name="statement_edit"),
    path(C + "goals/new/", views.goal_new, name="goal_new"),
    path(C + "goals/<int:goal_pk>/", views.goal_edit, name="goal_edit"),
    # safety
    path(C + "safety/", views.safety_detail, name="safety_detail"),
    path(C + "safety/new/", views.safety_edit, name="safety_edit"),
    path(C + "safety/<int:version_pk>/acknowledge/", views.safety_acknowledge,
         name="safety_acknowledge"),
    path(C + "readiness/new/", views.readiness_new, name="readiness_new"),
    path(C + "readiness/holds/<int:hold_pk>/clear/", views.hold_clear, name="hold_clear"),
    # plans and ladder
    path(C + "plans/new/", views.plan_new, name="plan_new"),
    path(C + "plans/<int:plan_pk>/", views.plan_detail, name="plan_detail"),
    path(C + "plans/<int:plan_pk>/edit/", views.plan_edit, name="plan_edit"),
    path(C + "plans/<int:plan_pk>/history/", views.plan_history, name="plan_history"),
    path(C + "plans/<int:plan_pk>/rungs/new/", views.rung_new, name="rung_new"),
    path(C + "plans/<int:plan_pk>/acknowledge/", views.ladder_ack, name="ladder_ack"),
    path(C + "plans/<int:plan_pk>/pace/", views.pace_new, name="pace_new"),
    path(C + "rungs/<int:rung_pk>/", views.rung_edit, name="rung_edit"),
    path(C + "rungs/<int:rung_pk>/move/", views.rung_move, name="rung_move"),
    path(C + "rungs/<int:rung_pk>/decline/", views.rung_decline, name="rung_decline"),
    path(C + "declines/<int:decline_pk>/", views.decline_resolve, name="decline_resolve"),
    # homework
    path(C + "rungs/<int:rung_pk>/assign/", views.assignment_new, name="assignment_new"),
    path(C + "assignments/<int:assignment_pk>/", views.assignment_detail,
         name="assignment_detail"),
    path(C + "assignments/<int:assignment_pk>/rationale/", views.rationale_sign,
         name="rationale_sign"),
    path(C + "assignments/<int:assignment_pk>/cancel/", views.assignment_cancel,
         name="assignment_cancel"),
    # practice administration
    path("practice/value-domains/", views.value_domains, name="value_domains"),
    path("practice/value-domains/<int:pk>/", views.value_domain_edit, name="value_domain_edit"),
    path("practice/crisis-resources/", views.crisis_resources, name="crisis_resources"),
    path("practice/crisis-resources/<int:pk>/", views.crisis_resource_edit,
         name="crisis_resource_edit"),
    path("practice/planning/", views.planning_settings, name="planning_settings"),
]
