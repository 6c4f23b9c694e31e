"""Settings from the environment: database URLs, production checks, SQLite WAL, headers."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client as HttpClient

from bravely.settings import database_from_url

# Variables that would change what a production subprocess sees.
INHERITED_OUT = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "BRAVELY_DEMO", "BRAVELY_HTTPS",
                 "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD",
                 "BRAVELY_BEHIND_PROXY", "BRAVELY_DATA_DIR", "DJANGO_SETTINGS_MODULE",
                 "DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_ROOT")


def production_env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_OUT}
    env.update(SECRET_KEY=secrets.token_urlsafe(45)[:60], ALLOWED_HOSTS="bravely.example.org",
               SITE_ROOT="https://bravely.example.org", BRAVELY_DATA_DIR=str(tmp_path))
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def bravely(*args, env, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bravely.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_database_url_is_parsed(monkeypatch):
    monkeypatch.setenv("DB_CONN_MAX_AGE", "60")
    db = database_from_url("postgres://user:p%40ss@db.example.org:5433/bravely_prod"
                           "?sslmode=require")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("bravely_prod", "user", "p@ss")
    assert (db["HOST"], db["PORT"]) == ("db.example.org", "5433")
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert db["CONN_MAX_AGE"] == 60


def test_database_url_defaults():
    db = database_from_url("postgresql://root@127.0.0.1/")
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["PORT"]) == ("bravely", "root", "", "")
    assert db["OPTIONS"] == {}


@pytest.mark.parametrize("url", ["mysql://user:pw@host/db", "sqlite:///var/db.sqlite3",
                                 "db.example.org:5432", ""])
def test_other_database_urls_are_rejected(url):
    with pytest.raises(ImproperlyConfigured, match="postgres://"):
        database_from_url(url)


def test_check_deploy_is_clean_for_a_production_configuration(tmp_path):
    result = bravely("check", "--deploy", "--fail-level", "WARNING",
                     env=production_env(tmp_path), cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output.upper()
    assert "System check identified no issues" in output


def test_check_deploy_warns_about_an_insecure_configuration(tmp_path):
    """The check above can fail: turning HTTPS off makes Django complain."""
    env = production_env(tmp_path, BRAVELY_HTTPS="False")
    result = bravely("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "SESSION_COOKIE_SECURE" in result.stdout + result.stderr


def test_check_deploy_fails_when_site_root_is_not_set(tmp_path):
    """Unset, SITE_ROOT is the development address: invitation and alert links would lead to
    127.0.0.1. `bravely check --deploy` says so, as an error (it fails the check)."""
    result = bravely("check", "--deploy", env=production_env(tmp_path, SITE_ROOT=None),
                     cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "bravely.E001" in output and "SITE_ROOT" in output and "127.0.0.1" in output


def bravely_checks(deploy=True) -> dict:
    from django.core.checks import run_checks

    return {m.id: m for m in run_checks(include_deployment_checks=deploy)
            if m.id.startswith("bravely.")}


@pytest.mark.parametrize("root", [
    "http://127.0.0.1:8000", "", "bravely.example.org", "ftp://bravely.example.org",
    "http://localhost:8000", "https://LOCALHOST", "http://[::1]:8000", "http://0.0.0.0",
    "http://127.1.2.3", "https://", "https://bravely.example.org:notaport",
])
def test_a_local_or_unusable_site_root_is_a_deployment_error(settings, root):
    from django.core.checks import ERROR

    settings.SITE_ROOT = root
    found = bravely_checks()
    assert list(found) == ["bravely.E001"]
    assert found["bravely.E001"].level == ERROR
    assert "SITE_ROOT" in found["bravely.E001"].msg and "SITE_ROOT" in found["bravely.E001"].hint


def test_the_site_root_check_runs_only_for_deployment(settings):
    settings.SITE_ROOT = "http://127.0.0.1:8000"
    assert bravely_checks(deploy=False) == {}


def test_a_public_site_root_passes(settings):
    settings.SITE_ROOT = "https://bravely.example.org/"
    settings.ALLOWED_HOSTS = ["bravely.example.org"]
    settings.SESSION_COOKIE_SECURE = True
    assert bravely_checks() == {}


def test_a_site_root_over_http_or_on_another_host_is_a_warning(settings):
    from django.core.checks import WARNING

    settings.SITE_ROOT = "http://bravely.example.org"
    settings.ALLOWED_HOSTS = [".example.com"]
    settings.SESSION_COOKIE_SECURE = True
    found = bravely_checks()
    assert sorted(found) == ["bravely.W002", "bravely.W003"]
    assert {m.level for m in found.values()} == {WARNING}


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=None)
    result = bravely("check", env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def test_production_settings_are_secure(tmp_path):
    code = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
            " s.SECURE_HSTS_SECONDS > 0, s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY)")
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="bravely.settings")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "True", "True", "True", "DENY", "same-origin"]


def test_sqlite_file_database_uses_wal_and_immediate_transactions(tmp_path):
    code = ("import django; django.setup(); from django.db import connection; "
            "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0]); "
            "c.execute('PRAGMA foreign_keys'); print(c.fetchone()[0]); "
            "print(connection.settings_dict['NAME'])")
    env = production_env(tmp_path, DJANGO_SETTINGS_MODULE="bravely.settings", DATABASE_URL=None)
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    journal, foreign_keys, name = result.stdout.split()
    assert (journal, foreign_keys) == ("wal", "1")
    assert name == str(tmp_path / "bravely.sqlite3")
    assert (tmp_path / "bravely.sqlite3").exists()


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="running on PostgreSQL")
def test_sqlite_settings_ask_for_wal_and_immediate_transactions():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


@pytest.mark.parametrize("path,login", [("/accounts/login/", False), ("/clients/", True)])
def test_security_headers(alice, path, login):
    http = HttpClient()
    if login:
        http.force_login(alice)
    response = http.get(path)
    assert response.status_code == 200
    csp = {d.split()[0]: d.split()[1:] for d in
           response["Content-Security-Policy"].split(";") if d.strip()}
    assert csp["script-src"] == ["'self'"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts(alice, client_record):
    """With script-src 'self', an inline script would be blocked: there must be none."""
    http = HttpClient()
    http.force_login(alice)
    for path in ("/clients/", f"/clients/{client_record.pk}/", "/accounts/logout/"):
        page = http.get(path).content.decode()
        for tag in page.split("<script")[1:]:
            assert tag.split(">")[0].strip().startswith("src=") or " src=" in tag.split(">")[0]


def test_not_found_page_is_friendly_and_reveals_nothing(alice, client):
    client.force_login(alice)
    response = client.get("/clients/999999/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_check_deploy_fails_with_the_benchmark_flag_on(tmp_path):
    """The benchmark's flag lifts the sign-in rate limit: a deployment must not run with it."""
    result = bravely("check", "--deploy", env=production_env(tmp_path,
                                                             BRAVELY_BENCHMARK_FLOOR="1"),
                     cwd=tmp_path)
    assert result.returncode != 0
    assert "bravely.E002" in result.stdout + result.stderr
