#!/usr/bin/env bash
# Set up everything the test suite needs on a fresh Debian/Ubuntu machine, then run it.
# System packages come from apt (as root, or through sudo); Python packages go into .venv.
# Extra arguments are passed to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(espeak-ng ffmpeg icecast2 chromium postgresql pulseaudio pulseaudio-utils)
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# PostgreSQL: test modules with ON_POSTGRES = True also run against this real server (the station
# itself defaults to SQLite). Debian's package makes one cluster; start it and add a test role.
if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  if ! read -r pg_version pg_cluster pg_port _ < <(pg_lsclusters -h | head -1); then
    echo "tests/run.sh: PostgreSQL is installed but has no cluster (pg_createcluster makes one)" >&2
    exit 1
  fi
  "${sudo_cmd[@]}" pg_ctlcluster "$pg_version" "$pg_cluster" start 2>/dev/null \
    || pg_lsclusters -h | grep -q online
  "${sudo_cmd[@]}" runuser -u postgres -- psql -q -p "$pg_port" -c "DO \$\$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'broadcaster_test') THEN
      CREATE ROLE broadcaster_test LOGIN PASSWORD 'broadcaster_test' CREATEDB;
    END IF; END\$\$;"
  export TEST_POSTGRES_URL="postgresql+psycopg://broadcaster_test:broadcaster_test@127.0.0.1:$pg_port/postgres"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
exec .venv/bin/python -m pytest "$@"
