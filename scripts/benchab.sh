#!/usr/bin/env bash
# A/B benchmark: one package's benchmarks at a base commit against the
# working tree, runs interleaved (base, head, base, head, ...) so that a
# change in the machine's load falls on both, then benchstat.
#
#   scripts/benchab.sh BASE PATTERN [COUNT] [BENCHTIME] [PKG]
#
# e.g. scripts/benchab.sh main~4 'SeedSearch10M$' 6 10x ./engine
#
# builds the test binary of PKG (default ./engine) at BASE (in a temporary
# git worktree) and from the working tree, runs each COUNT times (default
# 6) with -test.benchtime BENCHTIME (default 1s), appending to
# $OUT.base and $OUT.head (OUT defaults to /tmp/benchab), logs the load
# average before each run to $OUT.log, and prints benchstat's comparison
# (go install golang.org/x/perf/cmd/benchstat@latest). A benchmark that
# exists only in the working tree can be given to the base too with
# EXTRA=file_test.go (copied into PKG at BASE before building).
set -euo pipefail
cd "$(dirname "$0")/.."
base=$1
pat=$2
count=${3:-6}
benchtime=${4:-1s}
pkg=${5:-./engine}
out=${OUT:-/tmp/benchab}
tmp=$(mktemp -d)
trap 'git worktree remove --force "$tmp/base" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
git worktree add -q --detach "$tmp/base" "$base"
if [ -n "${EXTRA:-}" ]; then
  cp "$EXTRA" "$tmp/base/$pkg/"
fi
(cd "$tmp/base" && go test -c -o "$tmp/base.test" "$pkg")
go test -c -o "$tmp/head.test" "$pkg"
: >"$out.base"
: >"$out.head"
: >"$out.log"
for i in $(seq "$count"); do
  for v in base head; do
    echo "# $v run $i $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out.log"
    (cd "$pkg" && "$tmp/$v.test" -test.run '^$' -test.bench "$pat" -test.benchtime "$benchtime" -test.count 1) >>"$out.$v"
  done
done
cat "$out.log"
bs=$(command -v benchstat || echo "$(go env GOPATH)/bin/benchstat")
"$bs" "$out.base" "$out.head"
