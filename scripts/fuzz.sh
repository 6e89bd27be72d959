#!/usr/bin/env bash
# fuzz.sh DURATION [OUT] [PATTERN]: runs every fuzz target of the module
# (every "func FuzzX(f *testing.F)" in a *_test.go file) for DURATION
# (a go test -fuzztime value: 10s, 1h, or 10000000x for a count of
# executions), one after another, and writes one line per target to OUT
# (default fuzz-results.txt):
#
#   package target execs fuzz-seconds execs/s wall-seconds findings end load
#
# execs and fuzz-seconds are go test's last progress line ("elapsed:
# 1h0m0s, execs: N"), the time spent fuzzing; execs/s is their ratio;
# wall-seconds adds the build and the seed corpus. findings is 0, or the path of the failing input that go test wrote to
# the package's testdata/fuzz (commit it with the fix: it becomes a
# regression seed). end is fuzztime (DURATION reached) or cap (FUZZ_CAP
# reached). load is /proc/loadavg's one-minute figure at the end.
# PATTERN, when given, keeps only the targets whose name matches it (a
# grep -E pattern). FUZZ_PARALLEL sets the fuzzing workers (default 1:
# the machine is shared); FUZZ_MINIMIZE the -fuzzminimizetime (default
# 0: go test would minimize every new interesting input, and its exec
# counter stands still meanwhile, for most of a short run on a loaded
# machine). FUZZ_CAP, when set, is a time limit (a timeout(1) duration:
# 1h, 30m) beside DURATION: `FUZZ_CAP=1h scripts/fuzz.sh 10000000x` runs
# each target for ten million executions or one hour, whichever comes
# first (go test is stopped with SIGINT at the cap, which ends fuzzing
# as -fuzztime does). FUZZ_LOGS, when set, is a folder that keeps each target's
# go test output as PACKAGE_TARGET.log (package with / as _). The exit
# status is 1 when a target found a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$HOME/go/bin:$PATH"

dur=${1:?usage: scripts/fuzz.sh DURATION [OUT] [PATTERN]}
out=${2:-fuzz-results.txt}
pat=${3:-.}
par=${FUZZ_PARALLEL:-1}
minimize=${FUZZ_MINIMIZE:-0}
logs=${FUZZ_LOGS:-}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
[ -z "$logs" ] || mkdir -p "$logs"

# seconds D: go test's elapsed time ("1h2m3s", "45s") in seconds.
seconds() {
  local d=$1 h=0 m=0 s=0
  [[ $d =~ ([0-9]+)h ]] && h=${BASH_REMATCH[1]}
  [[ $d =~ ([0-9]+)m ]] && m=${BASH_REMATCH[1]}
  [[ $d =~ ([0-9]+)s ]] && s=${BASH_REMATCH[1]}
  echo $((10#$h * 3600 + 10#$m * 60 + 10#$s))
}

printf '# scripts/fuzz.sh %s, %s, %s worker(s), %s\n' "$dur" "$(go version | cut -d' ' -f3)" "$par" "$(date -u +%FT%TZ)" >"$out"
printf '%-22s %-26s %12s %8s %8s %8s %-9s %-8s %s\n' package target execs fuzz-s execs/s wall-s findings end load >>"$out"
status=0
# Every target, as "dir name", sorted.
grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
  sed -E 's|^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]+).*|\1 \2|' | sort -u |
  grep -E " [^ ]*($pat)" |
  while read -r dir name; do
    start=$(date +%s)
    capped=()
    [ -z "${FUZZ_CAP:-}" ] || capped=(timeout -s INT -k 2m "$FUZZ_CAP")
    "${capped[@]}" go test -run '^$' -fuzz "^${name}\$" -fuzztime "$dur" -fuzzminimizetime "$minimize" -parallel "$par" "./$dir" </dev/null >"$log" 2>&1
    rc=$?
    secs=$(( $(date +%s) - start ))
    # go test's last progress line: "fuzz: elapsed: 10s, execs: 1234 (123/sec), ..."
    last=$(grep -E '^fuzz: elapsed: ' "$log" | tail -1)
    execs=$(grep -Eo 'execs: [0-9]+' <<<"$last" | grep -Eo '[0-9]+')
    fsecs=$(seconds "$(sed -E 's/^fuzz: elapsed: ([0-9hms]+),.*/\1/' <<<"$last")")
    rate=0
    [ "${fsecs:-0}" -gt 0 ] && rate=$(( ${execs:-0} / fsecs ))
    [ -z "$logs" ] || cp "$log" "$logs/${dir//\//_}_$name.log"
    finding=0 end=fuzztime
    if [ "$rc" = 124 ] && grep -q '^ok ' "$log" && ! grep -q -- '--- FAIL' "$log"; then
      rc=0 end=cap # stopped by FUZZ_CAP: go test ended fuzzing and passed
    fi
    if [ "$rc" != 0 ]; then
      finding=$(grep -Eo 'testdata/fuzz/[^ ]+' "$log" | head -1)
      [ -n "$finding" ] || finding="failed(rc=$rc)"
      sed -n '1,60p' "$log" >&2
      status=1
    fi
    printf '%-22s %-26s %12s %8s %8s %8s %-9s %-8s %s\n' "$dir" "$name" "${execs:-0}" "$fsecs" "$rate" "$secs" "$finding" "$end" "$(cut -d' ' -f1 /proc/loadavg)" >>"$out"
    [ "$status" = 0 ] || exit 1
  done || status=1
cat "$out"
exit $status
