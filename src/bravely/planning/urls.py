from django.urls import path

from bravely.planning.views import (
    config,
    homework,
    ladder,
    overview,
    pace,
    readiness,
    safety,
    values,
)

C = "clients/<int:pk>/"

urlpatterns = [
    path(C + "planning/", overview.planning_overview, name="planning_overview"),
    # values
    path(C + "values/", values.values_list, name="values_list"),
    path(C + "values/new/", values.values_new, name="values_new"),
    path(C + "values/<int:assessment_pk>/", values.values_detail, name="values_detail"),
    path(C + "values/<int:assessment_pk>/statements/new/", values.statement_new,
         name="statement_new"),
    path(C + "statements/<int:statement_pk>/", values.statement_edit, name="statement_edit"),
    path(C + "goals/new/", values.goal_new, name="goal_new"),
    path(C + "goals/<int:goal_pk>/", values.goal_edit, name="goal_edit"),
    # safety
    path(C + "safety/", safety.safety_detail, name="safety_detail"),
    path(C + "safety/new/", safety.safety_edit, name="safety_edit"),
    path(C + "safety/<int:version_pk>/acknowledge/", safety.safety_acknowledge,
         name="safety_acknowledge"),
    path(C + "readiness/new/", readiness.readiness_new, name="readiness_new"),
    path(C + "readiness/holds/<int:hold_pk>/clear/", readiness.hold_clear, name="hold_clear"),
    # plans and ladder
    path(C + "plans/new/", ladder.plan_new, name="plan_new"),
    path(C + "plans/<int:plan_pk>/", ladder.plan_detail, name="plan_detail"),
    path(C + "plans/<int:plan_pk>/edit/", ladder.plan_edit, name="plan_edit"),
    path(C + "plans/<int:plan_pk>/history/", ladder.plan_history, name="plan_history"),
    path(C + "plans/<int:plan_pk>/rungs/new/", ladder.rung_new, name="rung_new"),
    path(C + "plans/<int:plan_pk>/acknowledge/", ladder.ladder_ack, name="ladder_ack"),
    path(C + "plans/<int:plan_pk>/pace/", pace.pace_new, name="pace_new"),
    path(C + "rungs/<int:rung_pk>/", ladder.rung_edit, name="rung_edit"),
    path(C + "rungs/<int:rung_pk>/move/", ladder.rung_move, name="rung_move"),
    path(C + "rungs/<int:rung_pk>/decline/", ladder.rung_decline, name="rung_decline"),
    path(C + "declines/<int:decline_pk>/", ladder.decline_resolve, name="decline_resolve"),
    # homework
    path(C + "rungs/<int:rung_pk>/assign/", homework.assignment_new, name="assignment_new"),
    path(C + "assignments/<int:assignment_pk>/", homework.assignment_detail,
         name="assignment_detail"),
    path(C + "assignments/<int:assignment_pk>/rationale/", homework.rationale_sign,
         name="rationale_sign"),
    path(C + "assignments/<int:assignment_pk>/cancel/", homework.assignment_cancel,
         name="assignment_cancel"),
    # practice administration
    path("practice/value-domains/", config.value_domains, name="value_domains"),
    path("practice/value-domains/<int:pk>/", config.value_domain_edit, name="value_domain_edit"),
    path("practice/crisis-resources/", config.crisis_resources, name="crisis_resources"),
    path("practice/crisis-resources/<int:pk>/", config.crisis_resource_edit,
         name="crisis_resource_edit"),
    path("practice/planning/", config.planning_settings, name="planning_settings"),
]
