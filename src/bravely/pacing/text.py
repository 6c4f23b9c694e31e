"""Showing a stored recommendation to people: the engine's reason translated, then filled in."""

from datetime import date, datetime

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

THRESHOLD_LABELS = {
    "ceiling": _("distress ceiling"),
    "risk_lookback_days": _("risk signals counted over (days)"),
    "over_prediction_points": _("peak above predicted by (points, 0-100 basis)"),
    "scaled_points": _("… on the client's scale"),
    "over_prediction_count": _("in this many practices"),
    "over_prediction_window": _("of the latest practices"),
    "step_back_count": _("practices over the ceiling or ended early"),
    "step_back_window": _("of the latest practices on the rung"),
    "missed_practice_ratio": _("missed practice below this share of what was assigned"),
    "missed_practice_days": _("practice counted over (days)"),
    "repeated_early_exits": _("early exits that count as repeated"),
    "early_exit_window": _("of the latest practices"),
    "safety_behaviour_window": _("safety behaviours compared over (practices)"),
    "likelihood_drop_points": _("likelihood of the feared outcome fell by (points)"),
    "consecutive_for_advance": _("consecutive practices"),
    "habituation_drop_ratio": _("distress after at most this share of the peak"),
    "too_easy_peak_points": _("peaks below (0-100 basis)"),
    "scaled_limit": _("… on the client's scale"),
    "too_easy_max_logs": _("a rung is new while it has at most this many practices"),
    "rungs_per_week": _("agreed pace (rungs a week)"),
}

RULE_LABELS = {
    "risk_signal": _("risk signal"),
    "over_ceiling_or_early_exit": _("latest practice over the ceiling or ended early"),
    "repeated_over_ceiling_or_early_exit": _("repeatedly over the ceiling or ended early"),
    "over_prediction": _("peaks above the prediction"),
    "too_easy": _("peaks low on a new rung"),
    "expectancy_violated": _("expectancy violated (inhibitory learning)"),
    "distress_fell": _("distress fell (habituation)"),
    "missed_practice": _("less practice than agreed"),
    "repeated_early_exits": _("practices ended early more than once"),
    "rising_safety_behaviours": _("more safety behaviours in each practice"),
    "paused_rungs": _("rungs put off"),
    "medical_stop_reason": _("a reason for stopping that may be medical"),
    "inconsistent_ratings": _("ratings that do not add up"),
    "tolerable_below_ceiling": _("the ceiling is above what the client can tolerate"),
    "held_back": _("advance held back"),
    "pace": _("the agreed pace"),
    "ahead_of_pace": _("ahead of the agreed pace"),
    "not_met": _("criterion not met yet"),
}

MOMENTS = {"latest", "when"}  # ISO date-times, shown in the client's time (their own offset)
DAYS = {"until"}  # ISO dates
VERBATIM = {"name", "to_name", "stop_reason", "pace", "terms", "not_yet"}  # never translated


def _param(key: str, value):
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return "; ".join(str(_param(key, v)) for v in value)
    if isinstance(value, str):
        if key in MOMENTS:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            return formats.date_format(moment, "DATETIME_FORMAT")
        if key in DAYS:
            try:
                return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
            except ValueError:
                return value
        if key in VERBATIM:
            return value
        return gettext(value) if value else value
    return value


def reason_text(rec) -> str:
    """gettext(template).format(**params); lists are joined, their texts translated."""
    params = {k: _param(k, v) for k, v in (rec.params or {}).items()}
    try:
        return gettext(rec.reason).format(**params)
    except (KeyError, IndexError, ValueError):
        try:
            return rec.reason.format(**params)
        except (KeyError, IndexError, ValueError):
            return rec.reason


def held_back_text(rec) -> str:
    """"Advance is held back because ..." for a recommendation whose rung would otherwise
    advance, unless its own reason already says so."""
    signals = (rec.params or {}).get("held_back") or []
    if not signals or "held back" in (rec.reason or ""):
        return ""
    return gettext("Advance is held back because %(signals)s.") % {
        "signals": "; ".join(gettext(s) for s in signals)}


def rule_text(rule: str) -> str:
    return "; ".join(str(RULE_LABELS.get(part, part)) for part in (rule or "").split("+") if part)


def thresholds(rec) -> list[tuple[str, object]]:
    values = (rec.evidence or {}).get("thresholds") or {}
    return [(str(THRESHOLD_LABELS.get(k, k)), v) for k, v in values.items()]


def applied_text(rec) -> str:
    """The change an accepted recommendation made to the ladder, in words."""
    applied = rec.applied or {}
    action = applied.get("action")
    if action == "advance":
        text = _("“%(rung)s” marked mastered.") % {"rung": applied.get("mastered_rung")}
        if applied.get("activated_rung"):
            text += " " + _("“%(rung)s” is now active.") % {"rung": applied["activated_rung"]}
        return text
    if action == "step_back":
        text = _("“%(rung)s” is back to planned.") % {"rung": applied.get("returned_rung")}
        if applied.get("activated_rung"):
            text += " " + _("“%(rung)s” is active again.") % {"rung": applied["activated_rung"]}
        return text
    if action == "split_rung":
        return _("New rung “%(new)s” (predicted distress %(predicted)s) added before "
                 "“%(rung)s”; edit it with the client.") % {
            "new": applied.get("created_rung"), "predicted": applied.get("predicted_distress"),
            "rung": applied.get("before_rung")}
    return ""


OUT_OF_DATE = _("recommendations may be out of date: the last refresh failed")


def attention_reasons(client, days: int) -> list[str]:
    """The reasons a client is in the needs-attention queue, in words (annotated client)."""
    from django.utils.translation import ngettext

    reasons = []
    pairs = [
        ("open_alerts", "%(n)s open risk alert", "%(n)s open risk alerts"),
        ("open_crisis", "%(n)s crisis follow-up waiting for a decision",
         "%(n)s crisis follow-ups waiting for a decision"),
        ("over_ceiling", "%(n)s practice at or over the ceiling in the last %(days)s days",
         "%(n)s practices at or over the ceiling in the last %(days)s days"),
        ("ended_early", "%(n)s practice ended early in the last %(days)s days",
         "%(n)s practices ended early in the last %(days)s days"),
        ("stop_presses", "pressed “I need to stop” %(n)s time in the last %(days)s days",
         "pressed “I need to stop” %(n)s times in the last %(days)s days"),
    ]
    for attr, one, many in pairs:
        n = getattr(client, attr, 0)
        if n:
            reasons.append(ngettext(one, many, n) % {"n": n, "days": days})
    if getattr(client, "missed_practice", 0):
        reasons.append(gettext("less practice than agreed"))
    n = getattr(client, "pending", 0)
    if n:
        reasons.append(ngettext("%(n)s recommendation waiting for a decision",
                                "%(n)s recommendations waiting for a decision", n) % {"n": n})
    if getattr(client, "out_of_date", False):
        reasons.append(str(OUT_OF_DATE))
    return reasons
