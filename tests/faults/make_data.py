"""Run as `python -m tests.faults.make_data` with the fault test's environment: prints the ids and
the API token the load needs, as JSON on the last line."""

import json

import django


def main():
    django.setup()
    from bravely.accounts.models import Role
    from bravely.accounts.services import create_api_token
    from bravely.audit.services import Actor
    from tests.factories import make_client, make_member, make_planned, make_practice

    practice = make_practice("Fault Practice")
    alice = make_member("alice@example.org", practice, Role.CLINICIAN)
    actor = Actor(alice, "127.0.0.1")
    client = make_client(practice, alice, name="Fault Client")
    planned = make_planned(actor, client, practice)
    _token, raw = create_api_token(actor, "faults")
    print(json.dumps({"token": raw, "client_id": client.pk, "rung_id": planned.rungs[0].pk,
                      "assignment_id": planned.assignment.pk}))


if __name__ == "__main__":
    main()
