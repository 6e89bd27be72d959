#!/usr/bin/env bash
# Whole-process figures on the generated benchmark input, beside the
# physical floor (cat and grep -c over the same file), each with its wall
# and CPU time and peak RSS from /usr/bin/time -v, and the load average.
#
#   scripts/wholeprocess.sh [EVENTS] [RUNS]
#
# generates DIR/events-EVENTS.log with sysmongen (default 1,000,000
# events, about 1.1 GB; DIR is $PERF_DIR or /tmp/minispl-perf) unless it
# exists, builds minispl, and runs each command RUNS times (default 3):
# cat > /dev/null, grep -c Manipulator, the seed search (the README's RMS
# detection, testdata/examples/rms_seed.spl) with minispl run.
#
# With EXTRA=1 it also runs, RUNS times, an unselective tstats (every
# Registry row, by dest: no pre-filter, and no event texts kept since no
# search reads raw events), and once a search over raw events that the
# pre-filter cannot narrow (the event store of every event is built).
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-1000000}
runs=${2:-3}
dir=${PERF_DIR:-/tmp/minispl-perf}
mkdir -p "$dir"
in="$dir/events-$events.log"
if [ ! -s "$in" ]; then
  go run ./datamodel/sysmongen/cmd/sysmongen -events "$events" -o "$in"
fi
go build -o "$dir/minispl" ./cmd/minispl
echo "input: $in ($(du -hL "$in" | cut -f1)), $(nproc) CPUs, $(go version | cut -d' ' -f3)"

measure() { # name command...
  local name=$1; shift
  for _ in $(seq "$runs"); do
    # Not /dev/null: GNU grep stops at the first match when it writes there.
    /usr/bin/time -v "$@" > "$dir/out.txt" 2> "$dir/time.txt" || true
    awk -v n="$name" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
      /Elapsed \(wall clock\)/ { split($NF, t, ":"); wall = (length(t) == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
      /User time/ { user = $NF } /System time/ { sys = $NF }
      /Maximum resident set size/ { rss = $NF }
      END { printf "%-8s wall %6.2f s  cpu %6.2f s  peak RSS %7.0f MB  load %s\n", n, wall, user + sys, rss / 1024, load }' "$dir/time.txt"
  done
}
measure cat cat "$in"
measure grep grep -c Manipulator "$in"
measure seed "$dir/minispl" run --data "$in" -f testdata/examples/rms_seed.spl
if [ "${EXTRA:-}" = 1 ]; then
  measure tstats "$dir/minispl" run --data "$in" '| tstats count from datamodel=Endpoint.Registry by Registry.dest'
  runs=1 measure raw "$dir/minispl" run --data "$in" 'search EventCode=13 | stats count by host'
fi
