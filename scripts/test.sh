#!/usr/bin/env bash
# The whole test suite, on a fresh Debian + Swift machine (run as root, or with the packages
# below already installed): installs what is missing, starts a throwaway PostgreSQL on a
# loopback port, runs every Swift test against SQLite and PostgreSQL, runs the process-level
# acceptance checks against both backends, and stops PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- packages -----------------------------------------------------------------------------
scripts/install-deps.sh --postgres
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
python3 -c "import prometheus_client" 2>/dev/null || python3 -m pip install -q prometheus_client

# --- throwaway PostgreSQL on 127.0.0.1 ----------------------------------------------------
PGROOT="$(mktemp -d /tmp/marquee-pg.XXXXXX)"
PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$PGROOT" postgres
  chown postgres "$PGROOT"
  as_pg=(runuser -u postgres --)
fi
stop_pg() { "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGROOT"; }
trap stop_pg EXIT
"${as_pg[@]}" "$PGBIN/initdb" -D "$PGROOT/data" -U postgres -A trust >/dev/null
PGOPTS="-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGROOT -c max_connections=300 -c fsync=off -c synchronous_commit=off"
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/postgres.log" -w start -o "$PGOPTS" >/dev/null
for db in marquee_test marquee_accept marquee_propagation; do
  psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE $db" >/dev/null
done
export MARQUEE_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PGPORT/marquee_test"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PGPORT"

# --- Swift tests (both backends) -----------------------------------------------------------
swift build --build-tests
# A stalled run (see scripts/swift_test_watchdog.py: 4 minutes without output) is run again,
# up to five runs in all; any test failure fails at once, also one printed before a stall. MARQUEE_TEST_TRACE makes each API
# test server report its start and stop, so a stall names the servers that never stopped.
# The test binary runs directly, as `swift test` would run it: `swift test` relays its output
# through pipes of its own and was seen holding lines back, which hides what a stall looks like.
tests="$(swift build --show-bin-path)/marqueePackageTests.xctest"
for attempt in 1 2 3 4 5; do
  status=0
  MARQUEE_TEST_TRACE=1 python3 scripts/swift_test_watchdog.py --stall 240 --binary "$tests" || status=$?
  [ "$status" -eq 75 ] || break
  echo "== test run $attempt stalled"
done
[ "$status" -eq 0 ] || exit "$status"

# --- process-level acceptance (real binary, real signals) ----------------------------------
python3 scripts/acceptance.py --binary .build/debug/marquee --database sqlite
python3 scripts/acceptance.py --binary .build/debug/marquee --database "postgres://postgres@127.0.0.1:$PGPORT/marquee_accept"

# --- two instances on one PostgreSQL: change propagation, connection kills, a restart -------
RESTART="${as_pg[*]} $PGBIN/pg_ctl -D $PGROOT/data -l $PGROOT/postgres.log -m fast -w restart >/dev/null 2>&1"
STOP="${as_pg[*]} $PGBIN/pg_ctl -D $PGROOT/data -m fast -w stop >/dev/null 2>&1"
START="${as_pg[*]} $PGBIN/pg_ctl -D $PGROOT/data -l $PGROOT/postgres.log -w start -o '$PGOPTS' >/dev/null 2>&1"
python3 scripts/propagation.py --binary .build/debug/marquee \
  --database "postgres://postgres@127.0.0.1:$PGPORT/marquee_propagation" --restart "$RESTART"

# --- coupon reservations under PostgreSQL faults (terminated connections, a restart) -------
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE marquee_faults" >/dev/null
python3 scripts/coupon_faults.py --binary .build/debug/marquee \
  --database "postgres://postgres@127.0.0.1:$PGPORT/marquee_faults" --restart "$RESTART" --stop "$STOP" --start "$START"
