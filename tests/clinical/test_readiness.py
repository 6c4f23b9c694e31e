from dataclasses import fields, replace

import pytest

from bravely.clinical.readiness import (
    CLINICIAN_CLEARANCE,
    MEDICAL_CLEARANCE,
    ReadinessScreen,
    clearance_resolves,
    evaluate_readiness,
)

CLINICAL = [
    "imminent_suicide_risk",
    "recent_self_harm_or_suicidal_behaviour",
    "intoxication_or_unmanaged_substance_use",
    "psychosis",
    "dissociation",
]
MEDICAL = ["seizures", "cardiac", "respiratory", "neck_or_back", "pregnancy"]


def screen(**answers):
    return ReadinessScreen(**{f.name: answers.get(f.name, False) for f in fields(ReadinessScreen)})


def test_clear_screen_is_not_on_hold():
    result = evaluate_readiness(screen())
    assert (result.on_hold, result.flags) == (False, ())
    assert clearance_resolves(result, set())


def test_interoceptive_plan_alone_does_not_hold():
    assert not evaluate_readiness(screen(interoceptive_planned=True)).on_hold


@pytest.mark.parametrize("code", CLINICAL)
def test_each_clinical_answer_holds_until_a_clinician_clears_it(code):
    result = evaluate_readiness(screen(**{code: True}))
    [flag] = result.flags
    assert (result.on_hold, flag.code, flag.needs, flag.holds) == (
        True, code, CLINICIAN_CLEARANCE, True,
    )
    text = flag.message.format(**flag.params)
    assert "clearance" in text and "exclu" not in text.lower()
    assert not clearance_resolves(result, set())
    assert not clearance_resolves(result, {"psychosis" if code != "psychosis" else "cardiac"})
    assert clearance_resolves(result, {code})


def test_recent_self_harm_message_names_two_months():
    [flag] = evaluate_readiness(screen(recent_self_harm_or_suicidal_behaviour=True)).flags
    assert flag.params == {"months": 2}
    assert "past 2 months" in flag.message.format(**flag.params)


@pytest.mark.parametrize("code", MEDICAL)
def test_medical_conditions_hold_only_when_interoceptive_work_is_planned(code):
    planned = evaluate_readiness(screen(interoceptive_planned=True, **{code: True}))
    [flag] = planned.flags
    assert (planned.on_hold, flag.code, flag.needs) == (True, code, MEDICAL_CLEARANCE)
    assert "medical clearance" in flag.message
    assert clearance_resolves(planned, {code})

    not_planned = evaluate_readiness(screen(**{code: True}))
    [note] = not_planned.flags
    assert (not_planned.on_hold, note.code, note.needs, note.holds) == (False, code, None, False)
    assert "noted" in note.message
    assert clearance_resolves(not_planned, set())


def test_every_positive_answer_is_flagged_in_screen_order():
    everything = screen(**{name: True for name in CLINICAL + MEDICAL})
    result = evaluate_readiness(replace(everything, interoceptive_planned=True))
    assert [f.code for f in result.flags] == CLINICAL + MEDICAL
    assert [f.needs for f in result.flags] == [CLINICIAN_CLEARANCE] * 5 + [MEDICAL_CLEARANCE] * 5
    assert not clearance_resolves(result, set(CLINICAL))
    assert not clearance_resolves(result, set(CLINICAL + MEDICAL[:-1]))
    assert clearance_resolves(result, set(CLINICAL + MEDICAL) | {"unrelated"})

    without_interoceptive = evaluate_readiness(everything)
    assert without_interoceptive.on_hold
    assert clearance_resolves(without_interoceptive, set(CLINICAL))


@pytest.mark.parametrize("value", [None, 0, "no"])
def test_unanswered_questions_are_rejected(value):
    with pytest.raises(ValueError) as info:
        screen(psychosis=value)
    assert info.value.field == "psychosis"


def test_answers_must_be_given_by_name():
    with pytest.raises(TypeError):
        ReadinessScreen(*[False] * 11)
