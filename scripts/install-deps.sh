#!/usr/bin/env bash
# Installs the Debian packages Marquee needs when they are missing (root, or sudo-less no-op
# when everything is there): libroaring-dev always; PostgreSQL server and client with --postgres.
set -euo pipefail
missing=()
[ -f /usr/include/roaring/roaring.h ] || missing+=(libroaring-dev)
if [ "${1:-}" = "--postgres" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v psql >/dev/null || missing+=(postgresql-client)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
