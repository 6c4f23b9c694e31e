"""The practice-wide archive: streamed client by client, complete only with its manifest,
audited per client, admins only (the access matrix has the 404s)."""

import io
import json
import zipfile

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from bravely.audit.models import AuditEvent
from bravely.audit.services import Actor
from bravely.records import archive
from tests.factories import make_client


@pytest.fixture
def practice_with_clients(signed, practice, alice):
    for i in range(4):
        make_client(practice, alice, f"Client {i}")
    return practice


def test_the_archive_streams_one_piece_per_client_and_ends_with_the_manifest(
        practice_with_clients, dana):
    chunks = list(archive.stream(Actor(dana), practice_with_clients, chunk=2))
    assert len(chunks) == 5 + 1  # one per client, then the schema, manifest and directory
    data = b"".join(chunks)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert names[-1] == "manifest.json"
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["complete"] is True and manifest["clients"] == 5
        records = [n for n in names if n.endswith("record.json")]
        bundles = [n for n in names if n.endswith("fhir-bundle.json")]
        assert len(records) == len(bundles) == 5
        record = json.loads(zf.read(records[0]))
        assert record["format"] == "bravely.client-record"
    exports = AuditEvent.objects.filter(action="export", object_type="client_record")
    assert exports.count() == 5 and set(exports.values_list("actor_id", flat=True)) == {dana.pk}
    assert AuditEvent.objects.filter(object_type="practice_export").count() == 1


def test_an_archive_cut_off_half_way_is_not_a_usable_archive(practice_with_clients, dana):
    stream = archive.stream(Actor(dana), practice_with_clients, chunk=2)
    partial = b"".join(next(stream) for _ in range(3))
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(partial))


def test_the_download_streams_for_the_admin(practice_with_clients, dana):
    http = HttpClient()
    http.force_login(dana)
    response = http.get(reverse("practice_export_download"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/zip"
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert json.loads(zf.read("manifest.json"))["clients"] == 5


def test_each_client_costs_the_same_queries(practice_with_clients, dana, practice, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        list(archive.stream(Actor(dana), practice, chunk=50))
    for i in range(5):
        make_client(practice, alice, f"More {i}")
    with CaptureQueriesContext(connection) as ten:
        list(archive.stream(Actor(dana), practice, chunk=50))
    per_client = (len(ten) - len(five)) / 5
    assert per_client <= 60  # a fixed cost per client (its tables), not per row
