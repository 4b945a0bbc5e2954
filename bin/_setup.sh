# Shared set-up for bin/run and bin/test: sourced, not run.
# Installs what is missing and nothing else, so a second run starts quickly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Debian packages, installed only when one is missing (needs root or sudo).
ensure_apt() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "Installing system packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The virtual environment, refreshed whenever pyproject.toml changes.
ensure_python() {
  local extras=$1
  local python=${PYTHON:-python3.11}
  command -v "$python" >/dev/null || python=python3
  if [ ! -x .venv/bin/python ]; then
    log "Creating the virtual environment"
    "$python" -m venv .venv
  fi
  local stamp=".venv/.installed-$extras"
  local wanted
  wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
    log "Installing Python dependencies"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q ".[$extras]"
    echo "$wanted" >"$stamp"
  fi
  export PATH="$ROOT/.venv/bin:$PATH"
}

ensure_translations() {
  if [ -d locale ]; then
    # compilemessages only reads LOCALE_PATHS; demo mode spares it a SECRET_KEY.
    DEMO_MODE=1 python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
  fi
}
