#!/usr/bin/env bash
# Bindings benchmark: nanoseconds per one-row predict (kolosal_model_predict) from Go, Ruby,
# Java and C# through their idiomatic layers, against the C ABI called directly from C, on one
# small model (logistic regression, 4 features), in one run.
#
# Each program warms up for as many rounds as it measures, then reports the median of REPS
# rounds of CALLS calls. The languages run one after the other, ROUNDS times, so that a change
# of machine load hits all of them alike: a language's figure is the median over the rounds,
# and its overhead the median over the rounds of (its figure - C's figure in the same round).
#
#   bench/bindings/run.sh [build-dir]      (default: build, the release preset's folder)
#   CALLS=100000 RUBY_CALLS=50000 REPS=9 ROUNDS=5 bench/bindings/run.sh
#
# On a busy machine the figures move with the load; the "fastest" columns (the fastest
# repetition of all rounds, and its difference to C's fastest) show the cost without it.
#
# Targets (issue 3): overhead over C <= 1 us for Java, C# and Go, <= 5 us for Ruby.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
calls=${CALLS:-100000}
ruby_calls=${RUBY_CALLS:-50000}
reps=${REPS:-9}
rounds=${ROUNDS:-5}

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

languages=(C Go Ruby Java 'C#')
commands=("$bench_c time" "$bench_go" "$bench_ruby" "$bench_java" "$bench_csharp")
targets=(0 1000 5000 1000 1000)
for round in $(seq "$rounds"); do
  for index in "${!languages[@]}"; do
    [ -n "${commands[$index]}" ] || continue
    n=$calls
    [ "${languages[$index]}" = Ruby ] && n=$ruby_calls
    # One line per run: "<median ns> <min ns> <predicted label>".
    ${commands[$index]} "$model" "$n" "$reps" >"$work/$index.$round"
  done
done

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
echo "one-row predict: ${rounds} rounds x ${reps} repetitions of ${calls} calls" \
  "(Ruby: ${ruby_calls}), after as many warm-up repetitions"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %10s %16s %10s %16s  %s\n' language "ns/call" "overhead vs C" fastest \
  "(overhead)" target
c_label=$(cut -d' ' -f3 "$work/0.1")
failed=0
for index in "${!languages[@]}"; do
  language=${languages[$index]}
  if [ -z "${commands[$index]}" ]; then
    printf '%-8s %15s\n' "$language" "(not built)"
    continue
  fi
  median_ns=$(cat "$work/$index".* | cut -d' ' -f1 | median)
  fastest=$(cat "$work/$index".* | cut -d' ' -f2 | sort -g | head -1)
  if [ "$index" = 0 ]; then
    c_fastest=$fastest
    printf '%-8s %10.1f %16s %10.1f %16s  %s\n' "$language" "$median_ns" "-" "$fastest" "-" \
      baseline
    continue
  fi
  overhead=$(for round in $(seq "$rounds"); do
    paste -d' ' "$work/$index.$round" "$work/0.$round" | awk '{print $1 - $4}'
  done | median)
  verdict=$(awk -v o="$overhead" -v t="${targets[$index]}" 'BEGIN {print (o <= t ? "ok" : "MISSED")}')
  if cut -d' ' -f3 "$work/$index".* | grep -qvx -- "$c_label"; then
    verdict="WRONG LABEL"
  fi
  [ "$verdict" = ok ] || failed=1
  printf '%-8s %10.1f %13.1f ns %10.1f %13.1f ns  %s\n' "$language" "$median_ns" "$overhead" \
    "$fastest" "$(awk -v f="$fastest" -v c="$c_fastest" 'BEGIN {print f - c}')" \
    "<= $((targets[index] / 1000)) us: $verdict"
done
exit $failed
