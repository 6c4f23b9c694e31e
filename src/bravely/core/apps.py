from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using="default", **kwargs):
    """`migrate` also creates the database cache's table (rate limits live there; see settings
    CACHES). createcachetable skips a table that exists and does nothing for Redis."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "bravely.core"
    label = "core"
    verbose_name = "Bravely"

    def ready(self):
        from bravely.core import checks  # noqa: F401  (registers the deployment checks)
        post_migrate.connect(create_cache_table, sender=self,
                             dispatch_uid="bravely-create-cache-table")
