"""Demo planning data: each demo client shows a realistic stage. Idempotent: a client that already
has planning data is left alone, and practice lists are only filled when empty.

Everything is written through the services, so history and audit entries look like real use.
"""

from datetime import timedelta

from django.utils import timezone

from bravely.audit.services import Actor
from bravely.clients.models import Client
from bravely.planning.models.config import CrisisResource, ValueDomain
from bravely.planning.models.ladder import Rung
from bravely.planning.selectors.homework import draft_rationale
from bravely.planning.selectors.pace import default_pace_options
from bravely.planning.selectors.readiness import READINESS_FIELDS
from bravely.planning.services.config import save_crisis_resource, seed_value_domains
from bravely.planning.services.homework import assign_homework, sign_rationale
from bravely.planning.services.ladder import (
    acknowledge_warning,
    add_rung,
    create_plan,
    decline_rung,
)
from bravely.planning.services.pace import record_pace
from bravely.planning.services.readiness import record_readiness
from bravely.planning.services.safety import acknowledge_safety, create_safety_version
from bravely.planning.services.values import add_statement, create_assessment, create_goal

# Examples only: the practice must verify them (numbers change; no country is built into Bravely).
CRISIS_EXAMPLES = [
    {"region": "US", "name": "988 Suicide & Crisis Lifeline",
     "contact": "Call or text 988 (veterans: press 1)", "url": "https://988lifeline.org/",
     "notes": "Example entry: verify before relying on it."},
    {"region": "GB", "name": "Samaritans", "contact": "Call 116 123 (free, 24 hours)",
     "url": "https://www.samaritans.org/",
     "notes": "Example entry: verify before relying on it."},
]

CALM = [
    {"kind": "breathing", "description": "Slow breathing, 4 in and 6 out",
     "allowed_during_exposure": True},
    {"kind": "grounding", "description": "5-4-3-2-1: name what I see, hear and feel",
     "allowed_during_exposure": True},
    {"kind": "reappraisal", "description": "Ask: what is the evidence, what else could happen?",
     "allowed_during_exposure": False},
]

STORIES = {
    "Jordan Reyes": {
        "assessments": [
            (42, {"Work": (9, 3), "Friendships": (8, 2), "Family": (7, 6),
                  "Intimate relationships": (6, 3), "Recreation": (6, 5),
                  "Personal growth": (8, 4), "Physical health": (5, 5)}),
            (3, {"Work": (9, 5), "Friendships": (8, 4), "Family": (7, 6),
                 "Intimate relationships": (6, 4), "Recreation": (6, 6),
                 "Personal growth": (8, 5), "Physical health": (5, 6)}),
        ],
        "statements": [
            ("Work", "I want to share my ideas at work instead of sitting on them"),
            ("Friendships", "I want to be a friend who shows up and makes plans"),
            ("Personal growth", "Being brave enough to be seen as I am"),
        ],
        "goals": [(0, "Speak at least once in the weekly team meeting", 1, "week", 56),
                  (1, "Invite a friend to something", 2, "month", 60)],
        "safety": {"ceiling": 80, "coping": 60,
                   "exits": ["Tell the group I need a moment and step out",
                             "Go to the quiet room on floor 2",
                             "Text my therapist's check-in line after"],
                   "escalation": "If distress stays above 80 after leaving, call my sister "
                                 "and use the crisis line if needed.",
                   "setback": "Bring it to the next session; we add a smaller step.",
                   "skills": CALM,
                   "contacts": [{"name": "Ana", "relationship": "sister",
                                 "contact": "555-0101"}]},
        "plan": {"title": "Speaking up in meetings and meeting new people",
                 "description": "Social anxiety: avoids speaking in meetings.",
                 "approach": "inhibitory_learning", "status": "active"},
        "rungs": [
            ("Say good morning to two colleagues", "Office", "Morning", "Colleagues", [0],
             "Part of the team, not invisible", 30, "They will ignore me", 60,
             "Looking at my phone", "mastered"),
            ("Ask one question in a small meeting", "Meeting room", "Tuesday stand-up",
             "Team of 5", [0], "My ideas start to count", 40, "I will sound stupid", 70,
             "Rehearsing the question many times", "active"),
            ("Eat lunch with colleagues", "Canteen", "Lunch", "Colleagues", [1],
             "Friendships at work", 45, "Awkward silence and they'll think I'm boring", 60,
             "Bringing headphones", "planned"),
            ("Give a two-minute update in the team meeting", "Meeting room", "Weekly meeting",
             "Team of 12", [0, 2], "Being seen for my work", 55, "I will blank and freeze",
             50, "Reading from a script", "planned"),
            ("Invite a colleague for coffee", "Office", "Afternoon", "One colleague", [1],
             "Making friends", 60, "They will say no and think I'm weird", 65, "", "planned"),
            ("Disagree politely in a meeting", "Meeting room", "Weekly meeting", "Team", [0, 2],
             "My view matters", 65, "They will be annoyed with me", 70,
             "Apologising before speaking", "planned"),
            ("Go to a meetup and talk to a stranger", "Community centre", "Evening",
             "Strangers", [1, 2], "A wider circle of friends", 70, "Nobody will talk to me", 60,
             "Staying by the door", "planned"),
            ("Present a proposal to the department", "Auditorium", "Monthly all-hands",
             "Department of 40", [0, 2], "Growing in my career", 80,
             "I will shake and people will notice", 80, "Holding notes to hide my hands",
             "planned"),
        ],
        "pace": ("steady", "Once a week suits my workload; I want to keep going but not rush."),
        "homework": {"rung": 1, "times": 5,
                     "contexts": "Different meetings\nAsk a different person each time",
                     "instructions": "Ask one genuine question in a meeting; rate distress "
                                     "before, at the peak and after."},
    },
    "Priya Nair": {
        "assessments": [
            (20, {"Parenting": (10, 3), "Family": (9, 5), "Intimate relationships": (7, 5),
                  "Work": (6, 6), "Friendships": (6, 4), "Physical health": (7, 5)}),
        ],
        "statements": [
            ("Parenting", "I want to hold my children without washing first"),
            ("Family", "Enjoying meals together at my parents' house"),
            ("Friendships", "Saying yes when friends invite us"),
        ],
        "goals": [(0, "Play on the floor with the kids after work without washing", 4, "week",
                   42)],
        "safety": {"ceiling": 85, "coping": None,
                   "exits": ["Pause, step back one metre, and wait until I can continue",
                             "Stop the practice and tell my husband"],
                   "escalation": "Call Dr Chen's office; if I feel unsafe, use the crisis line.",
                   "setback": "Go back one rung for a week; revise the goal with Dr Chen.",
                   "skills": [{"kind": "breathing", "description": "Slow breathing",
                               "allowed_during_exposure": False},
                              {"kind": "custom", "description": "Label the urge: 'this is OCD'",
                               "allowed_during_exposure": True}],
                   "contacts": [{"name": "Arjun", "relationship": "husband",
                                 "contact": "555-0144"}]},
        "plan": {"title": "Contamination fears around the children",
                 "description": "ERP for contamination OCD.", "approach": "inhibitory_learning",
                 "status": "active"},
        "rungs": [
            ("Touch the kitchen door handle and wait 5 minutes before washing", "Home",
             "Morning", "Alone", [0], "Hands free for the children", 35,
             "I will make the children ill", 50, "Using my sleeve", "mastered"),
            ("Touch the children's shoes and then make a snack", "Home", "After school",
             "Children", [0], "Ordinary afternoons with them", 45,
             "The children will get sick", 60, "Washing the snack plate twice", "mastered"),
            ("Sit on the playground bench without wiping it", "Park", "Weekend",
             "Children and husband", [0, 2], "Outings with the family", 50,
             "Germs will spread to the house", 55, "Wiping with a tissue", "active"),
            ("Hug the children straight after they come in from school", "Home", "Afternoon",
             "Children", [0], "Holding them without washing first", 60,
             "They will bring illness into the home", 65, "Asking them to wash first",
             "planned"),
            ("Use a public toilet and wash once only", "Shopping centre", "Weekday", "Alone",
             [2], "Going out with friends", 65, "I will catch something serious", 60,
             "Hovering, using paper on the handle", "planned"),
            ("Eat a meal at my parents' house without wiping the plates", "Parents' home",
             "Sunday", "Whole family", [1], "Family meals", 70,
             "Everyone will get food poisoning", 40, "Bringing my own cutlery", "planned"),
            ("Let the children play in the sandpit, then hug them", "Park", "Weekend",
             "Children", [0], "Play without fear", 75, "They will get seriously ill", 55,
             "Wet wipes in my bag", "planned"),
            ("Host a playdate at home", "Home", "Saturday", "Other families", [0, 2],
             "Friends and children together", 80, "Our home will be contaminated", 50,
             "Cleaning before and after", "planned"),
            ("Skip the evening clean of door handles for a week", "Home", "Evenings",
             "Family", [0, 1], "Evenings with the family instead of cleaning", 85,
             "Someone will get ill and it will be my fault", 60, "", "planned"),
        ],
        "decline": (6, "Not ready for sand yet; it feels like too big a jump."),
        "pace": ("gradual", "The children's schedule is busy; three practices a week feels "
                            "possible."),
        "homework": {"rung": 2, "times": 3, "contexts": "Different benches\nWith and without "
                                                        "the children watching",
                     "instructions": "Sit for 10 minutes without wiping; no washing for an hour "
                                     "afterwards."},
    },
    "Tom Becker": {
        "assessments": [
            (2, {"Work": (8, 3), "Family": (9, 6), "Recreation": (6, 2),
                 "Physical health": (7, 4), "Community": (4, 3)}),
        ],
        "statements": [
            ("Work", "Getting to work on my own, like before the accident"),
            ("Family", "Taking my daughter to her football matches"),
        ],
    },
    "Aisha Karimi": {
        "assessments": [
            (150, {"Work": (8, 3), "Family": (8, 4), "Friendships": (7, 4),
                   "Recreation": (6, 3)}),
            (10, {"Work": (8, 7), "Family": (8, 7), "Friendships": (7, 6),
                  "Recreation": (6, 6)}),
        ],
        "statements": [
            ("Work", "Driving to the new office myself"),
            ("Family", "Visiting my grandmother in the next city"),
        ],
        "goals": [(1, "Drive to grandmother's on the motorway", 2, "month", 60)],
        "safety": {"ceiling": 80, "coping": 50,
                   "exits": ["Take the next exit and park safely", "Use the hard shoulder only "
                                                                    "in an emergency"],
                   "escalation": "Call my partner from a safe stop.",
                   "setback": "A booster session and a step back on the ladder.",
                   "skills": CALM[:2], "contacts": []},
        "plan": {"title": "Driving on motorways", "description": "Completed ladder; maintenance.",
                 "approach": "habituation", "status": "completed"},
        "rungs": [
            ("Drive on a quiet A-road for 10 minutes", "A-road", "Sunday morning", "Alone", [0],
             "Independence", 30, "I will panic and crash", 40, "", "mastered"),
            ("Drive one junction on the motorway", "Motorway", "Quiet time", "Partner", [0],
             "Getting to work", 45, "I will lose control", 50, "Partner talking me through",
             "mastered"),
            ("Drive three junctions alone", "Motorway", "Midday", "Alone", [0, 1],
             "Getting to work", 60, "I will panic and have to stop", 45, "", "mastered"),
            ("Drive in the middle lane at rush hour", "Motorway", "Rush hour", "Alone", [0],
             "Getting to work on time", 75, "Lorries will squeeze me", 40,
             "Staying in the slow lane", "mastered"),
            ("Drive to grandmother's", "Motorway", "Weekend", "Alone", [1], "Family visits", 80,
             "I will not make it", 30, "", "mastered"),
        ],
        "pace": ("intensive", "I wanted to get back to driving to work quickly."),
        "homework": {"rung": 4, "times": 1, "contexts": "Different routes",
                     "instructions": "Maintenance: one motorway drive a week.",
                     "override": "Maintenance practice after the completed ladder, agreed "
                                 "with the client at the last session."},
    },
    "Leo Martins": {
        "assessments": [
            (14, {"Friendships": (9, 3), "Recreation": (8, 2), "Family": (7, 6),
                  "Education": (6, 6)}),
        ],
        "statements": [
            ("Friendships", "Going to my friends' houses even if they have a dog"),
            ("Recreation", "Playing football in the park again"),
        ],
        "goals": [(1, "Play football in the park with friends", 1, "week", 50)],
        "safety": {"ceiling": 8, "coping": 5,
                   "exits": ["Walk away slowly to mum", "Go back inside the house"],
                   "escalation": "Mum stays close; we stop and talk it through.",
                   "setback": "Go back to the videos for a week.",
                   "skills": CALM[:2],
                   "contacts": [{"name": "Mum", "relationship": "mother", "contact": "555-0177"}]},
        "plan": {"title": "Fear of dogs", "description": "Teenager; uses the fear thermometer.",
                 "approach": "inhibitory_learning", "status": "active"},
        "rungs": [
            ("Watch videos of calm dogs for 10 minutes", "Home", "Evening", "Mum", [1],
             "Getting back to the park", 3, "I will feel sick with fear", 60, "", "mastered"),
            ("Look at a dog behind a fence", "Neighbour's garden", "Afternoon", "Mum", [0, 1],
             "Visiting friends", 4, "It will jump the fence", 40, "Holding mum's arm",
             "mastered"),
            ("Stand 5 metres from a dog on a lead", "Park", "Saturday", "Mum", [1],
             "Playing football", 5, "It will run at me", 50, "Standing behind mum", "active"),
            ("Stand 2 metres from a calm dog", "Park", "Saturday", "Mum and owner", [1],
             "Playing football", 6, "It will bite me", 40, "", "planned"),
            ("Stroke a calm dog", "Friend's house", "Weekend", "Friend", [0],
             "Friends' houses", 7, "It will bite me", 45, "Keeping my hand in my pocket",
             "planned"),
            ("Play football while dogs are in the park", "Park", "Weekend", "Friends", [0, 1],
             "Football with friends", 8, "A dog will chase me", 50, "Checking for dogs",
             "planned"),
            ("Stay at a friend's house with a dog for an hour", "Friend's house", "Weekend",
             "Friend", [0], "Friendships", 8, "I will panic in front of them", 40, "",
             "planned"),
        ],
        "acknowledge": ("too_few_rungs", "Seven rungs on the 0-10 thermometer suit Leo; "
                                         "we can split a rung if a step feels too big."),
        "pace": ("gradual", "School is busy; small steps feel OK."),
        "homework": {"rung": 2, "times": 3, "contexts": "Different parks\nDifferent dogs",
                     "instructions": "Stand 5 metres away for 5 minutes; notice what the dog "
                                     "actually does."},
    },
}


def _seed_practice(practice, admin):
    seed_value_domains(practice)
    if not CrisisResource.objects.filter(practice=practice).exists():
        actor = Actor(admin, "127.0.0.1", via="demo")
        for i, entry in enumerate(CRISIS_EXAMPLES):
            save_crisis_resource(actor, practice, None,
                                 {**entry, "needs_verification": True, "position": i})


def _tell(client, story, actor):
    today = timezone.localdate()
    domains = {d.name: d for d in ValueDomain.objects.filter(practice=client.practice)}
    assessment = None
    for days_ago, ratings in story["assessments"]:
        assessment = create_assessment(
            actor, client, assessed_on=today - timedelta(days=days_ago),
            ratings=[(domains[name], imp, con) for name, (imp, con) in ratings.items()],
            note="Completed together in session.")
    statements = [add_statement(actor, client, assessment, domain=domains[d], text=t, rank=i)
                  for i, (d, t) in enumerate(story["statements"], start=1)]
    for index, what, times, per, days in story.get("goals", []):
        create_goal(actor, client, statement=statements[index], what=what, times=times,
                    per=per, by_when=today + timedelta(days=days))
    if "safety" not in story:
        return
    s = story["safety"]
    safety = create_safety_version(actor, client, {
        "distress_ceiling": s["ceiling"], "coping_level": s["coping"],
        "exit_strategies": s["exits"], "escalation_plan": s["escalation"],
        "setback_plan": s["setback"], "coping_skills": s["skills"],
        "support_contacts": s["contacts"], "change_note": "Agreed in session."})
    acknowledge_safety(actor, safety, note="Read through together; client agreed.")
    record_readiness(actor, client, dict.fromkeys(READINESS_FIELDS, False),
                     note="Screened in session.")
    plan = create_plan(actor, client, story["plan"])
    rungs = []
    for (behaviour, where, when, who, values, outcome, predicted, feared, likelihood,
         safety_behaviours, status) in story["rungs"]:
        rungs.append(add_rung(actor, plan, {
            "behaviour": behaviour, "context_where": where, "context_when": when,
            "context_with": who, "valued_outcome": outcome, "predicted_distress": predicted,
            "feared_outcome": feared, "feared_likelihood": likelihood,
            "safety_behaviours": safety_behaviours, "status": status,
            "rationale": "Next step up; keeps the link to what matters.",
        }, [statements[i] for i in values]))
    if "decline" in story:
        index, reason = story["decline"]
        decline = decline_rung(actor, rungs[index], reason=reason)
        previous = rungs[index]
        add_rung(actor, plan, {
            "behaviour": "Touch the sandpit edge, then hug the children",
            "context_where": previous.context_where, "context_when": previous.context_when,
            "context_with": previous.context_with, "valued_outcome": previous.valued_outcome,
            "predicted_distress": previous.predicted_distress - 5,
            "feared_outcome": previous.feared_outcome, "feared_likelihood": 50,
            "status": Rung.Status.PLANNED, "rationale": "A smaller step the client chose.",
        }, list(previous.values.all()), decline=decline)
    if "acknowledge" in story:
        code, note = story["acknowledge"]
        acknowledge_warning(actor, plan, code=code, rung_key=None, note=note)
    options = default_pace_options()
    chosen, reasons = story["pace"]
    record_pace(actor, plan, options=options, chosen=chosen, reasons=reasons)
    h = story["homework"]
    rung = Rung.objects.get(pk=rungs[h["rung"]].pk)
    assignment = assign_homework(actor, rung, {
        "frequency_per_week": h["times"], "starts_on": today,
        "ends_on": today + timedelta(days=6), "contexts_to_vary": h["contexts"],
        "instructions": h["instructions"], "coping_plan": "", "agreed_with_client": True,
        "override_reason": h.get("override", "")})
    sign_rationale(actor, assignment, draft_rationale(assignment))


def load(practice, users):
    """Demo planning data for the demo clients (values, safety, ladder, pace, homework)."""
    _seed_practice(practice, users["dana.okafor"])
    clients = Client.objects.filter(practice=practice, display_name__in=STORIES)
    for client in clients.select_related("primary_clinician"):
        if client.values_assessments.exists():
            continue
        actor = Actor(client.primary_clinician, "127.0.0.1", via="demo")
        _tell(client, STORIES[client.display_name], actor)
