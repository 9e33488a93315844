#!/usr/bin/env bash
# Runs Marquee on the embedded SQLite default with demo data and prints curl lines to try.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
exec swift run marquee demo "$@"
