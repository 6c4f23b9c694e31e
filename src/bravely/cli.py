"""The `bravely` command: Django's management commands plus `demo`, `serve`, `audit`, `backup`
and `restore`."""

import os
import secrets
import sys
from pathlib import Path


def _demo_environment() -> None:
    """A demo runs with DEBUG on, a generated secret kept in the data folder, and no 2FA gate."""
    data_dir = Path(os.environ.get("BRAVELY_DATA_DIR", "var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ.setdefault("SECRET_KEY", key_file.read_text().strip())
    os.environ.setdefault("DEBUG", "True")
    os.environ.setdefault("BRAVELY_DEMO", "True")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bravely.settings")
    if sys.argv[1:2] == ["demo"]:
        _demo_environment()
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.DATA_DIR  # noqa: B018 - load settings now so a configuration error is shown
    except ImproperlyConfigured as error:
        sys.exit(f"bravely: configuration error: {error}")
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)

    from django.core.management import execute_from_command_line

    execute_from_command_line(["bravely", *sys.argv[1:]])


if __name__ == "__main__":
    main()
