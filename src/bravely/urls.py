from django.urls import include, path

from bravely.api import api
from bravely.site import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("", include("bravely.accounts.urls")),
    path("", include("bravely.clients.urls")),
    path("", include("bravely.audit.urls")),
    path("", include("bravely.planning.urls")),
    path("", include("bravely.portal.urls")),
    path("", include("bravely.practice.urls")),
    path("", include("bravely.pacing.urls")),
    path("", include("bravely.maintenance.urls")),
    path("", include("bravely.records.urls")),
    path("api/v1/", api.urls),
]
