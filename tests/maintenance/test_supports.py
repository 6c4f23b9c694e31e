"""A support person sees the guidance beside the summary, and the plan only when the client
shares it; revoking ends both at once."""

import pytest
from django.core.exceptions import ValidationError

from bravely.accounts.models import User
from bravely.maintenance import services
from bravely.portal.models import SupportPerson
from bravely.portal.services import revoke_support
from tests.factories import PASSWORD, plan_data, signed_in


@pytest.fixture
def sam(maint, actor):
    user = User.objects.create_user("sam@example.org", PASSWORD)
    support = SupportPerson.objects.create(
        client=maint.client, user=user, name="Sam", relationship="friend",
        email="sam@example.org", shares=["values"], consent_note="Agreed",
        recorded_by=actor.user)
    return support


def test_guidance_shows_beside_the_summary_and_the_plan_only_when_shared(maint, actor, sam):
    services.save_plan(actor, maint.client, plan_data(), based_on=None)
    services.save_guidance(actor, sam, helps="Notice the effort", avoid="No reassurance",
                           consent_note="Agreed in session")
    http = signed_in(sam.user)
    page = http.get(f"/support/{sam.pk}/").content.decode()
    assert "Notice the effort" in page and "No reassurance" in page
    assert "Skipping lunch with the team" not in page
    sam.shares = ["values", "relapse_plan"]
    sam.save()
    assert "Skipping lunch with the team" in http.get(f"/support/{sam.pk}/").content.decode()
    revoke_support(actor, sam)
    assert http.get(f"/support/{sam.pk}/").status_code == 404


def test_guidance_is_versioned_and_needs_consent(maint, actor, sam, alice):
    services.save_guidance(actor, sam, helps="a", avoid="b", consent_note="c")
    second = services.save_guidance(actor, sam, helps="a2", avoid="b", consent_note="c")
    assert second.version == 2 and sam.guidance.count() == 2
    http = signed_in(alice)
    url = f"/clients/{maint.client.pk}/maintenance/supports/{sam.pk}/"
    response = http.post(url, {"helps": "x", "avoid": "y", "consent_note": "z"})
    assert response.status_code == 200  # the consent box was not ticked
    assert sam.guidance.count() == 2
    revoke_support(actor, sam)
    with pytest.raises(ValidationError):
        services.save_guidance(actor, sam, helps="a", avoid="b", consent_note="c")
