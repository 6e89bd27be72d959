#!/usr/bin/env bash
# fuzz.sh DURATION [OUT] [PATTERN]: runs every fuzz target of the module
# (every "func FuzzX(f *testing.F)" in a *_test.go file) for DURATION
# (a go test -fuzztime value: 10s, 1h, or 10000000x for a count of
# executions), one after another, and writes one line per target to OUT
# (default fuzz-results.txt):
#
#   package target execs duration findings load
#
# findings is 0, or the path of the failing input that go test wrote to
# the package's testdata/fuzz (commit it with the fix: it becomes a
# regression seed). load is /proc/loadavg's one-minute figure at the end.
# PATTERN, when given, keeps only the targets whose name matches it (a
# grep -E pattern). FUZZ_PARALLEL sets the fuzzing workers (default 1:
# the machine is shared); FUZZ_MINIMIZE the -fuzzminimizetime (default
# 0: go test would minimize every new interesting input, and its exec
# counter stands still meanwhile, for most of a short run on a loaded
# machine). The exit status is 1 when a target found a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

dur=${1:?usage: scripts/fuzz.sh DURATION [OUT] [PATTERN]}
out=${2:-fuzz-results.txt}
pat=${3:-.}
par=${FUZZ_PARALLEL:-1}
minimize=${FUZZ_MINIMIZE:-0}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

printf '# scripts/fuzz.sh %s, %s, %s worker(s), %s\n' "$dur" "$(go version | cut -d' ' -f3)" "$par" "$(date -u +%FT%TZ)" >"$out"
printf '%-28s %-28s %12s %10s %-9s %s\n' package target execs duration findings load >>"$out"
status=0
# Every target, as "dir name", sorted.
grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
  sed -E 's|^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]+).*|\1 \2|' | sort -u |
  grep -E " [^ ]*($pat)" |
  while read -r dir name; do
    start=$(date +%s)
    go test -run '^$' -fuzz "^${name}\$" -fuzztime "$dur" -fuzzminimizetime "$minimize" -parallel "$par" "./$dir" >"$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    # go test's last progress line: "fuzz: elapsed: 10s, execs: 1234 (123/sec), ..."
    execs=$(grep -Eo 'execs: [0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+')
    finding=0
    if [ "$rc" != 0 ]; then
      finding=$(grep -Eo 'testdata/fuzz/[^ ]+' "$log" | head -1)
      [ -n "$finding" ] || finding="failed(rc=$rc)"
      sed -n '1,60p' "$log" >&2
      status=1
    fi
    printf '%-28s %-28s %12s %9ss %-9s %s\n' "$dir" "$name" "${execs:-0}" "$secs" "$finding" "$(cut -d' ' -f1 /proc/loadavg)" >>"$out"
    [ "$status" = 0 ] || exit 1
  done || status=1
cat "$out"
exit $status
