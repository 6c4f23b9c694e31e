"""`{% load pacing_tags %}{% pacing_summary client %}`: a short section for the client's page."""

from django import template

from bravely.pacing.models import Kind, Recommendation
from bravely.pacing.selectors import refresh_failure

register = template.Library()


@register.inclusion_tag("pacing/_client_summary.html")
def pacing_summary(client):
    kinds = list(Recommendation.objects.filter(
        client=client, status=Recommendation.Status.OPEN, role=Recommendation.Role.PRIMARY)
        .values_list("kind", flat=True))  # one per rung: the suggested next step
    return {"client": client, "open": len(kinds),
            "crisis": sum(1 for k in kinds if k == Kind.CRISIS_FOLLOW_UP),
            "refresh_failure": refresh_failure(client)}
