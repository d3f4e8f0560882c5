#!/usr/bin/env bash
# Instructions the bench server executes per request, by mode, counted by
# callgrind (repeatable where req/s are not): each mode is run twice under
# callgrind, answering N1 then N2 signed requests from `fire` (C
# keep-alive connections), and the difference is divided by N2 - N1, so
# start-up and shutdown cancel out. The N2 run's profile is kept in
# target/profile/<mode>.out for `callgrind_annotate`.
#
# Usage: benches/load/profile.sh [modes (plain body decode event)]
# Environment: N1=500 N2=2500 C=16
set -euo pipefail
cd "$(dirname "$0")"
modes=("$@")
[ ${#modes[@]} -eq 0 ] && modes=(plain body decode event)
n1=${N1:-500}; n2=${N2:-2500}; c=${C:-16}

cargo build --release --quiet --bin bench_server --bin fire
mkdir -p target/profile
port=3300

count() { # mode requests out-file
    port=$((port + 1))
    EXIT_ROUTE=1 valgrind --tool=callgrind --callgrind-out-file="$3" \
        target/release/bench_server "$1" "127.0.0.1:$port" > target/profile/server.log 2>&1 &
    local pid=$!
    for _ in $(seq 400); do grep -q listening target/profile/server.log && break; sleep 0.05; done
    target/release/fire "127.0.0.1:$port" "$2" "$c"
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf 'GET /exit HTTP/1.1\r\nHost: localhost\r\n\r\n' >&3
    wait "$pid" || true
    exec 3>&-
    callgrind_annotate "$3" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}

printf '%-8s %14s\n' mode 'Ir per request'
for mode in "${modes[@]}"; do
    a=$(count "$mode" "$n1" "target/profile/$mode.n1.out")
    b=$(count "$mode" "$n2" "target/profile/$mode.out")
    printf '%-8s %14.0f\n' "$mode" "$(echo "($b - $a) / ($n2 - $n1)" | bc -l)"
done
