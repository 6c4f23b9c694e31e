#!/bin/sh
# (With the virtualenv active.) Refresh the Spanish catalogue after changing strings, then compile it (the .mo is committed,
# so a fresh `pip install -e .` and CI need no gettext): translate the new, empty msgstr entries
# in src/bravely/locale/es/LC_MESSAGES/django.po by hand, then run this again.
set -e
cd "$(dirname "$0")/../src/bravely"
DEBUG=1 django-admin makemessages -l es --settings=bravely.settings -i "migrations/*"
msgfmt --check -o locale/es/LC_MESSAGES/django.mo locale/es/LC_MESSAGES/django.po
