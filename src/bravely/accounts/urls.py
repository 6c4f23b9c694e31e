from django.urls import path

from bravely.accounts import views

urlpatterns = [
    path("practice/", views.practice_settings, name="practice_settings"),
    path("practice/members/", views.practice_members, name="practice_members"),
    path("practice/members/<int:pk>/", views.member_edit, name="member_edit"),
    path("practice/invite/", views.invite, name="invite"),
    path("practice/invitations/<int:pk>/revoke/", views.invitation_revoke,
         name="invitation_revoke"),
    path("practice/consent-checklist/", views.consent_items, name="consent_items"),
    path("practice/consent-checklist/<int:pk>/", views.consent_item_edit,
         name="consent_item_edit"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("settings/", views.my_settings, name="my_settings"),
    path("settings/api-tokens/", views.api_tokens, name="api_tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
