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
#
# A worker that stops answering ("fuzzing process hung or terminated
# unexpectedly": go test's worker gives each execution 10 s of wall time,
# which a niced worker on a loaded machine can miss on an input that takes
# milliseconds) is not taken for a finding at once: the input it was
# running is run again alone under the race detector, and when it passes
# within FUZZ_STALL_SECS seconds (default 10) and FUZZ_STALL_RSS_KB of
# resident memory (default 2000000: the summaries input that allocated
# without bound passed alone, but took 16.9 GB under -race), it is a stall:
# the input is moved out of testdata/fuzz (kept as
# FUZZ_LOGS/PACKAGE_TARGET.stallN when FUZZ_LOGS is set) and fuzzing
# resumes for what is left of DURATION and FUZZ_CAP, at most
# FUZZ_MAX_STALLS (default 3) times. The figures are then the sums over the
# runs, and the line's last column counts the stalls.
#
# FUZZ_TMPDIR (default /dev/shm when it is a writable folder, else the
# usual one) is the fuzz targets' TMPDIR, where t.TempDir makes its
# folders: the summaries targets write a file for each input there, which
# took 855 us a write on this machine's ext4 (mounted with discard) and
# 16 us on tmpfs. The build keeps the usual temporary folder (GOTMPDIR).
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
fuzztmp=${FUZZ_TMPDIR:-}
if [ -z "$fuzztmp" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  fuzztmp=/dev/shm
fi
gotmp=${GOTMPDIR:-${TMPDIR:-/tmp}}
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
printf '%-22s %-26s %12s %8s %8s %8s %-9s %-8s %-6s %s\n' package target execs fuzz-s execs/s wall-s findings end load stalls >>"$out"
status=0
stall_secs=${FUZZ_STALL_SECS:-10}
stall_rss=${FUZZ_STALL_RSS_KB:-2000000}
max_stalls=${FUZZ_MAX_STALLS:-3}
cap_secs=
[ -z "${FUZZ_CAP:-}" ] || cap_secs=$(seconds "$FUZZ_CAP")
[[ ${FUZZ_CAP:-} =~ ^[0-9]+$ ]] && cap_secs=$FUZZ_CAP
# isstall DIR NAME INPUT: whether the input a hung worker left passes alone
# under the race detector within the stall limits.
isstall() {
  local dir=$1 name=$2 input=$3 bin tlog rc=1 el rss
  bin=$(mktemp) tlog=$(mktemp)
  if go test -race -c -o "$bin" "./$dir" >/dev/null 2>&1; then
    (cd "$dir" && /usr/bin/time -f '%e %M' -o "$tlog" "$bin" -test.run "^${name}\$/^$(basename "$input")\$" -test.timeout 5m >/dev/null 2>&1)
    rc=$?
  fi
  read -r el rss <"$tlog"
  rm -f "$bin" "$tlog"
  echo "# $dir $name: $(basename "$input") alone under -race: rc $rc, ${el:-?} s, ${rss:-?} KB" >>"$out"
  [ "$rc" = 0 ] && [ -n "${el:-}" ] && awk -v e="$el" -v m="$stall_secs" 'BEGIN{exit !(e < m)}' && [ "${rss:-0}" -lt "$stall_rss" ]
}
# Every target, as "dir name", sorted.
grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' . |
  sed -E 's|^\./(.*)/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]+).*|\1 \2|' | sort -u |
  grep -E " [^ ]*($pat)" |
  while read -r dir name; do
    start=$(date +%s)
    execs=0 fsecs=0 stalls=0 finding=0 end=fuzztime
    while :; do
      # What is left of DURATION and FUZZ_CAP after the runs so far.
      left=$dur
      if [[ $dur =~ ^([0-9]+)x$ ]]; then
        left="$(( ${BASH_REMATCH[1]} - execs ))x"
      elif [ "$fsecs" -gt 0 ]; then
        left="$(( $(seconds "$dur") - fsecs ))s"
      fi
      capped=()
      if [ -n "$cap_secs" ]; then
        rest=$(( cap_secs - ($(date +%s) - start) ))
        if [ "$rest" -le 0 ]; then
          end=cap
          break
        fi
        capped=(timeout -s INT -k 2m "${rest}s")
      fi
      TMPDIR=${fuzztmp:-$gotmp} GOTMPDIR=$gotmp "${capped[@]}" go test -run '^$' -fuzz "^${name}\$" -fuzztime "$left" -fuzzminimizetime "$minimize" -parallel "$par" "./$dir" </dev/null >"$log" 2>&1
      rc=$?
      # go test's last progress line: "fuzz: elapsed: 10s, execs: 1234 (123/sec), ..."
      last=$(grep -E '^fuzz: elapsed: ' "$log" | tail -1)
      n=$(grep -Eo 'execs: [0-9]+' <<<"$last" | grep -Eo '[0-9]+')
      execs=$(( execs + ${n:-0} ))
      fsecs=$(( fsecs + $(seconds "$(sed -E 's/^fuzz: elapsed: ([0-9hms]+),.*/\1/' <<<"$last")") ))
      [ -z "$logs" ] || cp "$log" "$logs/${dir//\//_}_$name.log${stalls/#0/}"
      if [ "$rc" = 124 ] && grep -q '^ok ' "$log" && ! grep -q -- '--- FAIL' "$log"; then
        rc=0 end=cap # stopped by FUZZ_CAP: go test ended fuzzing and passed
      fi
      [ "$rc" != 0 ] || break
      input=$(grep -Eo 'testdata/fuzz/[^ ]+' "$log" | head -1)
      if [ -n "$input" ] && grep -q 'fuzzing process hung or terminated unexpectedly' "$log" &&
        [ "$stalls" -lt "$max_stalls" ] && isstall "$dir" "$name" "$dir/$input"; then
        stalls=$(( stalls + 1 ))
        if [ -n "$logs" ]; then
          mv "$dir/$input" "$logs/${dir//\//_}_$name.stall$stalls"
        else
          rm -f "$dir/$input"
        fi
        rmdir "$dir/$(dirname "$input")" "$dir/testdata/fuzz" 2>/dev/null
        continue
      fi
      finding=${input:-"failed(rc=$rc)"}
      sed -n '1,60p' "$log" >&2
      status=1
      break
    done
    secs=$(( $(date +%s) - start ))
    rate=0
    [ "$fsecs" -gt 0 ] && rate=$(( execs / fsecs ))
    printf '%-22s %-26s %12s %8s %8s %8s %-9s %-8s %-6s %s\n' "$dir" "$name" "$execs" "$fsecs" "$rate" "$secs" "$finding" "$end" "$(cut -d' ' -f1 /proc/loadavg)" "$stalls" >>"$out"
    [ "$status" = 0 ] || exit 1
  done || status=1
cat "$out"
exit $status
