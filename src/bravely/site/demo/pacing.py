"""Demo pacing data: the engine's recommendations over the demo practice's logs and check-ins.

Runs after the practice logs (see site.demo). Idempotent: refreshing twice creates nothing new.
"""

from bravely.clients.models import Client
from bravely.pacing.services import refresh_recommendations


def load(practice, users):
    for client in Client.objects.filter(practice=practice).order_by("id"):
        refresh_recommendations(client)
