#!/usr/bin/env bash
# The browser tests (and the import-waits test) run N times (default 3) with the machine kept
# busy beside them: two `stress-ng --cpu 2` (Debian's stress-ng), or, without it, four Python
# busy loops. Prints one line per run; exits 1 if any run failed. Logs: /tmp/under_load_N.log.
#   bash scripts/browser_tests_under_load.sh [RUNS]
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
export REQUIRE_BROWSER_TESTS=1

LOAD=()
if command -v stress-ng > /dev/null; then
    stress-ng --cpu 2 > /dev/null 2>&1 & LOAD+=($!)
    stress-ng --cpu 2 > /dev/null 2>&1 & LOAD+=($!)
else
    for _ in 1 2 3 4; do python3 -c "while True: pass" & LOAD+=($!); done
fi
trap 'kill "${LOAD[@]}" 2> /dev/null' EXIT

failed=0
for run in $(seq 1 "$RUNS"); do
    log="/tmp/under_load_$run.log"
    started=$(date +%s)
    before=$(cut -d' ' -f1 /proc/loadavg)
    .venv/bin/python -m pytest -q -p no:cacheprovider -m browser tests/ > "$log" 2>&1
    browser=$?
    .venv/bin/python -m pytest -q -p no:cacheprovider tests/hostile/test_concurrency.py \
        -k waits >> "$log" 2>&1
    waits=$?
    [ "$browser" -eq 0 ] && [ "$waits" -eq 0 ] || failed=1
    echo "run $run: browser tests exit $browser, import-waits exit $waits," \
        "$(( $(date +%s) - started )) s, load $before -> $(cut -d' ' -f1 /proc/loadavg):" \
        "$(grep -E '^[0-9]+ (passed|failed)' "$log" | head -1)"
done
exit "$failed"
