"""What the audit log calls a record: the page that was shown, or the kind of record touched."""

from functools import cache

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# Pages that show a client's data as a whole; the entry's object id is the client's.
PAGES = {
    "caseload": _("Caseload page"),
    "needs_attention": _("Needs-attention page"),
    "edit_form": _("Client edit form"),
    "archive_form": _("Client archive form"),
    "consent_form": _("Consent form"),
    "check_ins": _("Check-ins"),
    "practice_logs": _("Practice logs"),
    "risk_alerts": _("Risk alerts"),
    "recommendations": _("Recommendations"),
    "progress": _("Progress page"),
    "progress_chart": _("Progress chart data"),
    "portal_access": _("Portal access page"),
    "portal_today": _("Portal: Today"),
    "portal_ladder": _("Portal: My ladder"),
    "portal_values": _("Portal: My values"),
    "portal_values_rate": _("Portal: rating values"),
    "portal_statement_form": _("Portal: adding a value"),
    "portal_safety": _("Portal: My safety plan"),
    "portal_log_start": _("Portal: choosing a practice to log"),
    "portal_log_form": _("Portal: practice log form"),
    "portal_journal": _("Portal: Journal"),
    "portal_check_in": _("Portal: check-in form"),
    "portal_stop": _("Portal: “I need to stop”"),
    "portal_sharing": _("Portal: Sharing"),
    "session_notes": _("Session notes"),
    "documents_page": _("Documents and export page"),
    "pdf_handout": _("PDF: the client's plan handout"),
    "pdf_summary": _("PDF: clinical summary"),
    "pdf_discharge": _("PDF: discharge summary"),
    "export_json": _("Export of the record (JSON)"),
    "export_fhir": _("Export of the record (FHIR)"),
    "client_record": _("Export of the record (practice archive)"),
    "practice_export": _("Practice export"),
    "portal_record": _("Portal: My record"),
    "portal_progress": _("Portal: My progress"),
    "portal_more": _("Portal: More"),
    "portal_practise_start": _("Portal: choosing a practice to practise now"),
    "portal_practise_before": _("Portal: practise now, before"),
    "portal_practise_run": _("Portal: practise now, during"),
    "portal_practise_stop": _("Portal: stopping inside a practice"),
    "portal_practise_reflect": _("Portal: practise now, reflection"),
    "portal_practise_result": _("Portal: what the practice showed"),
    "portal_practise_offline": _("Portal: a practice kept on the phone for offline use"),
    "measures": _("Outcome measures"),
    "measure_scores": _("Outcome measure scores"),
    "measure_schedule": _("Measure schedule form"),
    "measure_entry": _("Measure entry from the paper form"),
    "portal_measures": _("Portal: Questionnaires"),
    "support_home": _("Support person: home"),
    "support_summary": _("Support person: shared summary"),
    "support_form": _("Support person form"),
    "maintenance_overview": _("Maintenance page"),
    "maintenance_plan_form": _("Relapse-prevention plan form"),
    "maintenance_plan_history": _("Relapse-prevention plan versions"),
    "maintenance_schedule_form": _("Maintenance practice form"),
    "portal_relapse_plan": _("Portal: My plan for keeping my gains"),
    "portal_maintenance": _("Portal: Keeping it up"),
    "portal_maintenance_log": _("Portal: maintenance practice log form"),
    "portal_lifestyle": _("Portal: everyday exposure form"),
    "portal_reminders": _("Portal: Reminders"),
}


@cache
def _model_names() -> dict:
    return {m._meta.model_name: capfirst(m._meta.verbose_name) for m in apps.get_models()}


def record_label(object_type: str) -> str:
    if object_type in PAGES:
        return PAGES[object_type]
    return _model_names().get(object_type, object_type)


def is_page(object_type: str) -> bool:
    return object_type in PAGES
