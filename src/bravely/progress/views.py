"""The progress pages: the care team's, per client, with a period selector, and the client's own
under /me/progress/ (plain, encouraging, phone first)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bravely.audit.services import Actor, record
from bravely.clients.selectors import get_client
from bravely.portal.selectors import own_client
from bravely.progress import charts, selectors
from bravely.progress.documents import clinician_charts

PORTAL_VALUES = 4


@login_required
def client_progress(request, pk):
    client = get_client(request.user, pk)
    error = ""
    try:
        period = selectors.check_period(request.GET.get("period"))
    except selectors.BadPeriod as bad:
        error, period = str(bad), selectors.DEFAULT_PERIOD
    data = selectors.progress_data(client, period)
    record(Actor.from_request(request), "view", client, object_type="progress",
           details={"period": period})
    return render(request, "progress/client_progress.html", {
        "client": client, "data": data, "period": period, "period_error": error,
        "periods": selectors.period_choices(), **clinician_charts(data),
    }, status=400 if error else 200)


def encouragement(data: selectors.ProgressData) -> list[str]:
    """What the client's page says first, in plain words: the ladder climbed, what they predicted
    against what happened, the values they live more fully."""
    lines = []
    for ladder in data.ladders:
        mastered = sum(r.status == "mastered" for r in ladder.rungs)
        if mastered:
            lines.append(ngettext(
                "You have climbed %(m)s step of your ladder “%(plan)s” (of %(n)s).",
                "You have climbed %(m)s steps of your ladder “%(plan)s” (of %(n)s).",
                mastered) % {"m": mastered, "plan": ladder.plan, "n": len(ladder.rungs)})
    by_rung: dict[str, list] = {}
    for p in data.expectancy.points:
        by_rung.setdefault(p.rung, []).append(p)
    for rung, points in by_rung.items():
        before = [p.before for p in points if p.before is not None]
        after = [p.after for p in points if p.after is not None]
        if not (before and after):
            continue
        text = _("“%(rung)s”: before your first practice you thought what you feared was "
                 "%(first)s %% likely; after your latest practice, %(latest)s %%.") % {
            "rung": rung, "first": before[0], "latest": after[-1]}
        if after[-1] < before[0]:
            text += " " + _("Your practice is teaching you something new.")
        lines.append(text)
    answered = [p.happened for p in data.expectancy.points if p.happened]
    if answered:
        lines.append(_("What you feared did not happen in %(no)s of %(n)s practices.") % {
            "no": answered.count("no"), "n": len(answered)})
    grown = [(d.points[-1].consistency - d.points[0].consistency, d) for d in data.values
             if len(d.points) >= 2 and d.points[-1].consistency > d.points[0].consistency]
    grown.sort(key=lambda item: (-item[0], item[1].name))
    for _gain, domain in grown[:3]:  # the three that grew most
        lines.append(_("You are living “%(domain)s” more fully: from %(a)s to %(b)s out "
                       "of 10.") % {"domain": domain.name,
                                    "a": charts._num(domain.points[0].consistency),
                                    "b": charts._num(domain.points[-1].consistency)})
    total = data.practice_count
    if total:
        lines.append(ngettext("You have practised %(n)s time. Every practice counts.",
                              "You have practised %(n)s times. Every practice counts.",
                              total) % {"n": total})
    return lines


@login_required
def portal_progress(request):
    client = own_client(request.user)
    data = selectors.progress_data(client, "all", with_measures=False)
    record(Actor.from_request(request, via="portal"), "view", client,
           object_type="portal_progress")
    narrow = charts.NARROW
    return render(request, "progress/portal_progress.html", {
        "client": client, "lines": encouragement(data),
        "ladders": [charts.ladder_chart(s, key=f"ladder-{i}", width=narrow)
                    for i, s in enumerate(data.ladders) if any(r.practices for r in s.rungs)],
        "expectancy": charts.expectancy_chart(data.expectancy, width=narrow),
        # The values with the most room to grow (the widest gap first); all are on My values.
        "values": charts.values_chart(data.values[:PORTAL_VALUES], width=narrow, columns=1),
        "goals": charts.goals_chart(data.goals, width=narrow, columns=1),
    })
