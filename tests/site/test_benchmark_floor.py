"""The benchmark's floor view is not routed unless BRAVELY_BENCHMARK_FLOOR is set, and then
shows nothing but "ok" to a signed-in person."""

import importlib

from django.test import RequestFactory
from django.urls import NoReverseMatch, clear_url_caches, reverse

from bravely.site.views import benchmark_floor


def test_the_floor_is_not_routed_by_default(db):
    try:
        reverse("benchmark_floor")
    except NoReverseMatch:
        return
    raise AssertionError("the benchmark floor is routed without BRAVELY_BENCHMARK_FLOOR")


def test_with_the_setting_it_is_routed_and_needs_a_sign_in(alice, settings, client):
    import bravely.urls

    settings.BENCHMARK_FLOOR = True
    try:
        importlib.reload(bravely.urls)
        clear_url_caches()
        settings.ROOT_URLCONF = "bravely.urls"
        url = reverse("benchmark_floor")
        assert client.get(url).status_code == 302  # to the sign-in page
        client.force_login(alice)
        response = client.get(url)
        assert response.status_code == 200 and response.content == b"ok"
    finally:
        settings.BENCHMARK_FLOOR = False
        importlib.reload(bravely.urls)
        clear_url_caches()


def test_the_view_shows_nothing(alice):
    request = RequestFactory().get("/benchmark/floor/")
    request.user = alice
    assert benchmark_floor(request).content == b"ok"
