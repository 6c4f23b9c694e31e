"""PDFs rendered by WeasyPrint from the Django templates in templates/records/pdf/. The same
templates render as HTML (the tests and the screen preview use that); WeasyPrint turns them into
paper. WeasyPrint needs Pango (README, "Set up and run")."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from bravely.records import documents


def render_html(kind: str, client, request=None) -> str:
    """The document's HTML; the handout in the client's language."""
    context = documents.BUILDERS[kind](client)
    language = client.locale if kind == "handout" and client.locale else None
    with translation.override(language or translation.get_language()):
        return render_to_string(f"records/pdf/{kind}.html", context, request=request)


def render_pdf(kind: str, client, request=None) -> bytes:
    from weasyprint import HTML  # imported here: Pango loads only when a PDF is made

    with documents.charts_as_images():
        html = render_html(kind, client, request)
    base_url = str(settings.BASE_DIR) if hasattr(settings, "BASE_DIR") else None
    return HTML(string=html, base_url=base_url).write_pdf()


def filename(kind: str, client) -> str:
    return f"bravely-{kind}-{client.pk}.pdf"
