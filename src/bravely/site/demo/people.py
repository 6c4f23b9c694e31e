"""Who is in the demo practice. All fictional."""

from bravely.accounts.models import Role

DEMO_PASSWORD = "bravely-demo-2026"
PRACTICE_NAME = "Riverside Anxiety Clinic"

STAFF = [
    ("dana.okafor@riverside.example", "Dana Okafor", Role.ADMIN),
    ("maya.chen@riverside.example", "Dr Maya Chen", Role.CLINICIAN),
    ("sam.patel@riverside.example", "Sam Patel", Role.CLINICIAN),
    ("ruth.alvarez@riverside.example", "Dr Ruth Alvarez", Role.SUPERVISOR),
]

CLIENTS = [
    # name, pronouns, status, primary, scale, concerns, birth year
    ("Jordan Reyes", "they/them", "active", "maya.chen", "suds100",
     "Social anxiety: avoids speaking in meetings and meeting new people.", 1994),
    ("Priya Nair", "she/her", "active", "maya.chen", "suds100",
     "Contamination fears (OCD) limiting time with her young children.", 1988),
    ("Tom Becker", "he/him", "intake", "maya.chen", "suds100",
     "Panic attacks on public transport since a car accident.", 1979),
    ("Aisha Karimi", "she/her", "maintenance", "sam.patel", "suds100",
     "Fear of driving on motorways; completed a ladder, now in maintenance.", 1991),
    ("Leo Martins", "he/him", "active", "sam.patel", "thermometer10",
     "Fear of dogs; teenager, prefers the 0-10 fear thermometer.", 2010),
    ("Grace O'Neill", "she/her", "discharged", "maya.chen", "suds100",
     "Health anxiety; discharged after relapse-prevention sessions.", 1965),
]


