"""The new pages make the same number of queries whatever the amount of maintenance data."""

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bravely.accounts.models import User
from bravely.maintenance import services
from bravely.maintenance.models import Booster
from bravely.portal.models import SupportPerson
from tests.factories import PASSWORD, plan_data, signed_in


def add(maint, actor, n, sam_user):
    services.build_schedule(actor, maint.client, per_week=min(7, n), weeks=n,
                            contexts=["a", "b"])
    for i in range(n):
        services.log_lifestyle(actor, maint.client, {"what": f"thing {i}"},
                               idempotency_key=uuid.uuid4().hex)
        support = SupportPerson.objects.create(
            client=maint.client, user=sam_user if i == 0 else None, name=f"S{i}",
            relationship="friend", email=f"s{i}@example.org",
            shares=["relapse_plan", "values"], consent_note="ok", recorded_by=actor.user)
        services.save_guidance(actor, support, helps="h", avoid="a", consent_note="c")
    booster = Booster.objects.filter(client=maint.client, done_at__isnull=True).first()
    services.record_booster(actor, booster, rung_ratings={maint.rungs[2].pk: 90},
                            value_ratings={})


def counts(http, urls):
    result = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(url).status_code == 200, url
        result.append(len(queries))
    return result


def test_query_counts_stay_constant(maint, actor, alice, portal):
    sam = User.objects.create_user("sam@example.org", PASSWORD)
    services.save_plan(actor, maint.client, plan_data(), based_on=None)
    add(maint, actor, 1, sam)
    support = SupportPerson.objects.get(user=sam)
    c = maint.client.pk
    staff = [f"/clients/{c}/maintenance/", f"/clients/{c}/maintenance/plan/history/",
             f"/clients/{c}/maintenance/plan/", "/attention/"]
    mine = ["/me/maintenance/", "/me/plan/"]
    http, support_http = signed_in(alice), signed_in(sam)
    small = (counts(http, staff), counts(portal, mine),
             counts(support_http, [f"/support/{support.pk}/"]))
    add(maint, actor, 5, None)
    services.save_plan(actor, maint.client, plan_data(), based_on=1)
    large = (counts(http, staff), counts(portal, mine),
             counts(support_http, [f"/support/{support.pk}/"]))
    assert small == large
