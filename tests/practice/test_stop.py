from bravely.practice.models import StopEvent


def test_i_need_to_stop_records_the_exit_and_shows_the_clients_own_plan(portal, planned):
    response = portal.post("/me/stop/", {"assignment": planned.assignment.pk})
    assert response.url == "/me/stop/?recorded=1"
    event = StopEvent.objects.get()
    assert event.assignment == planned.assignment
    page = portal.get("/me/stop/").content.decode()
    assert "Step outside and breathe" in page
    assert "Slow breathing" in page
    assert "Counting objects" not in page  # not allowed during exposures for this client
    assert "Sam" in page and "555 0100" in page


def test_stop_control_is_on_every_practice_screen(portal, planned):
    # a calm link at the top of every portal page: the plan first, then one tap records it
    for url in ("/me/", "/me/ladder/", "/me/values/", f"/me/log/{planned.assignment.pk}/",
                "/me/journal/", "/me/check-in/", "/me/more/"):
        page = portal.get(url).content.decode()
        assert 'class="stop-link" href="/me/stop/"' in page and "I need to stop" in page, url


def test_stop_screen_works_without_safety_parameters(portal, client_record):
    page = portal.get("/me/stop/").content.decode()
    assert "local emergency number" in page
