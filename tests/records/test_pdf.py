"""The PDFs: rendered by WeasyPrint from the templates, read back with pypdf; a page rendered to
PNG is not blank; an archived client's documents say so; constant queries for a year of
practice."""

import base64
import io
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image
from pypdf import PdfReader

from bravely.progress import charts
from bravely.records import documents, pdf
from tests.records.conftest import log


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_handout_has_the_clients_plan_in_plain_words(logged):
    data = pdf.render_pdf("handout", logged.client)
    assert data.startswith(b"%PDF")
    text = text_of(data)
    for expected in ("Your plan", "What matters to you", "Be there for my friends",
                     "This week's practice", "Say hello to a colleague", "Your ladder",
                     "This step serves", "Your way out", "Step outside and breathe",
                     "Coping steps you can use", "Slow breathing", "People you can contact",
                     "Sam", "In a crisis", "Example US crisis line"):
        assert expected in text, expected


def test_the_clinical_summary_has_its_headings_and_slots(signed):
    text = text_of(pdf.render_pdf("summary", signed.client))
    for expected in ("Clinical summary", "Presenting concerns", "Consent", "Values assessments",
                     "Readiness and clearances", "Exposure plan", "Practice",
                     "3 practices logged", "Charts", "Outcome measures",
                     "Recommendations and decisions", "Relapse prevention",
                     "1 signed session note"):
        assert expected in text, expected


def test_the_discharge_summary_renders(signed):
    text = text_of(pdf.render_pdf("discharge", signed.client))
    assert "Discharge summary" in text and "Treatment" in text
    assert "Next rung next week." in text  # the plan of the last signed note


def test_an_archived_clients_documents_are_marked(logged, actor):
    from bravely.clients.services import archive_client

    archive_client(actor, logged.client, "Moved away")
    logged.client.refresh_from_db()
    logged.client.display_name = "Jordan O'Reyes"  # a quote must reach the page footer intact
    reader = PdfReader(io.BytesIO(pdf.render_pdf("summary", logged.client)))
    assert "Archived record" in reader.pages[0].extract_text()
    for page in reader.pages:  # the footer of every page says so
        text = page.extract_text()
        assert "ARCHIVED RECORD" in text and "Jordan O'Reyes" in text


def test_the_handout_is_in_the_clients_language(logged):
    from django.utils import translation

    logged.client.locale = "es"
    html = pdf.render_html("handout", logged.client)
    assert 'lang="es"' in html
    assert translation.get_language() != "es"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_a_page_rendered_to_png_is_not_blank(logged, tmp_path):
    path = tmp_path / "handout.pdf"
    path.write_bytes(pdf.render_pdf("handout", logged.client))
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-gray", str(path),
                    str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    from PIL import Image

    histogram = Image.open(png).convert("L").histogram()  # pixels per grey level, 0 = black
    assert sum(histogram[:128]) > sum(histogram) * 0.01


@pytest.mark.parametrize("kind", ["handout", "summary", "discharge"])
def test_a_document_takes_the_same_queries_for_a_week_or_a_year(planned, actor, kind):
    log(actor, planned, 2)
    with CaptureQueriesContext(connection) as few:
        documents.BUILDERS[kind](planned.client)
    for day in range(5, 365, 3):  # a practice every three days for a year
        log(actor, planned, 1, days_ago=day, peak=40 + day % 30)
    with CaptureQueriesContext(connection) as many:
        documents.BUILDERS[kind](planned.client)
    assert len(few) == len(many)


def test_the_summarys_charts_are_images_in_the_pdf_and_svg_on_screen(signed):
    """WeasyPrint takes seconds to draw an SVG chart with many markers; the PDF gets images,
    JPEGs (which it embeds as they are) at 150 dpi across the printed width, on white."""
    screen = pdf.render_html("summary", signed.client)
    assert "<svg" in screen and 'class="chart-img"' not in screen
    with documents.charts_as_images():
        paper = pdf.render_html("summary", signed.client)
    assert "<svg" not in paper and paper.count('src="data:image/jpeg;base64,') >= 1
    assert 'alt="Distress per practice' in paper
    first = re.search(r'src="data:image/jpeg;base64,([^"]+)"', paper).group(1)
    image = Image.open(io.BytesIO(base64.b64decode(first)))
    assert image.mode == "RGB" and image.width == round(charts.RASTER_DPI * charts.PRINT_WIDTH)
    reader = PdfReader(io.BytesIO(pdf.render_pdf("summary", signed.client)))
    assert sum(len(page.images) for page in reader.pages) >= 1
