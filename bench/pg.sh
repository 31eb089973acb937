#!/usr/bin/env bash
# bench/pg.sh - the read (A: GET a ticket) and create (C: POST a ticket)
# scenarios of bench/run on PostgreSQL beside SQLite, and on two instances
# sharing one PostgreSQL. Writes its table between the "bench/pg.sh" markers
# of docs/PERFORMANCE.md (BENCH_DOC=- leaves the file alone).
#
# One run: a demo city of BENCH_PG_TICKETS tickets in a SQLite file and in a
# throw-away PostgreSQL (tests/pg/start-pg, durable: fsync on), then wrk for
# BENCH_DURATION per scenario against
#   sqlite   one `rexian serve` on the file
#   pg       one `rexian serve` on PostgreSQL
#   pg x2    two instances on the same PostgreSQL, one wrk each, summed
# Knobs: BENCH_PG_TICKETS [20000] BENCH_DURATION [10s] BENCH_CONNECTIONS [32]
#        BENCH_WRK_THREADS [2] BENCH_DOC [docs/PERFORMANCE.md] REXIAN_BIN [./rexian]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${REXIAN_BIN:-./rexian}
TICKETS=${BENCH_PG_TICKETS:-20000}
DURATION=${BENCH_DURATION:-10s}
WC=${BENCH_CONNECTIONS:-32}
WT=${BENCH_WRK_THREADS:-2}
DOC=${BENCH_DOC:-docs/PERFORMANCE.md}
PASSWORD=demo-12345
API="python3 $ROOT/bench/api.py"
log() { printf 'bench/pg: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ -x "$BIN" ] || die "$BIN is not built (make rexian)"
command -v wrk >/dev/null || die "wrk is not installed (scripts/install-deps)"

TMP=$(mktemp -d /tmp/rexian-bench-pg.XXXXXX)
PGDIR=$(mktemp -d /tmp/rexian-bench-pgdata.XXXXXX) # its own: the server runs as postgres
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    "$ROOT/tests/pg/stop-pg" "$PGDIR" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

log "starting PostgreSQL (durable settings)"
PGURL=$(START_PG_DURABLE=1 "$ROOT/tests/pg/start-pg" "$PGDIR")
psql -qX "$PGURL/postgres" -c "CREATE DATABASE bench" >/dev/null
DBS=("$TMP/bench.db" "$PGURL/bench")
for db in "${DBS[@]}"; do
    log "demo city of $TICKETS tickets in ${db%%\?*}"
    start=$(date +%s)
    "$BIN" demo --db "$db" --tickets "$TICKETS" >"$TMP/demo.out" 2>"$TMP/demo.err" ||
        { cat "$TMP/demo.err" >&2; die "rexian demo failed"; }
    log "  built in $(( $(date +%s) - start )) s"
done

# serve DB: starts an instance; its base URL is left in SERVE_BASE
serve() {
    local port
    port=$(free_port)
    "$BIN" serve --db "$1" --listen "127.0.0.1:$port" --access-log off --sla-interval 0 \
        >>"$TMP/serve.log" 2>&1 &
    PIDS+=($!)
    SERVE_BASE="http://127.0.0.1:$port"
    $API wait "$SERVE_BASE" 30 >/dev/null || die "rexian serve did not start ($TMP/serve.log)"
}

# wrk_rps NAME URL SCRIPT: req/s and p99 (ms) of one wrk run
wrk_run() {
    BENCH_TOKEN=$TOKEN BENCH_NUMBERS=$TMP/numbers.lua \
        wrk -t"$WT" -c"$WC" -d"$DURATION" --latency --timeout 10s -s "$3" "$2" >"$TMP/$1.txt" 2>&1
}
rps() { awk '/^Requests\/sec/ { printf "%.0f", $2 }' "$TMP/$1.txt"; }
p99() {
    awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 }
         else if (v ~ /ms$/) sub(/ms$/, "", v); else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
         printf "%.1f", v }' "$TMP/$1.txt"
}

ROWS=()
measure() { # LABEL DB INSTANCES
    local label=$1 db=$2 n=$3 bases=() i
    for ((i = 0; i < n; i++)); do
        serve "$db"
        bases+=("$SERVE_BASE")
    done
    TOKEN=$($API login "${bases[0]}" agent1 "$PASSWORD")
    ADMIN=$($API login "${bases[0]}" admin "$PASSWORD")
    $API collect "${bases[0]}" "$TOKEN" "$ADMIN" 5000 "$TMP/numbers.lua" >/dev/null
    local scen a_rps=0 a_p99="" c_rps=0 c_p99=""
    for scen in A C; do
        local script=$ROOT/bench/get.lua path=/api/v1/tickets/
        [ "$scen" = C ] && script=$ROOT/bench/create.lua path=/api/v1/tickets
        local wrks=()
        for ((i = 0; i < n; i++)); do
            wrk_run "$label-$scen-$i" "${bases[$i]}$path" "$script" &
            wrks+=($!)
        done
        wait "${wrks[@]}" || die "wrk failed ($label $scen)"
        local sum=0 worst=0
        for ((i = 0; i < n; i++)); do
            sum=$((sum + $(rps "$label-$scen-$i")))
            worst=$(awk -v a="$worst" -v b="$(p99 "$label-$scen-$i")" 'BEGIN { print (b > a ? b : a) }')
        done
        if [ "$scen" = A ]; then a_rps=$sum a_p99=$worst; else c_rps=$sum c_p99=$worst; fi
        log "  $label $scen: $sum req/s, p99 $worst ms"
    done
    ROWS+=("| $label | $a_rps | $a_p99 | $c_rps | $c_p99 |")
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait "${PIDS[@]}" 2>/dev/null || true
    PIDS=()
}

measure "SQLite, 1 instance" "${DBS[0]}" 1
measure "PostgreSQL, 1 instance" "${DBS[1]}" 1
measure "PostgreSQL, 2 instances" "${DBS[1]}" 2

REPORT=$TMP/report.md
{
    echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) CPUs, $(uname -r); demo city of $TICKETS"
    echo "tickets in each database; wrk \`-t$WT -c$WC -d$DURATION\` per instance (two wrk at once"
    echo "for two instances, their req/s summed, the worse p99 shown); PostgreSQL $(psql -qtAX "$PGURL/postgres" -c 'SHOW server_version') with"
    echo "fsync on, \`synchronous_commit = on\`, the server on the same machine."
    echo
    echo "| database | A: GET ticket req/s | A p99 ms | C: create req/s | C p99 ms |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
} >"$REPORT"
cat "$REPORT"
if [ "$DOC" != "-" ] && grep -q '<!-- BEGIN bench/pg.sh results' "$DOC"; then
    python3 - "$DOC" "$REPORT" <<'PY'
import sys
doc, rep = sys.argv[1], open(sys.argv[2]).read()
s = open(doc).read()
a = s.index('<!-- BEGIN bench/pg.sh results')
a = s.index('\n', a) + 1
b = s.index('<!-- END bench/pg.sh results')
open(doc, 'w').write(s[:a] + rep + s[b:])
PY
    log "results written to $DOC"
fi
