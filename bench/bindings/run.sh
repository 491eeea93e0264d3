#!/usr/bin/env bash
# Bindings benchmark: nanoseconds per one-row predict (kolosal_model_predict) from Go, Ruby,
# Java and C# through their idiomatic layers, against the C ABI called directly from C, on one
# small model (logistic regression, 4 features), in one run. Each program warms up for as many
# rounds as it measures, then reports the median (and minimum) of REPS rounds of CALLS calls.
#
#   bench/bindings/run.sh [build-dir]      (default: build, the release preset's folder)
#   CALLS=1000000 RUBY_CALLS=200000 REPS=7 bench/bindings/run.sh
#
# Targets (issue 3): overhead over C <= 1 us for Java, C# and Go, <= 5 us for Ruby.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
calls=${CALLS:-1000000}
ruby_calls=${RUBY_CALLS:-200000}
reps=${REPS:-7}

configure=(-DKOLOSAL_BUILD_BINDINGS=ON -DKOLOSAL_BUILD_BENCH=ON)
[ -f "$build/CMakeCache.txt" ] || configure+=(-DCMAKE_BUILD_TYPE=Release)
log=$(mktemp)
if ! { cmake -S "$root" -B "$build" "${configure[@]}" &&
  cmake --build "$build" --target kolosal_bench_bindings_all -j"$(nproc)"; } >"$log" 2>&1; then
  cat "$log"
  exit 1
fi
rm -f "$log"

bench_c='' bench_go='' bench_ruby='' bench_java='' bench_csharp=''
# shellcheck source=/dev/null
source "$build/bench/bindings/commands.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
model=$work/bench.kolosal
$bench_c make-model "$model"

echo "one-row predict, ${reps} rounds of ${calls} calls (Ruby: ${ruby_calls}) after as many warm-up rounds"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
printf '%-8s %14s %12s %16s %10s\n' language "median ns/call" "min ns/call" "overhead vs C" target
c_median=''
c_label=''
failed=0
row() { # language command calls target-overhead-ns
  local language=$1 command=$2 n=$3 target=$4
  if [ -z "$command" ]; then
    printf '%-8s %14s\n' "$language" "(not built)"
    return
  fi
  local median min label
  read -r median min label < <($command "$model" "$n" "$reps")
  if [ -z "$c_median" ]; then
    c_median=$median
    c_label=$label
    printf '%-8s %14.1f %12.1f %16s %10s\n' "$language" "$median" "$min" "-" "baseline"
    return
  fi
  local overhead verdict
  overhead=$(awk -v m="$median" -v c="$c_median" 'BEGIN {printf "%.1f", m - c}')
  verdict=$(awk -v o="$overhead" -v t="$target" 'BEGIN {print (o <= t ? "ok" : "MISSED")}')
  [ "$label" = "$c_label" ] || { verdict="WRONG ($label)"; failed=1; }
  [ "$verdict" = ok ] || failed=1
  printf '%-8s %14.1f %12.1f %13s ns %10s\n' "$language" "$median" "$min" "+$overhead" \
    "<= $((target / 1000)) us $verdict"
}
row C "$bench_c time" "$calls" 0
row Go "$bench_go" "$calls" 1000
row Ruby "$bench_ruby" "$ruby_calls" 5000
row Java "$bench_java" "$calls" 1000
row 'C#' "$bench_csharp" "$calls" 1000
exit $failed
