"""Rate limits are shared by every worker and kept across restarts (the database cache, or Redis),
and a failed sign-in is counted per account, per (account, address) and, more loosely, per
address; X-Forwarded-For counts only behind a proxy (docs/architecture.md, "Rate limits").

A `Worker` stands for one gunicorn worker: its own cache backend object, and, for LocMemCache
(the only cache kept inside a process), its own memory. Requests are sent "to" a worker by
installing its backend as Django's default cache. test_two_processes_share_one_counter uses real
processes instead.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
from allauth.core.internal.ratelimit import parse_rates
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core import mail
from django.core.cache import cache, caches
from django.core.cache.backends import locmem
from django.db import connection
from django.test import Client as HttpClient
from django.test import RequestFactory
from django.urls import reverse

from bravely.accounts import ratelimits
from bravely.audit.models import AuditEvent
from bravely.core.http import client_ip
from tests.accounts.test_two_factor import current_code, wrong_code
from tests.factories import PASSWORD

LOCKED = "Too many failed login attempts"
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def amount(action: str) -> int:
    """How many failures a Bravely limit allows (the first rate of its setting)."""
    return parse_rates(settings.BRAVELY_RATE_LIMITS[action])[0].amount


PER_ACCOUNT_ADDRESS = amount(ratelimits.ACCOUNT_ADDRESS)
PER_ACCOUNT = amount(ratelimits.ACCOUNT)
PER_ADDRESS = amount(ratelimits.ADDRESS)


@pytest.fixture(autouse=True)
def fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


@contextmanager
def new_process_memory():
    """Module-level memory as a new process has it (LocMemCache keeps its data there)."""
    saved = locmem._caches, locmem._expire_info, locmem._locks
    locmem._caches, locmem._expire_info, locmem._locks = {}, {}, {}
    try:
        yield
    finally:
        locmem._caches, locmem._expire_info, locmem._locks = saved


class Worker:
    def __init__(self):
        with new_process_memory():
            self.cache = caches.create_connection("default")

    @contextmanager
    def serving(self):
        before = caches["default"]
        caches["default"] = self.cache
        try:
            yield
        finally:
            caches["default"] = before

    def post(self, http, path, data, **extra):
        with self.serving():
            return http.post(path, data, **extra)

    def sign_in(self, http, email, password, **extra):
        return self.post(http, "/accounts/login/", {"login": email, "password": password},
                         **extra)


def sign_in(http, email, password, **extra):
    return http.post("/accounts/login/", {"login": email, "password": password}, **extra)


def refused(response) -> bool:
    """allauth answers a refused sign-in with the form and an error (200), not a 429."""
    return response.status_code == 200 and LOCKED in response.content.decode()


def signed_in_as(http, user) -> bool:
    return http.session.get("_auth_user_id") == str(user.pk)


def fail_alternately(workers, clients, email, times, **extra):
    for i in range(times):
        response = workers[i % 2].sign_in(clients[i % 2], email, "wrong password", **extra)
        assert response.status_code == 200 and not refused(response), i


# The cache


def test_the_default_cache_is_the_database_and_never_culls_live_counters():
    default = settings.CACHES["default"]
    assert default["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert default["OPTIONS"]["MAX_ENTRIES"] >= 100_000


def test_two_workers_see_one_counter(alice):
    """Failures alternate between two workers and two browsers: the lockout comes after exactly
    the allowed number, on both workers, for a browser that had not failed on that worker."""
    workers, clients = (Worker(), Worker()), (HttpClient(), HttpClient())
    fail_alternately(workers, clients, alice.email, PER_ACCOUNT_ADDRESS)
    for worker in workers:
        for http in clients:
            assert refused(worker.sign_in(http, alice.email, PASSWORD))
            assert not signed_in_as(http, alice)


def test_with_a_per_process_cache_the_workers_would_count_apart(alice, settings):
    """The control: with LocMemCache (the old setting) the same failures lock nobody out, which
    is what the issue measured against gunicorn. So the Workers above do not share memory."""
    settings.CACHES = LOCMEM
    workers, clients = (Worker(), Worker()), (HttpClient(), HttpClient())
    fail_alternately(workers, clients, alice.email, PER_ACCOUNT_ADDRESS)
    http = HttpClient()
    assert workers[1].sign_in(http, alice.email, PASSWORD).status_code == 302
    assert signed_in_as(http, alice)


def test_a_lockout_survives_a_restart(alice):
    """The counter is a row of the cache table: a new process (new cache handler, new memory)
    still refuses, and the row is there in the database."""
    worker = Worker()
    for _ in range(PER_ACCOUNT_ADDRESS):
        worker.sign_in(HttpClient(), alice.email, "wrong password")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bravely_cache WHERE cache_key LIKE %s",
                       ["%login_failed_account_address%"])
        assert cursor.fetchone()[0] == 1
    restarted = Worker()
    http = HttpClient()
    assert refused(restarted.sign_in(http, alice.email, PASSWORD))
    assert not signed_in_as(http, alice)


def test_the_cache_table_is_made_by_migrate_and_two_processes_share_one_counter(tmp_path):
    """Real processes on a fresh SQLite database: `bravely migrate` creates the cache table (no
    createcachetable), one process fails three times and exits, a second one fails twice and is
    then refused the right password."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "DATABASE_URL", "REDIS_URL", "BRAVELY_BEHIND_PROXY")}
    env.update(DJANGO_SETTINGS_MODULE="bravely.settings", DEBUG="1",  # static files unbuilt
               BRAVELY_DATA_DIR=str(tmp_path), ALLOWED_HOSTS="testserver")

    def run(code):
        result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    result = subprocess.run([sys.executable, "-m", "bravely.cli", "migrate", "-v", "0"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    worker = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from bravely.accounts.models import User\n"
        "if not User.objects.filter(email='alice@example.org').exists():\n"
        f"    User.objects.create_user('alice@example.org', {PASSWORD!r})\n"
        "def attempt(password):\n"
        "    http = Client()\n"
        "    r = http.post('/accounts/login/', {'login': 'alice@example.org', "
        "'password': password})\n"
        f"    print('locked' if {LOCKED!r} in r.content.decode() else r.status_code)\n"
    )
    assert run(worker + "for _ in range(3): attempt('wrong password')\n") == ["200"] * 3
    second = run(worker + f"for _ in range(2): attempt('wrong password')\nattempt({PASSWORD!r})\n")
    assert PER_ACCOUNT_ADDRESS == 5
    assert second == ["200", "200", "locked"]


# Who is locked out


def test_five_wrong_passwords_for_alice_do_not_lock_out_bob_at_the_same_address(alice, bob):
    for _ in range(PER_ACCOUNT_ADDRESS):
        sign_in(HttpClient(REMOTE_ADDR="10.0.0.1"), alice.email, "wrong password")
    assert refused(sign_in(HttpClient(REMOTE_ADDR="10.0.0.1"), alice.email, PASSWORD))
    http = HttpClient(REMOTE_ADDR="10.0.0.1")
    assert sign_in(http, bob.email, PASSWORD).status_code == 302
    assert signed_in_as(http, bob)
    # alice herself, from her other address, is not locked out by the typos made at this one
    http = HttpClient(REMOTE_ADDR="10.0.0.2")
    assert sign_in(http, alice.email, PASSWORD).status_code == 302
    assert signed_in_as(http, alice)


def test_the_account_limit_stops_an_attacker_who_rotates_addresses(alice):
    assert PER_ACCOUNT > PER_ACCOUNT_ADDRESS
    for i in range(PER_ACCOUNT):
        response = sign_in(HttpClient(REMOTE_ADDR=f"10.0.{i // 4}.{i % 4 + 1}"), alice.email,
                           "wrong password")
        assert not refused(response), i
    http = HttpClient(REMOTE_ADDR="10.9.9.9")
    assert refused(sign_in(http, alice.email, PASSWORD))
    assert not signed_in_as(http, alice)


def test_many_accounts_from_one_address_meet_the_looser_ceiling(bob):
    assert PER_ADDRESS > PER_ACCOUNT_ADDRESS
    for i in range(PER_ADDRESS):  # a few tries at each of many accounts: no account limit hit
        response = sign_in(HttpClient(REMOTE_ADDR="10.0.0.7"), f"person{i // 2}@example.org",
                           "wrong password")
        assert not refused(response), i
    http = HttpClient(REMOTE_ADDR="10.0.0.7")
    assert refused(sign_in(http, bob.email, PASSWORD))
    assert not signed_in_as(http, bob)
    http = HttpClient(REMOTE_ADDR="10.0.0.8")  # other addresses are not affected
    assert sign_in(http, bob.email, PASSWORD).status_code == 302


def test_refused_attempts_and_right_passwords_do_not_count_towards_the_ceiling(alice, bob):
    """alice's password manager keeps trying a stale password long after she is locked out, and
    people sign in: none of that fills the address's ceiling for the rest of the office."""
    for _ in range(PER_ACCOUNT_ADDRESS + 5):  # 5 of them refused; counted, they would fill it
        sign_in(HttpClient(REMOTE_ADDR="10.0.0.7"), alice.email, "stale password")
    for i in range(PER_ADDRESS - PER_ACCOUNT_ADDRESS - 1):
        sign_in(HttpClient(REMOTE_ADDR="10.0.0.7"), f"person{i // 2}@example.org", "wrong")
    # counted: alice's first failures and the others', one short of the ceiling. Right
    # passwords do not use up the last one.
    assert sign_in(HttpClient(REMOTE_ADDR="10.0.0.7"), alice.email, PASSWORD).status_code == 200
    http = HttpClient(REMOTE_ADDR="10.0.0.7")
    assert sign_in(http, bob.email, PASSWORD).status_code == 302
    http = HttpClient(REMOTE_ADDR="10.0.0.7")
    assert sign_in(http, bob.email, PASSWORD).status_code == 302
    assert signed_in_as(http, bob)


def test_varying_the_host_header_does_not_reset_the_count(alice):
    """allauth's own key includes the Host, whose port a client can vary; Bravely's does not."""
    for port in range(PER_ACCOUNT_ADDRESS):
        sign_in(HttpClient(HTTP_HOST=f"testserver:{8000 + port}"), alice.email, "wrong")
    assert refused(sign_in(HttpClient(HTTP_HOST="testserver:9999"), alice.email, PASSWORD))


def test_e_mail_case_does_not_reset_the_count(alice):
    for i in range(PER_ACCOUNT_ADDRESS):
        sign_in(HttpClient(), "ALICE@example.org" if i % 2 else alice.email, "wrong")
    assert refused(sign_in(HttpClient(), "Alice@Example.org", PASSWORD))


def test_a_password_reset_lifts_the_account_lockout(alice, client):
    for i in range(PER_ACCOUNT):  # locked at this address and from everywhere
        address = "10.0.0.1" if i < PER_ACCOUNT_ADDRESS else f"10.0.1.{i}"
        sign_in(HttpClient(REMOTE_ADDR=address), alice.email, "wrong password")
    assert refused(sign_in(HttpClient(REMOTE_ADDR="10.0.0.1"), alice.email, PASSWORD))
    http = HttpClient(REMOTE_ADDR="10.0.0.1")
    assert http.post("/accounts/password/reset/", {"email": alice.email}).status_code == 302
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)",
                     mail.outbox[-1].body).group(1)
    page = http.get(link, follow=True)
    action = page.redirect_chain[-1][0] if page.redirect_chain else link
    new = "a brand new secret 42"
    assert http.post(action, {"password1": new, "password2": new}).status_code == 302
    for address in ("10.0.0.1", "10.7.7.7"):
        signing = HttpClient(REMOTE_ADDR=address)
        assert sign_in(signing, alice.email, new).status_code == 302, address
        assert signed_in_as(signing, alice)


# The client's address


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_x_forwarded_for_is_ignored(settings):
    settings.BRAVELY_BEHIND_PROXY = False
    assert client_ip(request_from("10.0.0.1", "203.0.113.5")) == "10.0.0.1"
    assert client_ip(request_from("10.0.0.1")) == "10.0.0.1"


def test_behind_a_proxy_the_address_it_appended_counts(settings):
    settings.BRAVELY_BEHIND_PROXY = True
    assert client_ip(request_from("127.0.0.1", "203.0.113.5")) == "203.0.113.5"
    # the client may send its own X-Forwarded-For; the proxy appends the real address
    assert client_ip(request_from("127.0.0.1", "1.2.3.4, 198.51.100.7,203.0.113.5 ")) == (
        "203.0.113.5")
    assert client_ip(request_from("127.0.0.1", "2001:DB8::1")) == "2001:db8::1"
    # nothing usable from the proxy: the connection's peer
    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"
    assert client_ip(request_from("127.0.0.1", "1.2.3.4, not-an-address")) == "127.0.0.1"


def test_the_behind_proxy_setting_comes_from_the_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="bravely.settings", SECRET_KEY="x" * 60,
               BRAVELY_DATA_DIR=str(tmp_path), BRAVELY_BEHIND_PROXY="on")
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.BRAVELY_BEHIND_PROXY, s.SECURE_PROXY_SSL_HEADER[0])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "HTTP_X_FORWARDED_PROTO"]


def test_without_the_proxy_setting_rotating_x_forwarded_for_does_not_help(alice, settings):
    settings.BRAVELY_BEHIND_PROXY = False
    for i in range(PER_ACCOUNT_ADDRESS):
        sign_in(HttpClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"),
                alice.email, "wrong password")
    http = HttpClient(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert refused(sign_in(http, alice.email, PASSWORD))


def test_behind_the_proxy_each_client_is_counted_by_its_own_address(alice, bob, settings):
    """Everyone reaches Bravely from the proxy's 127.0.0.1. alice's failures (with a left part
    she chose herself) lock out alice at her address only; bob's ceiling is untouched."""
    settings.BRAVELY_BEHIND_PROXY = True

    def via_proxy(forwarded):
        return HttpClient(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    for i in range(PER_ACCOUNT_ADDRESS):
        sign_in(via_proxy(f"198.51.100.{i}, 203.0.113.5"), alice.email, "wrong password")
    assert refused(sign_in(via_proxy("9.9.9.9, 203.0.113.5"), alice.email, PASSWORD))
    http = via_proxy("203.0.113.6")
    assert sign_in(http, alice.email, PASSWORD).status_code == 302
    assert signed_in_as(http, alice)
    for i in range(PER_ADDRESS):  # someone sprays from one address behind the proxy
        sign_in(via_proxy("203.0.113.66"), f"person{i}@example.org", "wrong password")
    assert refused(sign_in(via_proxy("203.0.113.66"), bob.email, PASSWORD))
    http = via_proxy("203.0.113.7")
    assert sign_in(http, bob.email, PASSWORD).status_code == 302


@pytest.mark.parametrize("behind_proxy,expected", [(False, "127.0.0.1"), (True, "203.0.113.5")])
def test_the_audit_log_records_the_same_address(alice, client_record, settings, behind_proxy,
                                                expected):
    settings.BRAVELY_BEHIND_PROXY = behind_proxy
    http = HttpClient(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.6.6.6, 203.0.113.5")
    http.force_login(alice)
    assert http.get(f"/clients/{client_record.pk}/").status_code == 200
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.ip_address) == ("view", expected)


# TOTP and password reset


@pytest.fixture
def alice_with_totp(practice, alice):
    practice.require_clinician_2fa = True
    practice.save()
    secret = generate_totp_secret()
    TOTP.activate(alice, secret)
    return alice, secret


def test_wrong_totp_codes_are_counted_across_workers(alice_with_totp):
    alice, secret = alice_with_totp
    allowed = parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])[0].amount
    workers, clients = (Worker(), Worker()), (HttpClient(), HttpClient())
    for worker, http in zip(workers, clients, strict=True):
        assert worker.sign_in(http, alice.email, PASSWORD)["Location"] == reverse(
            "mfa_authenticate")
    for i in range(allowed):
        response = workers[i % 2].post(clients[i % 2], reverse("mfa_authenticate"),
                                       {"code": wrong_code(secret)})
        assert response.status_code == 200
        assert "code" in response.context["form"].errors
    for worker, http in zip(workers, clients, strict=True):
        response = worker.post(http, reverse("mfa_authenticate"), {"code": current_code(secret)})
        assert response.status_code == 200, "the right code is refused once the limit is hit"
        assert LOCKED in response.content.decode()
        assert not signed_in_as(http, alice)


def test_a_totp_code_used_on_one_worker_is_refused_on_the_other(alice_with_totp):
    alice, secret = alice_with_totp
    code = current_code(secret)
    first, second = Worker(), Worker()
    http = HttpClient()
    first.sign_in(http, alice.email, PASSWORD)
    assert first.post(http, reverse("mfa_authenticate"), {"code": code}).status_code == 302
    other = HttpClient()
    second.sign_in(other, alice.email, PASSWORD)
    assert second.post(other, reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert not signed_in_as(other, alice)


def test_password_reset_requests_are_counted_across_workers(alice):
    allowed = next(rate.amount for rate in parse_rates(
        settings.ACCOUNT_RATE_LIMITS["reset_password"]) if rate.per == "key")
    workers = (Worker(), Worker())
    for i in range(allowed):
        response = workers[i % 2].post(HttpClient(REMOTE_ADDR=f"10.0.0.{i + 1}"),
                                       "/accounts/password/reset/", {"email": alice.email})
        assert response.status_code == 302, i
    assert len(mail.outbox) == allowed
    for worker in workers:
        response = worker.post(HttpClient(REMOTE_ADDR="10.0.3.3"), "/accounts/password/reset/",
                               {"email": alice.email})
        assert response.status_code == 429
    assert len(mail.outbox) == allowed


# Redis, when REDIS_URL is set


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    """A throwaway redis-server on loopback, stopped after this module's tests."""
    pytest.importorskip("redis")
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.skip("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_url_selects_the_redis_cache(tmp_path, redis_url):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="bravely.settings", SECRET_KEY="x" * 60,
               BRAVELY_DATA_DIR=str(tmp_path), REDIS_URL=redis_url)
    code = ("import django; django.setup(); from django.core.cache import caches; "
            "c = caches['default']; c.set('probe', 'shared', 60); "
            "print(type(c).__name__, c.get('probe'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["RedisCache", "shared"]


def test_two_workers_see_one_counter_in_redis(alice, bob, settings, redis_url):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url, "KEY_PREFIX": "bravely-test"}}
    cache.clear()
    try:
        workers, clients = (Worker(), Worker()), (HttpClient(), HttpClient())
        fail_alternately(workers, clients, alice.email, PER_ACCOUNT_ADDRESS)
        assert refused(Worker().sign_in(HttpClient(), alice.email, PASSWORD))
        http = HttpClient()
        assert Worker().sign_in(http, bob.email, PASSWORD).status_code == 302
    finally:
        cache.clear()
