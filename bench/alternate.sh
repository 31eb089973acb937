#!/bin/bash
# bench/alternate.sh - two server binaries, measured in turns on copies of
# one database, for a before/after figure on a noisy shared machine: what
# drifts over minutes then hits both alike.
#
#   bench/alternate.sh B|C|S DB BIN_A BIN_B [ROUNDS]
#
#   B  bench/run's scenario B request (the unit ZJJ's queue as h_zjj)
#   C  bench/run's scenario C request (POST /api/v1/tickets, bench/create.lua)
#   S  searches (one client, a search then 100 ms pause, for 10 s) while
#      the C load runs; prints the searches' p50 / p90 / max and creates/s
#
# DB is a demo city (e.g. a copy of bench/run's, kept with BENCH_KEEP, or
# one built by `rexian demo --tickets 100000`); each measurement runs on a
# fresh copy of it, so C's tickets do not pile up. ROUNDS (default 2) times
# A then B; B and C runs are two 5 s wrk runs each (wrk -t2 -c32, as
# bench/run), after a 2 s warm-up. Prints req/s and the server's CPU time a
# request (from /proc/PID/stat). Loopback only.
set -euo pipefail

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 4 ] || usage
WHAT=$1 DB=$2 BIN_A=$3 BIN_B=$4 ROUNDS=${5:-2}
case $WHAT in B | C | S) ;; *) usage ;; esac
for f in "$DB" "$BIN_A" "$BIN_B"; do
    [ -e "$f" ] || { echo "alternate: $f not found" >&2; exit 2; }
done
HERE=$(cd "$(dirname "$0")" && pwd)
command -v wrk >/dev/null || { echo "alternate: wrk is missing (scripts/install-deps)" >&2; exit 2; }

TMP=$(mktemp -d)
PID=
cleanup() {
    if [ -n "$PID" ]; then
        kill "$PID" 2>/dev/null || true
        wait "$PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# start BIN: a server on a fresh copy of DB; sets PID, PORT
start() {
    cp "$DB" "$TMP/x.db"
    rm -f "$TMP/x.db-wal" "$TMP/x.db-shm"
    PORT=$((20000 + RANDOM % 20000))
    "$1" serve --db "$TMP/x.db" --listen "127.0.0.1:$PORT" --access-log off \
        >"$TMP/serve.log" 2>&1 &
    PID=$!
    for _ in $(seq 120); do
        curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
        sleep 0.5
    done
    echo "alternate: the server did not come up:" >&2
    tail -n 20 "$TMP/serve.log" >&2
    exit 1
}

stop() {
    kill "$PID"
    wait "$PID" 2>/dev/null || true
    PID=
}

# wrk_runs NAME ARGS...: a warm-up, then two 5 s runs with req/s and CPU each
wrk_runs() {
    local name=$1
    shift
    wrk -t2 -c32 -d2s "$@" >/dev/null
    for _ in 1 2; do
        local t0 t1 rps
        t0=$(cpu_ticks "$PID")
        wrk -t2 -c32 -d5s "$@" >"$TMP/wrk"
        t1=$(cpu_ticks "$PID")
        rps=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk")
        python3 -c "import sys; r=float(sys.argv[2]); print('%-6s %8.0f req/s  server CPU %4.0f us/request' % (sys.argv[1], r, (int(sys.argv[4]) - int(sys.argv[3])) * 1e6 / 100 / (r * 5)))" \
            "$name" "$rps" "$t0" "$t1"
    done
}

measure() {
    local name=$1 bin=$2 tok user=agent1
    start "$bin"
    [ "$WHAT" = B ] && user=h_zjj # B is the unit's queue as its handler
    tok=$(python3 "$HERE/api.py" login "http://127.0.0.1:$PORT" "$user" demo-12345)
    export BENCH_TOKEN=$tok # create.lua's
    case $WHAT in
    B)
        wrk_runs "$name" -H "Authorization: Bearer $tok" \
            "http://127.0.0.1:$PORT/api/v1/tickets?status=dispatched,processing&sort=due&limit=50"
        ;;
    C)
        wrk_runs "$name" -s "$HERE/create.lua" "http://127.0.0.1:$PORT/api/v1/tickets"
        ;;
    S)
        wrk -t2 -c32 -d2s -s "$HERE/create.lua" "http://127.0.0.1:$PORT/api/v1/tickets" >/dev/null
        wrk -t2 -c32 -d12s -s "$HERE/create.lua" "http://127.0.0.1:$PORT/api/v1/tickets" >"$TMP/wrk" &
        local wp=$!
        sleep 1
        python3 - "$PORT" "$tok" "$name" <<'PY'
import http.client, sys, time, urllib.parse
port, tok, name = int(sys.argv[1]), sys.argv[2], sys.argv[3]
words = ["电梯", "噪音", "停车", "供暖", "工资"]
lat = []
c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
end = time.time() + 10
while time.time() < end:
    q = urllib.parse.quote(words[len(lat) % len(words)])
    t0 = time.perf_counter()
    c.request("GET", "/api/v1/tickets?q=" + q, headers={"Authorization": "Bearer " + tok})
    r = c.getresponse()
    r.read()
    if r.status != 200:
        sys.exit("alternate: a search answered %d" % r.status)
    lat.append((time.perf_counter() - t0) * 1000)
    time.sleep(0.1)
lat.sort()
print("%-6s %d searches  p50 %.1f ms  p90 %.1f ms  max %.1f ms"
      % (name, len(lat), lat[len(lat) // 2], lat[int(len(lat) * 0.9)], lat[-1]))
PY
        wait "$wp"
        echo "$name creates beside them: $(awk '/Requests\/sec/ {print $2}' "$TMP/wrk")/s"
        ;;
    esac
    stop
}

for r in $(seq "$ROUNDS"); do
    echo "-- round $r"
    measure A "$BIN_A"
    measure B "$BIN_B"
done
