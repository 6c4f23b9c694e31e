from django.conf import settings
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
    path("", include("bravely.progress.urls")),
    path("", include("bravely.measures.urls")),
    path("api/v1/", api.urls),
]

if settings.BENCHMARK_FLOOR:  # never in production: only for the benchmark's comparison
    urlpatterns.append(path("benchmark/floor/", site_views.benchmark_floor,
                            name="benchmark_floor"))
