#!/usr/bin/env bash
# Bring the Welsh catalogue up to date with the source, then compile it.
# New and changed strings appear untranslated in locale/cy/LC_MESSAGES/django.po;
# translate them (tests/core/test_translations.py fails until every entry is).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEMO_MODE=${DEMO_MODE:-1}
.venv/bin/python manage.py makemessages --locale=cy --no-obsolete --add-location=file \
  --ignore=.venv --ignore=node_modules --ignore=data --ignore=tests --ignore=bench
.venv/bin/python manage.py compilemessages --locale=cy --ignore=.venv --ignore=node_modules
