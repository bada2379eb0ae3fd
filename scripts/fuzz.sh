#!/usr/bin/env bash
# libFuzzer targets of fuzz/, built with clang, ASan and UBSan in build-fuzz.
#   scripts/fuzz.sh check   (make test) replays every regression input, then runs each target
#                           a fixed number of times from a fixed seed: deterministic, about a
#                           minute in all.
#   scripts/fuzz.sh run     (make fuzz) runs each target for FUZZ_SECONDS (default 60) and
#                           keeps what it finds in build-fuzz/found/<target>.
# Seeds come from the compatibility corpus (segments, revisions, names, CSVs) and fuzz/seeds.
# A crash leaves its input in build-fuzz/crashes/<target>: add it to fuzz/regressions/<target>.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-check}
BUILD=${FUZZ_BUILD:-build-fuzz}
CORPUS=../shared/lakota-format/corpus
RUNS=${FUZZ_RUNS:-}

scripts/setup.sh --with-fuzz
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
    -DCMAKE_CXX_COMPILER=clang++ -DLAKOTA_FUZZ=ON -DLAKOTA_TESTS=OFF -DLAKOTA_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD" -j "$(nproc)" >/dev/null

# Seeds, made afresh from the corpus.
SEEDS=$BUILD/seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS"/{fuzz_blosc,fuzz_codecs,fuzz_commit,fuzz_revision_names,fuzz_csv,fuzz_values}
if [ -d "$CORPUS" ]; then
  while IFS= read -r f; do
    name=$(basename "$f")
    key=$(echo "$f" | sha1sum | cut -c1-16)
    case "$name" in
      *.*) cp "$f" "$SEEDS/fuzz_commit/$key" ;;
      *) cp "$f" "$SEEDS/fuzz_blosc/$key"
         { printf '\0'; cat "$f"; } > "$SEEDS/fuzz_codecs/$key" ;;
    esac
  done < <(find "$CORPUS" -type f -not -path '*/_expected/*')
  while IFS= read -r d; do
    ls "$d" > "$SEEDS/fuzz_revision_names/$(echo "$d" | sha1sum | cut -c1-16)"
  done < <(find "$CORPUS" -type f -name '*.*' -not -path '*/_expected/*' -exec dirname {} \; | sort -u)
  find "$CORPUS/_expected" -type f -name '*.csv' | while IFS= read -r f; do
    cp "$f" "$SEEDS/fuzz_csv/$(echo "$f" | sha1sum | cut -c1-16)"
  done
fi
cp fuzz/seeds/values/* "$SEEDS/fuzz_values/" 2>/dev/null || true
python3 - "$SEEDS/fuzz_codecs" <<'PY'
import bz2, gzip, lzma, sys, zlib
data = b"".join(b"%d,%f\n" % (i, i * 0.37) for i in range(300))
for i, blob in [(2, zlib.compress(data, 1)), (3, gzip.compress(data, 1)), (4, bz2.compress(data, 1)),
                (5, lzma.compress(data))]:
    open(f"{sys.argv[1]}/py{i}", "wb").write(bytes([i]) + blob)
PY

# Runs per target in check mode: about ten seconds each on a 2-core machine.
declare -A CHECK_RUNS=([fuzz_blosc]=50000 [fuzz_codecs]=100000 [fuzz_commit]=100000
                       [fuzz_revision_names]=100000 [fuzz_csv]=10000 [fuzz_values]=20000)

status=0
for target in fuzz_blosc fuzz_codecs fuzz_commit fuzz_revision_names fuzz_csv fuzz_values; do
  bin=$BUILD/$target
  regress=fuzz/regressions/$target
  mkdir -p "$BUILD/crashes/$target"
  opts=(-print_final_stats=1 -rss_limit_mb=2048 -timeout=20 -max_len=262144 -artifact_prefix="$BUILD/crashes/$target/")
  if [ -d "$regress" ] && [ -n "$(ls -A "$regress")" ]; then
    "$bin" "${opts[@]}" "$regress"/* >/dev/null 2>"$BUILD/$target.replay.log" ||
      { echo "fuzz: $target fails on a regression input (see $BUILD/$target.replay.log)"; status=1; continue; }
  fi
  work=$(mktemp -d)
  dirs=("$work" "$SEEDS/$target")
  [ -d "$regress" ] && dirs+=("$regress")
  if [ "$MODE" = check ]; then
    runs=${RUNS:-${CHECK_RUNS[$target]}}
    "$bin" "${opts[@]}" -seed=1 -runs="$runs" "${dirs[@]}" >"$BUILD/$target.log" 2>&1 ||
      { echo "fuzz: $target crashed (see $BUILD/$target.log and $BUILD/crashes/$target)"; status=1; }
  else
    mkdir -p "$BUILD/found/$target"
    "$bin" "${opts[@]}" -max_total_time="${FUZZ_SECONDS:-60}" "$BUILD/found/$target" "${dirs[@]:1}" \
      >"$BUILD/$target.log" 2>&1 || { echo "fuzz: $target crashed (see $BUILD/$target.log)"; status=1; }
  fi
  rm -rf "$work"
  echo "fuzz: $target $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$BUILD/$target.log" | grep -o '[0-9]*$' || echo '?') runs, $(grep -c '' <(ls "$regress" 2>/dev/null)) regression inputs"
done
exit $status
