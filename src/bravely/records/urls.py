from django.urls import path

from bravely.records import views

urlpatterns = [
    path("clients/<int:pk>/notes/", views.notes_list, name="session_notes"),
    path("clients/<int:pk>/notes/new/", views.note_new, name="note_new"),
    path("clients/<int:pk>/notes/<int:note_pk>/", views.note_detail, name="note_detail"),
    path("clients/<int:pk>/notes/<int:note_pk>/autosave/", views.note_autosave,
         name="note_autosave"),
    path("clients/<int:pk>/notes/<int:note_pk>/addenda/", views.note_addendum,
         name="note_addendum"),
    path("clients/<int:pk>/notes/<int:note_pk>/cosign/", views.note_cosign, name="note_cosign"),
]

from bravely.records import document_views  # noqa: E402

urlpatterns += [
    path("clients/<int:pk>/documents/", document_views.client_documents,
         name="client_documents"),
    path("clients/<int:pk>/documents/<str:kind>.pdf", document_views.client_document,
         name="client_document"),
    path("clients/<int:pk>/export/<str:fmt>/", document_views.client_export,
         name="client_export"),
    path("me/record/", document_views.portal_record, name="portal_record"),
    path("me/record/plan.pdf", document_views.portal_handout, name="portal_handout"),
    path("me/record/export/<str:fmt>/", document_views.portal_export, name="portal_export"),
    path("practice/export/", document_views.practice_export, name="practice_export"),
    path("practice/export/download/", document_views.practice_export_download,
         name="practice_export_download"),
]
