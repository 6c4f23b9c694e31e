"""Tap-to-call and tap-to-text links from the free text a practice or clinician typed
("Call or text 988 (veterans: press 1)", "555-0101", "+44 116 123")."""

import re

NUMBER = re.compile(r"\+?\d[\d\s().-]*\d|\d")


def dial(text: str) -> str:
    """The first phone number in the text, as a tel:/sms: target ("+44116123"); "" if none."""
    match = NUMBER.search(text or "")
    if not match:
        return ""
    raw = match.group(0)
    digits = re.sub(r"\D", "", raw)
    return ("+" if raw.startswith("+") else "") + digits if len(digits) >= 3 else ""


def texts(text: str) -> bool:
    """Whether the line says it takes text messages."""
    return bool(re.search(r"\b(text|sms|txt)\b", (text or "").lower()))
