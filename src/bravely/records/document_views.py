"""Downloads: the PDFs, the JSON and FHIR exports of one client (care team and the client
themself), and the practice-wide archive (admin only). Every download is audited."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from bravely.accounts.selectors import get_admin_membership
from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.portal.selectors import own_client
from bravely.records import archive, documents, export, fhir, pdf

FORMATS = ("json", "fhir")


def pdf_response(kind, client, request) -> HttpResponse:
    response = HttpResponse(pdf.render_pdf(kind, client, request),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(kind, client)}"'
    return response


def export_response(fmt, client, audience) -> HttpResponse:
    data = export.client_record(client, audience=audience)
    if fmt == "fhir":
        data = fhir.bundle(client, record=data)
        content_type, suffix = "application/fhir+json", "fhir.json"
    else:
        content_type, suffix = "application/json", "json"
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1),
                            content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bravely-record-{client.pk}.{suffix}"')
    return response


@login_required
def client_documents(request, pk):
    client = get_client(request.user, pk)
    record(Actor.from_request(request), "view", client, object_type="documents_page")
    return render(request, "records/documents.html", {
        "client": client, "kinds": documents.KINDS.items()})


@login_required
def client_document(request, pk, kind):
    client = get_client(request.user, pk)
    if kind not in documents.KINDS:
        raise Http404
    record(Actor.from_request(request), "export", client, object_type=f"pdf_{kind}",
           details={"archived": client.is_archived})
    return pdf_response(kind, client, request)


@login_required
def client_export(request, pk, fmt):
    client = get_client(request.user, pk)
    if fmt not in FORMATS:
        raise Http404
    record(Actor.from_request(request), "export", client, object_type=f"export_{fmt}",
           details={"audience": export.CARE_TEAM})
    return export_response(fmt, client, export.CARE_TEAM)


@login_required
def portal_record(request):
    client = own_client(request.user)
    record(Actor.from_request(request, via="portal"), "view", client,
           object_type="portal_record")
    return render(request, "records/portal_record.html", {"client": client})


@login_required
def portal_handout(request):
    client = own_client(request.user)
    record(Actor.from_request(request, via="portal"), "export", client,
           object_type="pdf_handout")
    return pdf_response("handout", client, request)


@login_required
def portal_export(request, fmt):
    client = own_client(request.user)
    if fmt not in FORMATS:
        raise Http404
    record(Actor.from_request(request, via="portal"), "export", client,
           object_type=f"export_{fmt}", details={"audience": export.CLIENT})
    return export_response(fmt, client, export.CLIENT)


@login_required
def practice_export(request):
    membership = get_admin_membership(request.user)
    return render(request, "records/practice_export.html",
                  {"practice": membership.practice,
                   "clients": len(archive.client_ids(membership.practice_id))})


@login_required
def practice_export_download(request):
    membership = get_admin_membership(request.user)
    practice = membership.practice
    response = StreamingHttpResponse(archive.stream(Actor.from_request(request), practice),
                                     content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive.filename(practice)}"'
    return response
