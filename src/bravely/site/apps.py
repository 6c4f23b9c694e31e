from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top of the building: the home page, the site-wide context and the demo practice.

    It may import every app; no app imports it.
    """

    name = "bravely.site"
    label = "site"
    verbose_name = "Bravely site"
